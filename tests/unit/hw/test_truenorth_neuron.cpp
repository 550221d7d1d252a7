// The TrueNorth neuron (Cassidy 2013) against trajectories worked out by hand from the equations in
// include/silicortex/hw/truenorth_neuron.hpp, its stochastic modes (reproducible, right rates), and its float
// counterpart.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "silicortex/hw/truenorth_neuron.hpp"

namespace scx::hw {
namespace {

struct Step {
  int32_t v;
  bool fired;
};

// Runs one neuron for `ticks` ticks; `inputs[t]` lists the axon types active at tick t (each connected).
std::vector<Step> run(const TrueNorthNeuronParams& p, int ticks,
                      const std::vector<std::vector<int>>& inputs = {}, int potential_bits = 20,
                      uint64_t seed = 1, uint64_t* saturations = nullptr) {
  TrueNorthNeurons n(1, potential_bits);
  n.set(0, p);
  std::vector<Step> out;
  for (int t = 0; t < ticks; ++t) {
    const TnRandom rng(seed, 0, uint32_t(t));
    if (size_t(t) < inputs.size())
      for (size_t i = 0; i < inputs[t].size(); ++i) n.integrate(0, inputs[t][i], uint32_t(i), rng);
    const bool fired = n.leak_threshold_reset(0, rng, saturations);
    out.push_back({n.v(0), fired});
  }
  return out;
}

std::vector<int32_t> vs(const std::vector<Step>& s) {
  std::vector<int32_t> v;
  for (const auto& x : s) v.push_back(x.v);
  return v;
}
std::vector<int> fired_ticks(const std::vector<Step>& s) {
  std::vector<int> t;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i].fired) t.push_back(int(i));
  return t;
}

TrueNorthNeuronParams driven(TnReset reset) {
  TrueNorthNeuronParams p;
  p.weight = {5, 0, 0, 0};
  p.leak = -1;
  p.threshold = 10;
  p.reset_value = 2;
  p.reset = reset;
  return p;
}
const std::vector<std::vector<int>> kEveryTick(8, std::vector<int>{0});

TEST(TrueNorthNeuron, NormalReset) {
  // V: 0+5-1=4, 8, 12>=10 -> R=2, 6, 10>=10 -> 2, 6, 10 -> 2, 6
  const auto s = run(driven(TnReset::kNormal), 8, kEveryTick);
  EXPECT_EQ(vs(s), (std::vector<int32_t>{4, 8, 2, 6, 2, 6, 2, 6}));
  EXPECT_EQ(fired_ticks(s), (std::vector<int>{2, 4, 6}));
}

TEST(TrueNorthNeuron, LinearReset) {
  // V: 4, 8, 12 -> 12-10=2, 6, 10 -> 0, 4, 8, 12 -> 2
  const auto s = run(driven(TnReset::kLinear), 8, kEveryTick);
  EXPECT_EQ(vs(s), (std::vector<int32_t>{4, 8, 2, 6, 0, 4, 8, 2}));
  EXPECT_EQ(fired_ticks(s), (std::vector<int>{2, 4, 7}));
}

TEST(TrueNorthNeuron, NonReset) {
  // V keeps growing by 4; it spikes on every tick at or above 10.
  const auto s = run(driven(TnReset::kNone), 5, kEveryTick);
  EXPECT_EQ(vs(s), (std::vector<int32_t>{4, 8, 12, 16, 20}));
  EXPECT_EQ(fired_ticks(s), (std::vector<int>{2, 3, 4}));
}

TrueNorthNeuronParams falling(TnReset reset, bool kappa) {
  TrueNorthNeuronParams p;
  p.leak = -3;
  p.threshold = 100;
  p.neg_threshold = 5;
  p.reset_value = 2;
  p.reset = reset;
  p.neg_saturate = kappa;
  return p;
}

TEST(TrueNorthNeuron, NegativeThresholdNormalResetMirrors) {
  // -3, -6 < -5 -> -R = -2, -5 (not < -5), -8 -> -2, -5
  EXPECT_EQ(vs(run(falling(TnReset::kNormal, false), 5)), (std::vector<int32_t>{-3, -2, -5, -2, -5}));
}

TEST(TrueNorthNeuron, NegativeThresholdLinearResetAddsBeta) {
  // -3, -6 -> -6+5 = -1, -4, -7 -> -2, -5
  EXPECT_EQ(vs(run(falling(TnReset::kLinear, false), 5)), (std::vector<int32_t>{-3, -1, -4, -2, -5}));
}

TEST(TrueNorthNeuron, NegativeThresholdNonResetLeavesV) {
  EXPECT_EQ(vs(run(falling(TnReset::kNone, false), 4)), (std::vector<int32_t>{-3, -6, -9, -12}));
}

TEST(TrueNorthNeuron, NegativeSaturationClampsToMinusBetaInEveryMode) {
  for (TnReset r : {TnReset::kNormal, TnReset::kLinear, TnReset::kNone})
    EXPECT_EQ(vs(run(falling(r, true), 4)), (std::vector<int32_t>{-3, -5, -5, -5})) << int(r);
}

TEST(TrueNorthNeuron, NegativeThresholdIsNotASpike) {
  for (TnReset r : {TnReset::kNormal, TnReset::kLinear, TnReset::kNone})
    EXPECT_TRUE(fired_ticks(run(falling(r, false), 6)).empty());
}

TEST(TrueNorthNeuron, LeakReversalDrivesTowardZero) {
  TrueNorthNeuronParams p;
  p.leak = -2;
  p.leak_reversal = true;
  p.threshold = 100;
  p.neg_threshold = 100;
  p.v_init = 7;
  // Omega = sgn(V): 7-2=5, 3, 1, 1-2=-1, then -1+2=1 (it rings about 0: no guard in the equations).
  EXPECT_EQ(vs(run(p, 6)), (std::vector<int32_t>{5, 3, 1, -1, 1, -1}));
  p.v_init = -7;
  EXPECT_EQ(vs(run(p, 4)), (std::vector<int32_t>{-5, -3, -1, 1}));
  p.v_init = 0;  // sgn(0) = 0: no leak at all
  EXPECT_EQ(vs(run(p, 3)), (std::vector<int32_t>{0, 0, 0}));
  p.leak = 2;  // positive lambda with reversal pushes away from zero
  p.v_init = -3;
  EXPECT_EQ(vs(run(p, 3)), (std::vector<int32_t>{-5, -7, -9}));
}

TEST(TrueNorthNeuron, AxonTypesSelectWeights) {
  TrueNorthNeuronParams p;
  p.weight = {3, -1, 7, 0};
  p.threshold = 100;
  p.neg_threshold = 100;
  // tick 0: types 0,0,1,2 -> 3+3-1+7 = 12; tick 1: type 3 -> +0; tick 2: type 1 -> 11
  const auto s = run(p, 3, {{0, 0, 1, 2}, {3}, {1}});
  EXPECT_EQ(vs(s), (std::vector<int32_t>{12, 12, 11}));
}

TEST(TrueNorthNeuron, PotentialSaturatesAtItsWidth) {
  TrueNorthNeuronParams p;
  p.weight = {100, -100, 0, 0};
  p.threshold = 1000;  // above the 8-bit range: never reached
  p.neg_threshold = 1000;
  uint64_t saturations = 0;
  // 8-bit V in [-128, 127]: 100, 127 (clamped), 127, then -100 x3: 27, -73, -128 (clamped)
  const auto s = run(p, 6, {{0}, {0}, {0}, {1}, {1}, {1}}, 8, 1, &saturations);
  EXPECT_EQ(vs(s), (std::vector<int32_t>{100, 127, 127, 27, -73, -128}));
  EXPECT_EQ(saturations, 3u);
}

TEST(TrueNorthNeuron, ThresholdMaskAddsMaskedRandomBits) {
  TrueNorthNeuronParams p;
  p.leak = 0;
  p.threshold = 3;
  p.threshold_mask_bits = 4;
  p.reset = TnReset::kLinear;
  p.v_init = 10;
  // Each tick: eta = philox({tick, core 0, neuron 0, slot 257}, seed)[0] & 15, spike iff V >= 3 + eta, then
  // V -= 3 + eta; computed here straight from the documented formula.
  const uint64_t seed = 99;
  int32_t v = 10;
  const auto s = run(p, 20, {}, 20, seed);
  for (int t = 0; t < 20; ++t) {
    const int32_t eta = int32_t(philox4x32({uint32_t(t), 0, 0, 257}, {uint32_t(seed), 0})[0] & 15);
    const bool fire = v >= 3 + eta;
    if (fire) v -= 3 + eta;
    EXPECT_EQ(s[t].fired, fire) << "tick " << t;
    EXPECT_EQ(s[t].v, v) << "tick " << t;
  }
}

TEST(TrueNorthNeuron, StochasticModesReproduceWithTheSeed) {
  TrueNorthNeuronParams p;
  p.weight = {60, 0, 0, 0};
  p.stochastic_weight = {true, false, false, false};
  p.leak = 30;
  p.stochastic_leak = true;
  p.threshold = 3;
  p.threshold_mask_bits = 2;
  std::vector<std::vector<int>> in(200, std::vector<int>{0, 0});
  const auto a = vs(run(p, 200, in, 20, 5)), b = vs(run(p, 200, in, 20, 5)), c = vs(run(p, 200, in, 20, 6));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

// Fraction of ticks on which a 256-neuron group fires, with one draw per neuron per tick.
double fire_fraction(const TrueNorthNeuronParams& p, int inputs_per_tick, int ticks) {
  TrueNorthNeurons n(256, 20);
  for (int j = 0; j < 256; ++j) n.set(size_t(j), p);
  uint64_t fired = 0;
  for (int t = 0; t < ticks; ++t) {
    const TnRandom rng(3, 0, uint32_t(t));
    for (int j = 0; j < 256; ++j) {
      for (int i = 0; i < inputs_per_tick; ++i) n.integrate(size_t(j), 0, uint32_t(i), rng);
      fired += n.leak_threshold_reset(size_t(j), rng);
    }
  }
  return double(fired) / (256.0 * ticks);
}

// The fire fraction over 256 neurons x 400 ticks lies within 4 standard errors of `expect`.
void expect_fire_fraction(const TrueNorthNeuronParams& p, int inputs_per_tick, double expect) {
  const int ticks = 400;
  const double sigma = std::sqrt(expect * (1 - expect) / (256.0 * ticks));
  EXPECT_NEAR(fire_fraction(p, inputs_per_tick, ticks), expect, 4 * sigma);
}

TEST(TrueNorthNeuron, StochasticLeakFiresAtExpectedRate) {
  // V steps by +1 with probability (lambda + 1) / 256; threshold 1 with reset to 0 fires on every step.
  for (int lambda : {10, 63, 200}) {
    TrueNorthNeuronParams p;
    p.leak = lambda;
    p.stochastic_leak = true;
    p.threshold = 1;
    SCOPED_TRACE(lambda);
    expect_fire_fraction(p, 0, (lambda + 1) / 256.0);
  }
}

TEST(TrueNorthNeuron, StochasticSynapseFiresAtExpectedRate) {
  TrueNorthNeuronParams p;
  p.weight = {40, 0, 0, 0};
  p.stochastic_weight = {true, false, false, false};
  p.threshold = 1;
  expect_fire_fraction(p, 1, 41.0 / 256.0);
}

TEST(TrueNorthNeuron, ThresholdMaskFiresAtExpectedRate) {
  // Constant V = 5 (non-reset, no leak), alpha = 0, 4-bit mask: fires iff eta <= 5, probability 6/16.
  TrueNorthNeuronParams p;
  p.threshold = 0;
  p.threshold_mask_bits = 4;
  p.reset = TnReset::kNone;
  p.v_init = 5;
  expect_fire_fraction(p, 0, 6.0 / 16.0);
}

TEST(TrueNorthNeuron, FloatCounterpartSpikesIdentically) {
  TrueNorthNeuronParams p;
  p.weight = {7, -3, 0, 0};
  p.stochastic_weight = {false, true, false, false};
  p.leak = 20;
  p.stochastic_leak = true;
  p.threshold = 12;
  p.threshold_mask_bits = 3;
  p.neg_threshold = 9;
  p.reset = TnReset::kLinear;
  TrueNorthNeurons fixed(1, 20);
  TrueNorthNeuronsFloat real(1);
  fixed.set(0, p);
  real.set(0, p);
  for (int t = 0; t < 500; ++t) {
    const TnRandom rng(17, 0, uint32_t(t));
    for (int i = 0; i < t % 3; ++i) {
      fixed.integrate(0, i % 2, uint32_t(i), rng);
      real.integrate(0, i % 2, uint32_t(i), rng);
    }
    ASSERT_EQ(fixed.leak_threshold_reset(0, rng), real.leak_threshold_reset(0, rng)) << "tick " << t;
    ASSERT_EQ(double(fixed.v(0)), real.v(0)) << "tick " << t;
  }
}

}  // namespace
}  // namespace scx::hw
