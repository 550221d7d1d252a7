// Plasticity in Python: the four rules of docs/model-format.md ("Plasticity") and the adaptive threshold, as
// classes with keyword construction; Network.connect(..., plasticity=rule) and add_population(...,
// adaptive_threshold=...) take them.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/model/plasticity.hpp"

namespace scx::py_bind {
namespace {

using namespace scx::model;

// `pairing` as the file format writes it.
template <class T>
void pairing_property(py::class_<T>& c) {
  c.def_property(
      "pairing", [](const T& r) { return r.pairing == Pairing::Nearest ? "nearest" : "all_to_all"; },
      [](T& r, const std::string& p) {
        r.pairing = choice(p, "pairing", "all_to_all", "nearest") ? Pairing::Nearest : Pairing::AllToAll;
      });
}

}  // namespace

void bind_plasticity(py::module_& m) {
  py::class_<PairStdp> pair(m, "PairStdp", "Pair STDP with hard or soft (multiplicative) bounds");
  pair.def_readwrite("a_plus", &PairStdp::a_plus)
      .def_readwrite("a_minus", &PairStdp::a_minus)
      .def_readwrite("tau_plus_ms", &PairStdp::tau_plus_ms)
      .def_readwrite("tau_minus_ms", &PairStdp::tau_minus_ms)
      .def_readwrite("multiplicative", &PairStdp::multiplicative)
      .def_readwrite("w_min", &PairStdp::w_min)
      .def_readwrite("w_max", &PairStdp::w_max);
  pairing_property(pair);
  keyword_init(pair, "PairStdp");

  py::class_<TripletStdp> triplet(m, "TripletStdp", "Triplet STDP (Pfister & Gerstner 2006)");
  triplet.def_readwrite("a2_plus", &TripletStdp::a2_plus)
      .def_readwrite("a3_plus", &TripletStdp::a3_plus)
      .def_readwrite("a2_minus", &TripletStdp::a2_minus)
      .def_readwrite("a3_minus", &TripletStdp::a3_minus)
      .def_readwrite("tau_plus_ms", &TripletStdp::tau_plus_ms)
      .def_readwrite("tau_minus_ms", &TripletStdp::tau_minus_ms)
      .def_readwrite("tau_x_ms", &TripletStdp::tau_x_ms)
      .def_readwrite("tau_y_ms", &TripletStdp::tau_y_ms)
      .def_readwrite("w_min", &TripletStdp::w_min)
      .def_readwrite("w_max", &TripletStdp::w_max);
  pairing_property(triplet);
  keyword_init(triplet, "TripletStdp");

  py::class_<RewardStdp> reward(m, "RewardStdp",
                                "Reward-modulated STDP (Izhikevich 2007); Engine.set_reward");
  reward.def_readwrite("a_plus", &RewardStdp::a_plus)
      .def_readwrite("a_minus", &RewardStdp::a_minus)
      .def_readwrite("tau_plus_ms", &RewardStdp::tau_plus_ms)
      .def_readwrite("tau_minus_ms", &RewardStdp::tau_minus_ms)
      .def_readwrite("tau_c_ms", &RewardStdp::tau_c_ms)
      .def_readwrite("tau_d_ms", &RewardStdp::tau_d_ms)
      .def_readwrite("w_min", &RewardStdp::w_min)
      .def_readwrite("w_max", &RewardStdp::w_max);
  pairing_property(reward);
  keyword_init(reward, "RewardStdp");

  py::class_<ExpressionRule> expr(
      m, "ExpressionRule", "A rule in Loihi's sum-of-products form, e.g. 'dw = 2^-2*x1*y0 - 2^-2*y1*x0'");
  expr.def_readwrite("text", &ExpressionRule::text)
      .def_readwrite("tau_x1_ms", &ExpressionRule::tau_x1_ms)
      .def_readwrite("tau_x2_ms", &ExpressionRule::tau_x2_ms)
      .def_readwrite("tau_y1_ms", &ExpressionRule::tau_y1_ms)
      .def_readwrite("tau_y2_ms", &ExpressionRule::tau_y2_ms)
      .def_readwrite("tau_y3_ms", &ExpressionRule::tau_y3_ms)
      .def_readwrite("tau_r_ms", &ExpressionRule::tau_r_ms)
      .def_readwrite("w_min", &ExpressionRule::w_min)
      .def_readwrite("w_max", &ExpressionRule::w_max);
  pairing_property(expr);
  keyword_init(expr, "ExpressionRule");

  py::class_<AdaptiveThreshold> theta(
      m, "AdaptiveThreshold", "Homeostatic threshold (Diehl & Cook 2015): theta jumps at spikes, decays");
  theta.def_readwrite("theta_plus_mv", &AdaptiveThreshold::theta_plus_mv)
      .def_readwrite("tau_theta_ms", &AdaptiveThreshold::tau_theta_ms);
  keyword_init(theta, "AdaptiveThreshold");
}

}  // namespace scx::py_bind
