// The built-in rules written as sum-of-products expressions agree with their hand-written kernels on random
// spike trains.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "silicortex/learning/synapse_driver.hpp"

namespace scx::learning {
namespace {

constexpr double kDt = 0.1;

std::vector<int64_t> poisson_steps(std::mt19937_64& rng, double rate_hz, int64_t steps) {
  std::bernoulli_distribution spike(rate_hz * kDt * 1e-3);
  std::vector<int64_t> out;
  for (int64_t s = 0; s < steps; ++s)
    if (spike(rng)) out.push_back(s);
  return out;
}

void expect_agree(const model::PlasticityRule& builtin, const model::ExpressionRule& expr, double w0,
                  double tol, std::vector<std::pair<int64_t, double>> reward = {}) {
  std::mt19937_64 rng(12345);
  for (int trial = 0; trial < 5; ++trial) {
    const int64_t steps = 20000;
    SynapseDrive drive{poisson_steps(rng, 40, steps), poisson_steps(rng, 40, steps), reward, steps};
    ASSERT_GT(drive.pre_steps.size(), 40u);
    const SynapseState a = drive_synapse(Rule(builtin, kDt), {w0, 0}, drive);
    const SynapseState b = drive_synapse(Rule(expr, kDt), {w0, 0}, drive);
    EXPECT_NE(a.w, w0) << "trial " << trial << ": the rule did nothing";
    EXPECT_NEAR(a.w, b.w, tol) << "trial " << trial;
  }
}

model::ExpressionRule expression(std::string text, double tau_x1, double tau_y1) {
  model::ExpressionRule e;
  e.text = std::move(text);
  e.tau_x1_ms = tau_x1, e.tau_y1_ms = tau_y1;
  return e;
}

TEST(ExpressionAgreement, AdditivePairStdpIsBitIdentical) {
  model::PairStdp r;
  r.a_plus = 0.25, r.a_minus = 0.25, r.tau_plus_ms = 15, r.tau_minus_ms = 30, r.w_max = 10;
  auto e = expression("dw = 2^-2*x1*y0 - 2^-2*y1*x0", 15, 30);
  e.w_max = 10;
  expect_agree(r, e, 5.0, 0.0);
}

TEST(ExpressionAgreement, NearestSpikePairStdp) {
  model::PairStdp r;
  r.a_plus = 0.25, r.a_minus = 0.25, r.pairing = model::Pairing::Nearest, r.w_max = 10;
  auto e = expression("dw = 2^-2*x1*y0 - 2^-2*y1*x0", 20, 20);
  e.pairing = model::Pairing::Nearest, e.w_max = 10;
  expect_agree(r, e, 5.0, 0.0);
}

TEST(ExpressionAgreement, MultiplicativePairStdp) {
  model::PairStdp r;
  r.multiplicative = true, r.a_plus = 0.05, r.a_minus = 0.06, r.w_min = 0.0, r.w_max = 1.0;
  // a+ (w_max - w) x1 y0 - a- (w - w_min) y1 x0, expanded by the parser.
  expect_agree(r, expression("dw = 0.05*(1 - w)*x1*y0 - 0.06*w*y1*x0", 20, 20), 0.5, 1e-12);
}

TEST(ExpressionAgreement, TripletStdp) {
  model::TripletStdp r;
  model::ExpressionRule e;
  e.text = "dw = x1*y0*(6.1e-3 + 6.7e-3*y2) - y1*x0*(1.6e-3 + 1.4e-3*x2)";
  e.tau_x1_ms = r.tau_plus_ms, e.tau_x2_ms = r.tau_x_ms, e.tau_y1_ms = r.tau_minus_ms,
  e.tau_y2_ms = r.tau_y_ms;
  expect_agree(r, e, 0.5, 1e-12);
}

TEST(ExpressionAgreement, RewardStdpWithTheTagAsEligibility) {
  model::RewardStdp r;
  r.tau_d_ms = 0;
  // Eligibility in the tag: jumps at spikes, decays by e^{-dt/tau_c} per step; dw integrates t r over the
  // step.
  const double decay = std::exp(-kDt / r.tau_c_ms);
  const double kappa = -std::expm1(-kDt / r.tau_c_ms) * r.tau_c_ms;
  char text[256];
  std::snprintf(text, sizeof text, "dt = 1*x1*y0 - 1.5*y1*x0 - %.17g*t; dw = %.17g*r*t", 1 - decay, kappa);
  auto e = expression(text, 20, 20);
  e.w_max = 4;
  expect_agree(r, e, 2.0, 1e-9, {{0, 0.0}, {5000, 0.002}, {12000, -0.001}});
}

}  // namespace
}  // namespace scx::learning
