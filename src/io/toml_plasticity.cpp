#include "toml_plasticity.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "silicortex/core/error.hpp"
#include "silicortex/learning/expression.hpp"

namespace scx::io::toml_detail {

namespace {

using namespace scx::model;

template <class R>
struct Param {
  const char* name;
  double R::*member;
};

constexpr Param<PairStdp> kPair[] = {{"a_plus", &PairStdp::a_plus},
                                     {"a_minus", &PairStdp::a_minus},
                                     {"tau_plus_ms", &PairStdp::tau_plus_ms},
                                     {"tau_minus_ms", &PairStdp::tau_minus_ms},
                                     {"w_min", &PairStdp::w_min},
                                     {"w_max", &PairStdp::w_max}};
constexpr Param<TripletStdp> kTriplet[] = {{"a2_plus", &TripletStdp::a2_plus},
                                           {"a3_plus", &TripletStdp::a3_plus},
                                           {"a2_minus", &TripletStdp::a2_minus},
                                           {"a3_minus", &TripletStdp::a3_minus},
                                           {"tau_plus_ms", &TripletStdp::tau_plus_ms},
                                           {"tau_minus_ms", &TripletStdp::tau_minus_ms},
                                           {"tau_x_ms", &TripletStdp::tau_x_ms},
                                           {"tau_y_ms", &TripletStdp::tau_y_ms},
                                           {"w_min", &TripletStdp::w_min},
                                           {"w_max", &TripletStdp::w_max}};
constexpr Param<RewardStdp> kReward[] = {{"a_plus", &RewardStdp::a_plus},
                                         {"a_minus", &RewardStdp::a_minus},
                                         {"tau_plus_ms", &RewardStdp::tau_plus_ms},
                                         {"tau_minus_ms", &RewardStdp::tau_minus_ms},
                                         {"tau_c_ms", &RewardStdp::tau_c_ms},
                                         {"tau_d_ms", &RewardStdp::tau_d_ms},
                                         {"w_min", &RewardStdp::w_min},
                                         {"w_max", &RewardStdp::w_max}};
constexpr Param<ExpressionRule> kExpression[] = {
    {"tau_x1_ms", &ExpressionRule::tau_x1_ms}, {"tau_x2_ms", &ExpressionRule::tau_x2_ms},
    {"tau_y1_ms", &ExpressionRule::tau_y1_ms}, {"tau_y2_ms", &ExpressionRule::tau_y2_ms},
    {"tau_y3_ms", &ExpressionRule::tau_y3_ms}, {"tau_r_ms", &ExpressionRule::tau_r_ms},
    {"w_min", &ExpressionRule::w_min},         {"w_max", &ExpressionRule::w_max}};

Pairing read_pairing(const Field& f) {
  const std::string p = f.string();
  if (p == "all_to_all") return Pairing::AllToAll;
  if (p == "nearest") return Pairing::Nearest;
  f.fail(fmt::format("expected \"all_to_all\" or \"nearest\", got '{}'{}", p,
                     did_you_mean(p, {"all_to_all", "nearest"})));
}

template <class R, size_t N>
R read_fields(TableReader& t, const Param<R> (&fields)[N]) {
  R r;
  for (const auto& p : fields)
    if (auto v = t.get(p.name)) r.*p.member = v->number();
  if (auto v = t.get("pairing")) r.pairing = read_pairing(*v);
  return r;
}

template <class R, size_t N>
std::vector<std::pair<std::string, double>> defaults_of(const Param<R> (&fields)[N]) {
  const R r;
  std::vector<std::pair<std::string, double>> out;
  for (const auto& p : fields) out.emplace_back(p.name, r.*p.member);
  return out;
}

}  // namespace

std::vector<std::string> rule_names() {
  return {"pair_stdp", "triplet_stdp", "reward_stdp", "expression"};
}

model::PlasticityRule read_plasticity(const Field& f) {
  TableReader t = f.table();
  const Field rule_f = t.require("rule");
  const std::string rule = rule_f.string();
  PlasticityRule out;
  if (rule == "pair_stdp") {
    PairStdp r = read_fields(t, kPair);
    if (auto m = t.get("multiplicative")) r.multiplicative = m->boolean();
    out = r;
  } else if (rule == "triplet_stdp") {
    out = read_fields(t, kTriplet);
  } else if (rule == "reward_stdp") {
    out = read_fields(t, kReward);
  } else if (rule == "expression") {
    ExpressionRule r = read_fields(t, kExpression);
    const Field text_f = t.require("expression");
    r.text = text_f.string();
    try {
      learning::compile_expression(r.text);
    } catch (const Error& e) {
      text_f.fail(e.what());
    }
    out = r;
  } else {
    const auto names = rule_names();
    rule_f.fail(fmt::format("unknown plasticity rule '{}'{}; expected one of {}", rule,
                            did_you_mean(rule, names), fmt::join(names, ", ")));
  }
  t.finish();
  return out;
}

model::AdaptiveThreshold read_adaptive_threshold(const Field& f) {
  TableReader t = f.table();
  AdaptiveThreshold a;
  if (auto v = t.get("theta_plus_mv")) a.theta_plus_mv = v->non_negative();
  if (auto v = t.get("tau_theta_ms")) a.tau_theta_ms = v->positive();
  t.finish();
  return a;
}

std::vector<std::pair<std::string, double>> rule_parameter_defaults(std::string_view rule) {
  if (rule == "pair_stdp") return defaults_of(kPair);
  if (rule == "triplet_stdp") return defaults_of(kTriplet);
  if (rule == "reward_stdp") return defaults_of(kReward);
  if (rule == "expression") return defaults_of(kExpression);
  return {};
}

}  // namespace scx::io::toml_detail
