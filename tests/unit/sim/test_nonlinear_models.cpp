// Izhikevich and AdEx against independent step-by-step integrations of their equations, and their hallmark
// behaviours (regular spiking, spike-frequency adaptation).
#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/sim/engine.hpp"

namespace scx::sim {
namespace {

TEST(Izhikevich, RegularSpikingMatchesForwardEuler) {
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 500;
  model::Izhikevich p;  // regular spiking: a 0.02, b 0.2, c -65, d 8
  p.i_e = 10;
  auto& pop = net.add_population("n", 1, p);
  pop.initial.push_back({"v", model::Constant{-65.0}});
  net.record("n");
  Engine engine(net);
  const RunResult r = engine.run();
  // Reference integration in double precision, same scheme (NEST izhikevich).
  double v = -65, u = p.u_init;
  std::vector<double> expected;
  for (int step = 0; step < 5000; ++step) {
    const double v_old = v;
    v += 0.1 * (0.04 * v * v + 5 * v + 140 - u + p.i_e);
    u += 0.1 * p.a * (p.b * v_old - u);
    if (v >= p.v_th_mv) {
      v = p.c_mv;
      u += p.d;
      expected.push_back(step * 0.1);
    }
  }
  const auto& got = r.spikes[0].times_ms;
  ASSERT_GE(expected.size(), 5u);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], expected[k], 0.2) << "spike " << k;
  // Regular spiking adapts: the first interval is shorter than the last.
  EXPECT_LT(got[1] - got[0], got.back() - got[got.size() - 2]);
}

TEST(AdEx, TonicInputShowsSpikeFrequencyAdaptation) {
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 1000;
  model::AdEx p;  // Brette & Gerstner 2005 defaults
  p.i_e_pa = 800;
  net.add_population("n", 1, p);
  net.record("n");
  net.record("n", "w").interval_ms = 1;
  net.record("n", "v").interval_ms = 0.1;
  Engine engine(net);
  const RunResult r = engine.run();
  const auto& t = r.spikes[0].times_ms;
  ASSERT_GE(t.size(), 6u);
  const double first_isi = t[1] - t[0], last_isi = t.back() - t[t.size() - 2];
  EXPECT_GT(last_isi, 1.5 * first_isi);
  // Averaged over the adapted regime, tau_w dw/dt = a (v - e_l) - w + tau_w b * (spike train) has zero mean:
  // <w> = a <v - e_l> + b tau_w rate.
  const auto& w = r.traces[0].values;
  const auto& v = r.traces[1].values;
  double w_mean = 0, v_mean = 0;
  for (size_t k = w.size() / 2; k < w.size(); ++k) w_mean += w[k];
  for (size_t k = v.size() / 2; k < v.size(); ++k) v_mean += v[k];
  w_mean /= static_cast<double>(w.size() - w.size() / 2);
  v_mean /= static_cast<double>(v.size() - v.size() / 2);
  int late = 0;
  for (double ts : t) late += ts >= 500.0;
  const double rate_khz = late / 500.0;
  const double predicted = p.a_ns * (v_mean - p.e_l_mv) + p.b_pa * p.tau_w_ms * rate_khz;
  EXPECT_NEAR(w_mean, predicted, 0.1 * predicted);
}

TEST(AdEx, SubthresholdStepRelaxesToTheLinearSteadyState) {
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 2000;
  model::AdEx p;
  p.i_e_pa = 100;  // below rheobase for the defaults
  net.add_population("n", 1, p);
  net.record("n", "v").interval_ms = 10;
  Engine engine(net);
  const RunResult r = engine.run();
  EXPECT_EQ(r.spikes[0].total_spikes, 0u);
  // Steady state: g_l (v - e_l) - g_l dT exp((v - v_t)/dT) + a (v - e_l) = I; solve by bisection.
  auto f = [&](double v) {
    return -(p.g_l_ns + p.a_ns) * (v - p.e_l_mv) +
           p.g_l_ns * p.delta_t_mv * std::exp((v - p.v_t_mv) / p.delta_t_mv) + p.i_e_pa;
  };
  double lo = p.e_l_mv, hi = p.v_t_mv;
  for (int k = 0; k < 100; ++k) (f((lo + hi) / 2) > 0 ? lo : hi) = (lo + hi) / 2;
  EXPECT_NEAR(r.traces[0].values.back(), lo, 0.01);
}

}  // namespace
}  // namespace scx::sim
