#pragma once
// Plasticity as the user describes it: one rule per projection, switched on by giving the projection a rule.
// Amplitudes are weight changes in the projection's weight unit; time constants in ms. The learning layer
// (include/silicortex/learning/) turns a spec into traces and a rule kernel.
#include <string>
#include <variant>

namespace scx::model {

// How spikes pair: every earlier spike counts (trace += 1) or only the nearest one (trace reset to 1).
enum class Pairing { AllToAll, Nearest };

// Pair STDP: pre before post by dt adds a_plus e^{-dt/tau_plus}; post before pre subtracts a_minus
// e^{-dt/tau_minus}. Additive: hard bounds [w_min, w_max]. Multiplicative: the change scales with (w_max - w)
// for potentiation and (w - w_min) for depression (soft bounds).
struct PairStdp {
  double a_plus = 0.01, a_minus = 0.012;
  double tau_plus_ms = 20.0, tau_minus_ms = 20.0;
  bool multiplicative = false;
  Pairing pairing = Pairing::AllToAll;
  double w_min = 0.0, w_max = 1.0;
};

// Triplet STDP (Pfister & Gerstner 2006). At a post spike w += r1 (a2_plus + a3_plus o2), at a pre spike
// w -= o1 (a2_minus + a3_minus r2), with o2 and r2 read just before the spike. Defaults: the paper's full
// all-to-all model for hippocampal culture data (Table 4; tau_plus 16.8 ms, tau_minus 33.7 ms). The paper's
// minimal models set a3_minus = 0 (and, for visual cortex, a2_plus near 0); pairing = Nearest gives its
// nearest-spike variants.
struct TripletStdp {
  double a2_plus = 6.1e-3, a3_plus = 6.7e-3, a2_minus = 1.6e-3, a3_minus = 1.4e-3;
  double tau_plus_ms = 16.8, tau_minus_ms = 33.7, tau_x_ms = 946.0, tau_y_ms = 27.0;
  Pairing pairing = Pairing::AllToAll;
  double w_min = 0.0, w_max = 1.0;
};

// Reward-modulated STDP (Izhikevich 2007): eligibility c' = -c/tau_c + STDP(dt) at spikes, weight w' = c d,
// where d is the global reward (Engine::set_reward) decaying with tau_d_ms (0 = held until set again). Hard
// bounds.
struct RewardStdp {
  double a_plus = 1.0, a_minus = 1.5;
  double tau_plus_ms = 20.0, tau_minus_ms = 20.0;
  double tau_c_ms = 1000.0, tau_d_ms = 200.0;
  Pairing pairing = Pairing::AllToAll;
  double w_min = 0.0, w_max = 4.0;
};

// A rule in Loihi's sum-of-products form, e.g. "dw = 2^-2*x1*y0 - 2^-2*y1*x0" (see docs/design/learning.md).
// Traces x1, x2 (pre) and y1, y2, y3 (post) have the given time constants; r is the global reward decaying
// with tau_r_ms (0 = held). Weights are clipped to [w_min, w_max].
struct ExpressionRule {
  std::string text;
  double tau_x1_ms = 20.0, tau_x2_ms = 20.0;
  double tau_y1_ms = 20.0, tau_y2_ms = 20.0, tau_y3_ms = 20.0;
  double tau_r_ms = 0.0;
  Pairing pairing = Pairing::AllToAll;
  double w_min = 0.0, w_max = 1.0;
};

using PlasticityRule = std::variant<PairStdp, TripletStdp, RewardStdp, ExpressionRule>;

// Homeostatic adaptive threshold of a population (Diehl & Cook 2015): each neuron's threshold is
// v_th + theta, theta jumps by theta_plus_mv at the neuron's spikes and decays with tau_theta_ms. LIF models
// only. The engine can freeze theta and read or set it between runs (Engine::set_learning, thresholds).
struct AdaptiveThreshold {
  double theta_plus_mv = 0.05;
  double tau_theta_ms = 1e7;
};

// The rule's name as written in files ("pair_stdp", ...).
std::string rule_name(const PlasticityRule& rule);

struct Origin;
// Checks amplitudes, time constants and bounds; throws scx::Error naming origin and
// "<object>.plasticity.<field>". The expression text is parsed by the learning layer
// (learning::compile_expression).
void validate_plasticity(const PlasticityRule& rule, const Origin& origin, const std::string& object);
// Throws scx::Error naming origin and "<object>.adaptive_threshold.<field>".
void validate_adaptive_threshold(const AdaptiveThreshold& a, const Origin& origin, const std::string& object);

}  // namespace scx::model
