#include "silicortex/model/plasticity.hpp"

#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/core/overloaded.hpp"
#include "silicortex/model/network.hpp"

namespace scx::model {

std::string rule_name(const PlasticityRule& rule) {
  return std::visit(Overloaded{[](const PairStdp&) { return "pair_stdp"; },
                               [](const TripletStdp&) { return "triplet_stdp"; },
                               [](const RewardStdp&) { return "reward_stdp"; },
                               [](const ExpressionRule&) { return "expression"; }},
                    rule);
}

namespace {

struct Checker {
  const Origin& origin;
  std::string object;

  void require(bool ok, const char* field, const std::string& msg) const {
    if (!ok) throw_error_at(origin.file, origin.line, 0, object + "." + field, msg);
  }
  void tau(double v, const char* field) const {
    require(std::isfinite(v) && v > 0, field,
            "must be a positive time constant in ms, got " + std::to_string(v));
  }
  void amplitude(double v, const char* field) const {
    require(std::isfinite(v) && v >= 0, field, "must be a non-negative amplitude, got " + std::to_string(v));
  }
  template <class R>
  void pair_window(const R& r) const {
    amplitude(r.a_plus, "a_plus");
    amplitude(r.a_minus, "a_minus");
    tau(r.tau_plus_ms, "tau_plus_ms");
    tau(r.tau_minus_ms, "tau_minus_ms");
  }
  void bounds(double w_min, double w_max) const {
    require(std::isfinite(w_min), "w_min", "must be a finite number");
    require(std::isfinite(w_max) && w_max >= w_min, "w_max",
            "must be a finite number not below w_min (" + std::to_string(w_min) + ")");
  }
};

}  // namespace

void validate_plasticity(const PlasticityRule& rule, const Origin& origin, const std::string& object) {
  const Checker c{origin, object + ".plasticity"};
  std::visit(Overloaded{[&](const PairStdp& r) {
                          c.pair_window(r);
                          c.bounds(r.w_min, r.w_max);
                        },
                        [&](const TripletStdp& r) {
                          c.amplitude(r.a2_plus, "a2_plus");
                          c.amplitude(r.a3_plus, "a3_plus");
                          c.amplitude(r.a2_minus, "a2_minus");
                          c.amplitude(r.a3_minus, "a3_minus");
                          c.tau(r.tau_plus_ms, "tau_plus_ms");
                          c.tau(r.tau_minus_ms, "tau_minus_ms");
                          c.tau(r.tau_x_ms, "tau_x_ms");
                          c.tau(r.tau_y_ms, "tau_y_ms");
                          c.bounds(r.w_min, r.w_max);
                        },
                        [&](const RewardStdp& r) {
                          c.pair_window(r);
                          c.tau(r.tau_c_ms, "tau_c_ms");
                          c.require(std::isfinite(r.tau_d_ms) && r.tau_d_ms >= 0, "tau_d_ms",
                                    "must be a non-negative time constant in ms (0 = held)");
                          c.bounds(r.w_min, r.w_max);
                        },
                        [&](const ExpressionRule& r) {
                          c.require(!r.text.empty(), "rule", "must not be empty");
                          c.tau(r.tau_x1_ms, "tau_x1_ms");
                          c.tau(r.tau_x2_ms, "tau_x2_ms");
                          c.tau(r.tau_y1_ms, "tau_y1_ms");
                          c.tau(r.tau_y2_ms, "tau_y2_ms");
                          c.tau(r.tau_y3_ms, "tau_y3_ms");
                          c.require(std::isfinite(r.tau_r_ms) && r.tau_r_ms >= 0, "tau_r_ms",
                                    "must be a non-negative time constant in ms (0 = held)");
                          c.bounds(r.w_min, r.w_max);
                        }},
             rule);
}

void validate_adaptive_threshold(const AdaptiveThreshold& a, const Origin& origin,
                                 const std::string& object) {
  const Checker c{origin, object + ".adaptive_threshold"};
  c.amplitude(a.theta_plus_mv, "theta_plus_mv");
  c.tau(a.tau_theta_ms, "tau_theta_ms");
}

}  // namespace scx::model
