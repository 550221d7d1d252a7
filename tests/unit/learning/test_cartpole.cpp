// CartPole-v1 physics against the float64 reference trace of shared/reference/accuracy-energy.md (computed
// from Gymnasium's equations), its termination rules and repeatable resets.
#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/learning/cartpole.hpp"

namespace scx::learning {
namespace {

void expect_state(const CartPoleState& s, double x, double x_dot, double theta, double theta_dot, int step) {
  EXPECT_NEAR(s.x, x, 1e-12) << "step " << step;
  EXPECT_NEAR(s.x_dot, x_dot, 1e-12) << "step " << step;
  EXPECT_NEAR(s.theta, theta, 1e-12) << "step " << step;
  EXPECT_NEAR(s.theta_dot, theta_dot, 1e-12) << "step " << step;
}

TEST(CartPole, MatchesTheReferenceTrace) {
  CartPole env(1);
  env.set_state({0.01, -0.02, 0.03, 0.04});
  const int actions[] = {1, 0, 1, 1, 0};
  for (int k = 0; k < 5; ++k) {
    const auto r = env.step(actions[k]);
    EXPECT_EQ(r.reward, 1.0);
    EXPECT_FALSE(r.terminated);
    if (k == 0) expect_state(env.state(), 0.009600000000, 0.174679195748, 0.030800000000, -0.243068717960, 1);
    if (k == 1) expect_state(env.state(), 0.013093583915, -0.020868848948, 0.025938625641, 0.059167999939, 2);
    if (k == 4) expect_state(env.state(), 0.023525558663, 0.173162636926, 0.012433087822, -0.209501528681, 5);
  }
}

TEST(CartPole, PushingRightFromRestFallsAfterNineSteps) {
  CartPole env(1);
  env.set_state({});
  int steps = 0;
  CartPole::Step r;
  do {
    r = env.step(1);
    ++steps;
  } while (!r.terminated && steps < 100);
  EXPECT_EQ(steps, 9);
  EXPECT_NEAR(env.state().theta, -0.215186, 5e-7);
  EXPECT_EQ(r.reward, 1.0);  // the terminating step is rewarded too
}

TEST(CartPole, TruncatesAtFiveHundredSteps) {
  CartPole env(1);
  env.set_state({});
  // Balancing by pushing against the pole's lean keeps it up; the episode must stop at the time limit.
  CartPole::Step r;
  for (int k = 0; k < CartPole::kMaxSteps; ++k) {
    ASSERT_FALSE(r.terminated || r.truncated) << k;
    const auto& s = env.state();
    r = env.step(s.theta + 0.5 * s.theta_dot + 0.01 * s.x + 0.1 * s.x_dot > 0 ? 1 : 0);
  }
  EXPECT_FALSE(r.terminated);
  EXPECT_TRUE(r.truncated);
}

TEST(CartPole, ResetsAreSmallRepeatableAndDiffer) {
  CartPole a(7), b(7), c(8);
  for (int episode = 0; episode < 50; ++episode) {
    const CartPoleState sa = a.reset(), sb = b.reset(), sc = c.reset();
    for (double v : {sa.x, sa.x_dot, sa.theta, sa.theta_dot}) EXPECT_LT(std::abs(v), 0.05);
    EXPECT_EQ(sa.x, sb.x);
    EXPECT_EQ(sa.theta_dot, sb.theta_dot);
    EXPECT_NE(sa.x, sc.x);
  }
  CartPole d(7);
  const double first = d.reset().x;
  EXPECT_NE(first, d.reset().x);  // every episode starts elsewhere
  EXPECT_EQ(d.steps(), 0);
}

}  // namespace
}  // namespace scx::learning
