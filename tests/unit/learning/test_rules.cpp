// Each built-in rule against its formula for hand-built spike pairs and triplets, driven directly through the
// rule kernel with the engine's timing convention (traces read at step s exclude the spikes of step s).
#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/learning/synapse_driver.hpp"

namespace scx::learning {
namespace {

constexpr double kDt = 0.1;  // ms

double run(const model::PlasticityRule& spec, double w0, std::vector<int64_t> pre, std::vector<int64_t> post,
           std::vector<std::pair<int64_t, double>> reward = {}, int64_t steps = 20000) {
  const Rule rule(spec, kDt);
  return drive_synapse(rule, {w0, 0}, {std::move(pre), std::move(post), std::move(reward), steps}).w;
}

double decay(double steps, double tau_ms) {
  return std::exp(-steps * kDt / tau_ms);
}

TEST(PairStdp, AdditivePairsFollowTheExponentialWindow) {
  model::PairStdp r;
  r.a_plus = 0.01, r.a_minus = 0.012, r.tau_plus_ms = 16.8, r.tau_minus_ms = 33.7;
  for (int64_t lag : {1, 7, 100, 400}) {
    EXPECT_NEAR(run(r, 0.5, {1000}, {1000 + lag}) - 0.5, r.a_plus * decay(lag, r.tau_plus_ms), 1e-15) << lag;
    EXPECT_NEAR(run(r, 0.5, {1000 + lag}, {1000}) - 0.5, -r.a_minus * decay(lag, r.tau_minus_ms), 1e-15)
        << lag;
  }
  EXPECT_EQ(run(r, 0.5, {1000}, {1000}), 0.5);  // simultaneous spikes do not pair
}

TEST(PairStdp, AllToAllSumsEveryPairNearestTakesTheLastOne) {
  model::PairStdp r;
  const double all = run(r, 0.5, {1000, 1050}, {1100}) - 0.5;
  EXPECT_NEAR(all, r.a_plus * (decay(100, r.tau_plus_ms) + decay(50, r.tau_plus_ms)), 1e-15);
  r.pairing = model::Pairing::Nearest;
  const double nearest = run(r, 0.5, {1000, 1050}, {1100}) - 0.5;
  EXPECT_NEAR(nearest, r.a_plus * decay(50, r.tau_plus_ms), 1e-15);
  // Post-pre-pre: each pre spike depresses by the post trace; nearest-spike is the same here (one post
  // spike).
  const double pre_twice = run(r, 0.5, {1050, 1100}, {1000}) - 0.5;
  EXPECT_NEAR(pre_twice, -r.a_minus * (decay(50, r.tau_minus_ms) + decay(100, r.tau_minus_ms)), 1e-15);
}

TEST(PairStdp, MultiplicativeScalesWithTheDistanceToTheBound) {
  model::PairStdp r;
  r.multiplicative = true;
  r.w_min = 0.1, r.w_max = 2.0;
  const double w0 = 0.7;
  EXPECT_NEAR(run(r, w0, {1000}, {1080}) - w0, r.a_plus * (r.w_max - w0) * decay(80, r.tau_plus_ms), 1e-15);
  EXPECT_NEAR(run(r, w0, {1080}, {1000}) - w0, -r.a_minus * (w0 - r.w_min) * decay(80, r.tau_minus_ms),
              1e-15);
}

TEST(PairStdp, AdditiveWeightsAreClippedToTheBounds) {
  model::PairStdp r;
  r.a_plus = r.a_minus = 5.0;
  EXPECT_EQ(run(r, 0.5, {1000}, {1001}), r.w_max);
  EXPECT_EQ(run(r, 0.5, {1001}, {1000}), r.w_min);
}

TEST(TripletStdp, PrePostPostAddsTheTripletTerm) {
  model::TripletStdp r;
  // pre at 0, post at a, post at a + b: w += A2+ e^{-a/t+} + e^{-(a+b)/t+} (A2+ + A3+ e^{-b/t_y})
  const int64_t a = 100, b = 150;
  const double expected = r.a2_plus * decay(a, r.tau_plus_ms) +
                          decay(a + b, r.tau_plus_ms) * (r.a2_plus + r.a3_plus * decay(b, r.tau_y_ms));
  EXPECT_NEAR(run(r, 0.5, {1000}, {1000 + a, 1000 + a + b}) - 0.5, expected, 1e-15);
}

TEST(TripletStdp, PostPrePreAddsTheTripletDepression) {
  model::TripletStdp r;
  // post at 0, pre at a, pre at a + b: w -= A2- e^{-a/t-} + e^{-(a+b)/t-} (A2- + A3- e^{-b/t_x})
  const int64_t a = 60, b = 90;
  const double expected = r.a2_minus * decay(a, r.tau_minus_ms) +
                          decay(a + b, r.tau_minus_ms) * (r.a2_minus + r.a3_minus * decay(b, r.tau_x_ms));
  EXPECT_NEAR(0.5 - run(r, 0.5, {1000 + a, 1000 + a + b}, {1000}), expected, 1e-15);
}

TEST(TripletStdp, PrePostPreMixesPotentiationAndDepression) {
  model::TripletStdp r;
  const int64_t a = 100, b = 50;  // pre 0, post a, pre a + b
  const double expected = r.a2_plus * decay(a, r.tau_plus_ms) -
                          decay(b, r.tau_minus_ms) * (r.a2_minus + r.a3_minus * decay(a + b, r.tau_x_ms));
  EXPECT_NEAR(run(r, 0.5, {1000, 1000 + a + b}, {1000 + a}) - 0.5, expected, 1e-15);
}

TEST(TripletStdp, NearestSpikeTracesSaturateAtOne) {
  model::TripletStdp r;
  r.pairing = model::Pairing::Nearest;
  // Two pre spikes, then post: r1 is reset by the second pre spike; o2 is 1 after the first post spike.
  const int64_t p1 = 1000, p2 = 1040, q1 = 1100, q2 = 1130;
  const double expected =
      r.a2_plus * decay(q1 - p2, r.tau_plus_ms) +
      decay(q2 - p2, r.tau_plus_ms) * (r.a2_plus + r.a3_plus * decay(q2 - q1, r.tau_y_ms));
  EXPECT_NEAR(run(r, 0.5, {p1, p2}, {q1, q2}) - 0.5, expected, 1e-15);
}

TEST(RewardStdp, ZeroRewardLeavesTheWeightUnchanged) {
  model::RewardStdp r;
  EXPECT_EQ(run(r, 1.0, {1000, 1300, 2000}, {1100, 1250, 2050}), 1.0);
  EXPECT_EQ(run(r, 1.0, {1000}, {1100}, {{500, 0.0}}), 1.0);
}

TEST(RewardStdp, HeldRewardIntegratesTheDecayingEligibility) {
  model::RewardStdp r;
  r.tau_d_ms = 0;  // d held at its value
  const int64_t pre = 1000, post = 1100, reward_at = 3000, end = 13000;
  const double d = 0.001;  // small enough to stay inside [w_min, w_max]
  // c jumps by A+ e^{-100 steps/tau+} at the post spike, decays with tau_c; from reward_at on w' = c d.
  const double c0 = r.a_plus * decay(post - pre, r.tau_plus_ms) * decay(reward_at - post, r.tau_c_ms);
  const double expected = d * c0 * r.tau_c_ms * (1 - decay(end - reward_at, r.tau_c_ms));
  EXPECT_NEAR(run(r, 1.0, {pre}, {post}, {{reward_at, d}}, end) - 1.0, expected, 1e-12);
  // Post before pre: negative eligibility, depression under positive reward.
  const double c1 = -r.a_minus * decay(post - pre, r.tau_minus_ms) * decay(reward_at - post, r.tau_c_ms);
  EXPECT_NEAR(run(r, 1.0, {post}, {pre}, {{reward_at, d}}, end) - 1.0,
              d * c1 * r.tau_c_ms * (1 - decay(end - reward_at, r.tau_c_ms)), 1e-12);
}

TEST(RewardStdp, DecayingDopamineIntegratesBothExponentials) {
  model::RewardStdp r;
  const int64_t pre = 1000, post = 1100, reward_at = 2000, end = 12000;
  const double d = 0.02;
  const double c0 = r.a_plus * decay(post - pre, r.tau_plus_ms) * decay(reward_at - post, r.tau_c_ms);
  const double tau = 1.0 / (1.0 / r.tau_c_ms + 1.0 / r.tau_d_ms);
  const double expected = d * c0 * tau * (1 - decay(end - reward_at, tau));
  EXPECT_NEAR(run(r, 1.0, {pre}, {post}, {{reward_at, d}}, end) - 1.0, expected, 1e-12);
}

}  // namespace
}  // namespace scx::learning
