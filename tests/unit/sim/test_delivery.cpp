// Spike delivery: each delay arrives at exactly its step; sources fire as specified.
#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/sim/engine.hpp"

namespace scx::sim {
namespace {

TEST(Delivery, EachDelayArrivesAtExactlyItsStep) {
  // One source spike at step 20, fanned out through one projection per delay (1..40 steps) onto separate
  // neurons; the excitatory current of neuron d must jump at the start of step 20 + d, i.e. be first non-zero
  // in the sample taken after step 20 + d.
  constexpr int kMaxDelay = 40;
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 10;
  net.add_population("src", 1, model::SpikeTimesSource{{{2.0}}});
  model::LifCurrExp p;
  p.v_th_mv = 1e6;  // never fires
  net.add_population("n", kMaxDelay, p);
  for (int d = 1; d <= kMaxDelay; ++d)
    net.connect("src", "n", model::FromList{{0}, {static_cast<uint32_t>(d - 1)}}, model::Constant{100.0},
                model::Constant{d * 0.1});
  net.record("n", "i_exc").interval_ms = 0.1;
  Engine engine(net);
  const RunResult r = engine.run();
  const auto& tr = r.traces[0];
  for (int d = 1; d <= kMaxDelay; ++d) {
    int first = -1;
    for (size_t k = 0; k < tr.times_ms.size(); ++k)
      if (tr.values[k * kMaxDelay + d - 1] != 0.0f) {
        first = static_cast<int>(k);
        break;
      }
    // Sample k is taken after step k; the current arrives in step 20 + d.
    EXPECT_EQ(first, 20 + d) << "delay " << d;
    // And it is the full weight, decayed by one step.
    EXPECT_NEAR(tr.values[(20 + d) * kMaxDelay + d - 1], 100.0 * std::exp(-0.1 / p.tau_syn_exc_ms), 1e-3);
  }
  EXPECT_EQ(r.meta.synaptic_events, static_cast<uint64_t>(kMaxDelay));
}

TEST(Delivery, SpikeTimesSourceEmitsAtTheGivenSteps) {
  model::Network net;
  net.sim.dt_ms = 0.5;
  net.sim.duration_ms = 20;
  net.add_population("src", 2, model::SpikeTimesSource{{{1.0, 3.0, 3.2, 19.5}, {0.0, 7.5}}});
  net.record("src");
  Engine engine(net);
  const RunResult r = engine.run();
  const auto& s = r.spikes[0];
  const std::vector<double> times{0.0, 1.0, 3.0, 7.5, 19.5};
  const std::vector<uint32_t> neurons{1, 0, 0, 1, 0};
  // 3.2 ms rounds to step 6 (3.0 ms), which already has a spike: one spike per step at most.
  EXPECT_EQ(s.times_ms, times);
  EXPECT_EQ(s.neurons, neurons);
}

// A list shared by every neuron, on several threads; and a clock set back (Engine::set_step) replays the
// times.
TEST(Delivery, SpikeTimesSharedListAndAClockSetBack) {
  model::Network net;
  net.sim.dt_ms = 0.5;
  net.sim.duration_ms = 10;
  net.sim.threads = 3;
  net.add_population("all", 40, model::SpikeTimesSource{{{2.0, 6.0}}});
  net.add_population("one", 40, model::SpikeTimesSource{std::vector<std::vector<double>>(40)});
  std::get<model::SpikeTimesSource>(net.populations[1].params).times_ms[37] = {4.0};
  net.record("all");
  net.record("one");
  Engine engine(net);
  const RunResult first = engine.run();
  EXPECT_EQ(first.spikes[0].total_spikes, 80u);  // 40 neurons at 2 and at 6 ms
  EXPECT_EQ(first.spikes[0].neurons.front(), 0u);
  EXPECT_EQ(first.spikes[0].neurons[39], 39u);
  EXPECT_EQ(first.spikes[1].neurons, std::vector<uint32_t>{37});
  EXPECT_EQ(first.spikes[1].times_ms, std::vector<double>{4.0});
  engine.set_step(0);
  const RunResult again = engine.run();
  EXPECT_EQ(again.spikes[0].times_ms, first.spikes[0].times_ms);
  EXPECT_EQ(again.spikes[0].neurons, first.spikes[0].neurons);
  EXPECT_EQ(again.spikes[1].times_ms, first.spikes[1].times_ms);
}

TEST(Delivery, PoissonSourceFiresAtItsRate) {
  model::Network net;
  net.sim.dt_ms = 0.1;
  net.sim.duration_ms = 10000;
  net.add_population("src", 100, model::PoissonSource{25.0, 0.0, 1e300});
  net.record("src");
  Engine engine(net);
  const RunResult r = engine.run();
  // 100 neurons x 10 s x 25 Hz = 25,000 expected; the standard deviation is about 158.
  EXPECT_NEAR(static_cast<double>(r.spikes[0].total_spikes), 25000.0, 5 * 158.0);
  // Inter-spike intervals of one neuron are roughly exponential: coefficient of variation near 1.
  std::vector<double> t;
  for (size_t k = 0; k < r.spikes[0].times_ms.size(); ++k)
    if (r.spikes[0].neurons[k] < 10) t.push_back(r.spikes[0].times_ms[k] + 1e6 * r.spikes[0].neurons[k]);
  std::sort(t.begin(), t.end());
  double sum = 0, sum2 = 0;
  int n = 0;
  for (size_t k = 1; k < t.size(); ++k) {
    const double isi = t[k] - t[k - 1];
    if (isi > 1e5) continue;  // across neurons
    sum += isi;
    sum2 += isi * isi;
    ++n;
  }
  const double mean = sum / n, cv = std::sqrt(sum2 / n - mean * mean) / mean;
  EXPECT_NEAR(mean, 40.0, 2.0);
  EXPECT_NEAR(cv, 1.0, 0.06);
}

TEST(Delivery, PoissonSourceHonoursItsWindow) {
  model::Network net;
  net.sim.duration_ms = 300;
  net.add_population("src", 50, model::PoissonSource{200.0, 100.0, 200.0});
  net.record("src");
  Engine engine(net);
  const RunResult r = engine.run();
  ASSERT_GT(r.spikes[0].times_ms.size(), 500u);
  EXPECT_GE(r.spikes[0].times_ms.front(), 100.0);
  EXPECT_LT(r.spikes[0].times_ms.back(), 200.0);
}

}  // namespace
}  // namespace scx::sim
