// Fixed-point (Loihi-class) learning against the float rule: the same spikes give weights within the bound
// that rounding and trace quantisation allow; the learning epoch groups spikes; stochastic rounding is
// unbiased and repeatable.
#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/learning/fixed_point_learner.hpp"
#include "silicortex/learning/synapse_driver.hpp"

namespace scx::learning {
namespace {

model::ExpressionRule stdp_rule() {
  model::ExpressionRule r;
  r.text = "dw = 2^-2*x1*y0 - 2^-3*y1*x0";
  r.tau_x1_ms = r.tau_y1_ms = 20;
  r.w_min = -100, r.w_max = 100;
  return r;
}

std::vector<int64_t> random_steps(uint64_t seed, double p, int64_t steps) {
  RandomStream rng(seed, 7);
  std::vector<int64_t> out;
  for (int64_t s = 0; s < steps; ++s)
    if (rng.uniform() < p) out.push_back(s);
  return out;
}

// Runs a one-synapse learner over the drive's spikes, with a held reward.
FixedPointLearner drive_fixed(const model::PlasticityRule& rule, int32_t bits, double lsb,
                              const FixedPointOptions& opt, const SynapseDrive& d, double reward = 0) {
  FixedPointLearner f(rule, 1.0, bits, lsb, opt, 1, 1);
  f.add_synapse(0, 0, 0);
  f.set_reward(reward);
  size_t a = 0, b = 0;
  for (int64_t s = 0; s < d.steps; ++s) {
    if (a < d.pre_steps.size() && d.pre_steps[a] == s) f.pre_spike(0), ++a;
    if (b < d.post_steps.size() && d.post_steps[b] == s) f.post_spike(0), ++b;
    f.end_tick();
  }
  return f;
}

// Per update the fixed-point change differs from the float one by at most half a weight step (rounding)
// plus sum|coefficient| times the largest trace error. A trace's error is the accumulation of its per-tick
// rounding (half a unit) and the Q16 decay factor's error (half of 2^-16, times the trace), each shrinking
// by the decay d afterwards: at most (0.5/unit + x_max 2^-17) / (1 - d).
double rounding_bound(int64_t updates, double lsb, double coeff_sum, int32_t impulse, double x_max) {
  const double unit = impulse * 256.0, d = std::exp(-1.0 / 20.0);
  const double trace_err = (0.5 / unit + x_max * std::ldexp(1.0, -17)) / (1 - d);
  return double(updates) * (0.5 * lsb + coeff_sum * trace_err);
}

TEST(FixedPointLearner, AgreesWithTheFloatRuleWithinTheRoundingBound) {
  const model::PlasticityRule rule = stdp_rule();
  SynapseDrive d;
  d.steps = 3000;
  d.pre_steps = random_steps(1, 0.04, d.steps);
  d.post_steps = random_steps(2, 0.04, d.steps);
  const SynapseState ref = drive_synapse(Rule(rule, 1.0), {}, d);
  const double lsb = std::ldexp(1.0, -8);  // 16-bit weights spanning +-128
  const auto f = drive_fixed(rule, 16, lsb, {1, false, 0, 32}, d);
  const double w = f.weight(0) * lsb;
  const int64_t updates = int64_t(d.pre_steps.size() + d.post_steps.size());
  const double bound = rounding_bound(updates, lsb, 0.375, 32, 4.0);
  EXPECT_LE(std::fabs(w - ref.w), bound) << "float " << ref.w << " fixed " << w;
  EXPECT_GT(std::fabs(ref.w), 5 * bound) << "the spikes must move the weight well beyond the bound";
}

TEST(FixedPointLearner, EightBitWeightsStayWithinHalfAStepPerUpdate) {
  const model::PlasticityRule rule = stdp_rule();
  SynapseDrive d;
  d.steps = 200;
  d.pre_steps = {10, 40, 41, 90, 150};
  d.post_steps = {12, 38, 45, 100, 149};
  const SynapseState ref = drive_synapse(Rule(rule, 1.0), {}, d);
  const double lsb = 1.0 / 64;  // 8-bit mantissas spanning about +-2
  const auto f = drive_fixed(rule, 8, lsb, {}, d);
  EXPECT_LE(std::fabs(f.weight(0) * lsb - ref.w), rounding_bound(10, lsb, 0.375, 16, 2.0));
  EXPECT_NE(f.weight(0), 0);
}

TEST(FixedPointLearner, AnEpochPairsTheSpikesItContains) {
  // Pre at tick 2, post at tick 5, one learning phase at tick 7 (epoch 8): x0 = y0 = 1; x1 has decayed for
  // 5 ticks, y1 for 2.
  const model::PlasticityRule rule = stdp_rule();
  FixedPointLearner f(rule, 1.0, 16, std::ldexp(1.0, -12), {8, false, 0, 64}, 1, 1);
  f.add_synapse(0, 0, 0);
  for (int t = 0; t < 8; ++t) {
    if (t == 2) f.pre_spike(0);
    if (t == 5) f.post_spike(0);
    EXPECT_EQ(f.end_tick(), t == 7) << t;
  }
  const double expect = 0.25 * std::exp(-5.0 / 20) - 0.125 * std::exp(-2.0 / 20);
  EXPECT_NEAR(f.weight(0) * std::ldexp(1.0, -12), expect,
              rounding_bound(1, std::ldexp(1.0, -12), 0.375, 64, 1));
}

TEST(FixedPointLearner, TracesSaturateAtSevenBits) {
  model::PairStdp r;
  FixedPointLearner f(r, 1.0, 8, 1.0 / 64, {1, false, 0, 100}, 1, 1);
  f.pre_spike(0), f.end_tick();
  f.pre_spike(0), f.end_tick();
  EXPECT_LE(f.pre_trace(0, 0) * 100, 128.0);
  EXPECT_GT(f.pre_trace(0, 0) * 100, 120.0);
}

double mean_weight_after_epochs(bool stochastic, uint64_t seed, int epochs) {
  model::ExpressionRule r;
  r.text = "dw = r";
  r.w_min = -1000, r.w_max = 1000;
  FixedPointLearner f(r, 1.0, 16, 1.0, {1, stochastic, seed, 16}, 1, 1);
  f.add_synapse(0, 0, 0);
  f.set_reward(0.3);  // 0.3 weight steps per epoch
  for (int e = 0; e < epochs; ++e) f.end_tick();
  return f.weight(0);
}

TEST(FixedPointLearner, StochasticRoundingIsUnbiasedAndRepeatable) {
  EXPECT_EQ(mean_weight_after_epochs(false, 1, 100), 0.0);  // nearest rounding loses every 0.3 step
  double sum = 0;
  const int seeds = 400;
  for (int s = 1; s <= seeds; ++s) sum += mean_weight_after_epochs(true, uint64_t(s), 100);
  // Each seed's weight is Binomial(100, 0.3): mean 30, s.d. 4.58; the mean of 400 has s.d. 0.23.
  EXPECT_NEAR(sum / seeds, 30.0, 5 * 0.23);
  EXPECT_EQ(mean_weight_after_epochs(true, 7, 100), mean_weight_after_epochs(true, 7, 100));
  bool differ = false;
  for (int s = 2; s < 10; ++s)
    differ |= mean_weight_after_epochs(true, 1, 100) != mean_weight_after_epochs(true, uint64_t(s), 100);
  EXPECT_TRUE(differ);
}

TEST(FixedPointLearner, RewardModulatedRuleNeedsAReward) {
  // R-STDP as an expression: the tag follows STDP, the weight moves only with the reward.
  model::ExpressionRule r;
  r.text = "dt = x1*y0 - y1*x0; dw = r*t";
  r.w_min = -100, r.w_max = 100;
  SynapseDrive d;
  d.steps = 400;
  d.pre_steps = random_steps(3, 0.05, d.steps);
  d.post_steps = random_steps(4, 0.05, d.steps);
  const double lsb = 1.0 / 64;
  const auto zero = drive_fixed(r, 16, lsb, {}, d);
  EXPECT_EQ(zero.weight(0), 0);
  EXPECT_NE(zero.tag(0), 0);
  EXPECT_NE(drive_fixed(r, 16, lsb, {}, d, 0.5).weight(0), 0);
}

TEST(FixedPointLearner, RulesWithoutAFixedPointFormAreRefused) {
  EXPECT_THROW(FixedPointLearner(model::TripletStdp{}, 1.0, 8, 1.0, {}, 1, 1, "proj"), Error);
  EXPECT_THROW(FixedPointLearner(model::PairStdp{}, 1.0, 8, 1.0, {0, false, 0, 16}, 1, 1), Error);
  model::ExpressionRule bad;
  bad.text = "dw = x1 *";
  try {
    FixedPointLearner(bad, 1.0, 8, 1.0, {}, 1, 1, "proj");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("proj: rule:1:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace scx::learning
