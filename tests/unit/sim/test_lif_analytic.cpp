// Single neurons against closed-form solutions of their equations.
#include <gtest/gtest.h>

#include <xmmintrin.h>

#include <cmath>

#include "silicortex/sim/engine.hpp"

namespace scx::sim {
namespace {

// State is single precision: rounding of v near -70 mV (ulp 7.6e-6 mV) accumulates over thousands of steps
// (about 5e-4 mV after 1,000 steps of 0.01 ms, less at the usual 0.1 ms).
constexpr double kFloatTolMv = 5e-4;

model::LifCurrExp lif_params() {
  model::LifCurrExp p;
  p.c_m_pf = 250;
  p.tau_m_ms = 10;
  p.tau_syn_exc_ms = 2;
  p.tau_syn_inh_ms = 3;
  p.t_ref_ms = 2;
  p.e_l_mv = -70;
  p.v_reset_mv = -70;
  p.v_th_mv = -55;
  return p;
}

// Postsynaptic potential of iaf_psc_exp for a current jump w (pA) at t = 0.
double psp(double t, double w, const model::LifCurrExp& p, double tau_s) {
  if (t < 0) return 0;
  return w / p.c_m_pf * p.tau_m_ms * tau_s / (tau_s - p.tau_m_ms) *
         (std::exp(-t / tau_s) - std::exp(-t / p.tau_m_ms));
}

TEST(LifCurrExp, PostsynapticPotentialMatchesClosedForm) {
  for (auto receptor : {model::Receptor::Excitatory, model::Receptor::Inhibitory}) {
    model::Network net;
    net.sim.dt_ms = 0.1;
    net.sim.duration_ms = 60;
    const auto p = lif_params();
    net.add_population("src", 1, model::SpikeTimesSource{{{5.0}}});
    net.add_population("n", 1, p);
    const double w = receptor == model::Receptor::Excitatory ? 300.0 : -300.0;
    net.connect("src", "n", model::OneToOne{}, model::Constant{w}, model::Constant{1.0}, receptor);
    net.record("n", "v").interval_ms = 0.1;
    Engine engine(net);
    const RunResult r = engine.run();
    ASSERT_EQ(r.traces.size(), 1u);
    const auto& tr = r.traces[0];
    ASSERT_EQ(tr.times_ms.size(), 600u);
    // Spike emitted at step 50 (t = 5 ms), one-step-minimum delay of 10 steps: the current jumps at the start
    // of step 60, so the PSP starts at t = 6 ms.
    const double tau_s = receptor == model::Receptor::Excitatory ? p.tau_syn_exc_ms : p.tau_syn_inh_ms;
    double max_err = 0;
    for (size_t k = 0; k < tr.times_ms.size(); ++k) {
      const double expected = p.e_l_mv + psp(tr.times_ms[k] - 6.0, w, p, tau_s);
      max_err = std::max(max_err, std::fabs(tr.values[k] - expected));
    }
    EXPECT_LT(max_err, 2e-4) << "receptor " << int(receptor);
    EXPECT_EQ(r.spikes[1].total_spikes, 0u);
  }
}

TEST(LifCurrExp, ConstantCurrentChargesAndFiresAtTheAnalyticTimes) {
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 100;
  auto p = lif_params();
  p.i_e_pa = 500;  // asymptote e_l + i tau_m / c = -50 mV, above threshold
  net.add_population("n", 1, p);
  net.record("n", "spikes");
  net.record("n", "v").interval_ms = 0.1;
  Engine engine(net);
  const RunResult r = engine.run();
  const double v_inf = p.i_e_pa * p.tau_m_ms / p.c_m_pf;  // relative to e_l
  const double t_cross = -p.tau_m_ms * std::log(1 - (p.v_th_mv - p.e_l_mv) / v_inf);
  const auto& s = r.spikes[0];
  ASSERT_GE(s.times_ms.size(), 5u);
  // Spikes are stamped with the start of the step in which the threshold is crossed.
  EXPECT_NEAR(s.times_ms[0], t_cross, net.sim.dt_ms);
  for (size_t k = 1; k < s.times_ms.size(); ++k)
    EXPECT_NEAR(s.times_ms[k] - s.times_ms[k - 1], t_cross + p.t_ref_ms, 2 * net.sim.dt_ms);
  // Before the first spike, v follows e_l + v_inf (1 - exp(-t / tau_m)).
  const auto& tr = r.traces[0];
  for (size_t k = 0; k < tr.times_ms.size() && tr.times_ms[k] < t_cross - 0.1; ++k)
    EXPECT_NEAR(tr.values[k], p.e_l_mv + v_inf * (1 - std::exp(-tr.times_ms[k] / p.tau_m_ms)), kFloatTolMv);
}

// tau_m = c_m / g_l = 20 ms; the threshold is out of reach of these tests' inputs.
model::LifCondExp coba_neuron() {
  model::LifCondExp p;
  p.c_m_pf = 200;
  p.g_l_ns = 10;
  p.e_l_mv = -60;
  p.e_exc_mv = 0;
  p.tau_syn_exc_ms = 5;
  p.v_th_mv = -40;
  return p;
}

TEST(LifCondExp, PassiveDecayIsExact) {
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 50;
  const model::LifCondExp p = coba_neuron();
  auto& pop = net.add_population("n", 1, p);
  pop.initial.push_back({"v", model::Constant{-52.0}});
  net.record("n", "v").interval_ms = 0.1;
  Engine engine(net);
  const RunResult r = engine.run();
  const auto& tr = r.traces[0];
  const double tau = p.c_m_pf / p.g_l_ns;
  for (size_t k = 0; k < tr.times_ms.size(); ++k)
    EXPECT_NEAR(tr.values[k], -60 + 8 * std::exp(-tr.times_ms[k] / tau), kFloatTolMv);
}

TEST(LifCondExp, ConductancePulseMatchesFineStepIntegration) {
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 40;
  const model::LifCondExp p = coba_neuron();
  net.add_population("src", 1, model::SpikeTimesSource{{{1.0}}});
  net.add_population("n", 1, p);
  const double w = 5.0;  // nS
  net.connect("src", "n", model::OneToOne{}, model::Constant{w}, model::Constant{0.1});
  net.record("n", "v").interval_ms = 0.1;
  Engine engine(net);
  const RunResult r = engine.run();
  // Reference: RK4 with h = 1 us from the conductance onset at t = 1.1 ms.
  auto deriv = [&](double t, double v) {
    const double g = t >= 1.1 ? w * std::exp(-(t - 1.1) / p.tau_syn_exc_ms) : 0.0;
    return (p.g_l_ns * (p.e_l_mv - v) + g * (p.e_exc_mv - v)) / p.c_m_pf;
  };
  double v = -60, t = 0;
  const double h = 1e-3;
  size_t k = 0;
  const auto& tr = r.traces[0];
  double max_err = 0;
  while (k < tr.times_ms.size()) {
    if (std::fabs(t - tr.times_ms[k]) < h / 2) {
      max_err = std::max(max_err, std::fabs(v - tr.values[k]));
      ++k;
    }
    const double k1 = deriv(t, v), k2 = deriv(t + h / 2, v + h / 2 * k1),
                 k3 = deriv(t + h / 2, v + h / 2 * k2), k4 = deriv(t + h, v + h * k3);
    v += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    t += h;
  }
  // Exponential Euler holds the conductance fixed over a step: error of order dt / tau_syn of the PSP (~1 mV
  // peak).
  EXPECT_LT(max_err, 0.05);
}

TEST(CurrentStep, DrivesOnlyTheChosenNeuronsDuringTheWindow) {
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 30;
  auto p = lif_params();
  net.add_population("n", 3, p);
  net.stimuli.push_back({"n", 100.0, 10.0, 20.0, {1}, {}});
  net.record("n", "v").interval_ms = 0.1;
  Engine engine(net);
  const RunResult r = engine.run();
  const auto& tr = r.traces[0];
  for (size_t k = 0; k < tr.times_ms.size(); ++k) {
    const double t = tr.times_ms[k];
    const double on = std::clamp(t - 10.0, 0.0, 10.0);
    double expected = p.e_l_mv + 100.0 * p.tau_m_ms / p.c_m_pf * (1 - std::exp(-on / p.tau_m_ms));
    if (t > 20.0) expected = p.e_l_mv + (expected - p.e_l_mv) * std::exp(-(t - 20.0) / p.tau_m_ms);
    EXPECT_NEAR(tr.values[k * 3 + 1], expected, kFloatTolMv) << "t=" << t;
    EXPECT_FLOAT_EQ(tr.values[k * 3 + 0], -70.0f);
    EXPECT_FLOAT_EQ(tr.values[k * 3 + 2], -70.0f);
  }
}

}  // namespace
}  // namespace scx::sim

namespace scx::sim {
namespace {

// A conductance that decays with no input reaches 0 instead of sticking at the smallest denormal (which
// times a decay factor near 1 rounds back to itself, and made every operation on it a slow microcode
// assist); the caller's floating-point mode is left as it was.
TEST(LifCondExp, DecayedConductanceFlushesToZero) {
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 1000;  // 10 nS down by e^-200: far below the smallest float
  auto& pop = net.add_population("n", 1, coba_neuron());
  pop.initial.push_back({"g_exc", model::Constant{10.0}});
  net.record("n", "g_exc").interval_ms = 100;
  constexpr unsigned kModeBits = 0xFFC0;  // rounding, masks, FTZ and DAZ; not the sticky exception flags
  const unsigned mode_before = _mm_getcsr() & kModeBits;
  Engine engine(net);
  const RunResult r = engine.run();
  EXPECT_EQ(_mm_getcsr() & kModeBits, mode_before);
  const auto& g = r.traces[0].values;
  EXPECT_GT(g.front(), 0.0f);             // 10 nS e^-20 after 100 ms
  EXPECT_EQ(g.back(), 0.0f) << g.back();  // not 1.4e-45
}

}  // namespace
}  // namespace scx::sim
