// Same seed, same spikes, whatever the thread count; another seed, other spikes.
#include <gtest/gtest.h>

#include <algorithm>

#include "same_spikes.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::sim {
namespace {

using testing::expect_same_spikes;

// A CUBA-like balanced network with Poisson drive, random delays and state probes: exercises every phase.
// The CUBA benchmark's neuron: its resting potential sits above threshold, so activity sustains itself.
model::LifCurrExp cuba_neuron() {
  model::LifCurrExp p;
  p.c_m_pf = 200;
  p.tau_m_ms = 20;
  p.e_l_mv = -49;
  p.v_th_mv = -50;
  p.v_reset_mv = -60;
  p.tau_syn_exc_ms = 5;
  p.tau_syn_inh_ms = 10;
  p.t_ref_ms = 5;
  return p;
}

model::Network balanced_network(unsigned threads, uint64_t seed) {
  model::Network net;
  net.sim.duration_ms = 300;
  net.sim.threads = threads;
  net.sim.seed = seed;
  const model::LifCurrExp p = cuba_neuron();
  net.add_population("drive", 100, model::PoissonSource{20.0, 0.0, 1e300});
  net.add_population("exc", 801, p).initial.push_back({"v", model::Uniform{-60, -50}});
  net.add_population("inh", 203, p).initial.push_back({"v", model::Uniform{-60, -50}});
  net.connect("drive", "exc", model::FixedInDegree{10}, model::Uniform{10, 20}, model::Uniform{0.1, 2.0});
  for (const char* pre : {"exc", "inh"})
    for (const char* post : {"exc", "inh"}) {
      const bool e = std::string(pre) == "exc";
      net.connect(pre, post, model::FixedProbability{0.05}, model::Normal{e ? 16.2 : -90.0, 2.0},
                  model::Uniform{0.1, 3.0}, e ? model::Receptor::Excitatory : model::Receptor::Inhibitory);
    }
  net.record("exc");
  net.record("inh");
  net.record("exc", "v").neurons = {0, 400, 800};
  return net;
}

RunResult run(unsigned threads, uint64_t seed) {
  Engine engine(balanced_network(threads, seed));
  return engine.run();
}

TEST(Determinism, BitIdenticalAcrossThreadCounts) {
  const RunResult one = run(1, 42);
  ASSERT_GT(one.meta.spikes, 1000u);
  for (unsigned threads : {2u, 3u}) {
    const RunResult many = run(threads, 42);
    for (size_t p = 0; p < one.spikes.size(); ++p) {
      expect_same_spikes(many.spikes[p], one.spikes[p],
                         std::to_string(threads) + " threads, pop " + std::to_string(p));
      EXPECT_EQ(one.spikes[p].total_spikes, many.spikes[p].total_spikes);
    }
    EXPECT_EQ(one.traces[0].values, many.traces[0].values) << threads << " threads";
    EXPECT_EQ(one.meta.synaptic_events, many.meta.synaptic_events);
  }
}

TEST(Determinism, OtherSeedGivesOtherSpikes) {
  const RunResult a = run(1, 42), b = run(2, 43);
  EXPECT_NE(a.spikes[1].neurons, b.spikes[1].neurons);
}

TEST(Determinism, RunningInTwoHalvesEqualsOneRun) {
  auto net = balanced_network(2, 7);
  Engine whole(net);
  const RunResult all = whole.run();
  net.sim.duration_ms = 150;
  Engine halves(net);
  const RunResult first = halves.run(), second = halves.run();
  std::vector<double> joined = first.spikes[1].times_ms;
  joined.insert(joined.end(), second.spikes[1].times_ms.begin(), second.spikes[1].times_ms.end());
  EXPECT_EQ(joined, all.spikes[1].times_ms);
  EXPECT_DOUBLE_EQ(second.spikes[1].times_ms.front() >= 150.0, true);
}

// A rebuilt engine set to step s draws the random streams the first one drew from step s on (the resumption
// of a saved state), and re-applies the current steps active at s.
TEST(Determinism, SetStepContinuesTheRandomStreamsAndStimuli) {
  model::Network net;
  net.sim.duration_ms = 50;
  net.sim.threads = 2;
  net.sim.seed = 3;
  net.add_population("drive", 200, model::PoissonSource{40.0, 0.0, 1e300});
  net.add_population("n", 1, model::LifCurrExp{});           // rests at -70 mV, 40 MOhm
  net.stimuli.push_back({"n", 200.0, 20.0, 1e300, {}, {}});  // from 20 ms on: towards -62 mV
  net.record("drive");
  net.record("n", "v");
  Engine first(net);
  first.run();
  const RunResult second_half = first.run();  // 50-100 ms
  Engine resumed(net);
  EXPECT_EQ(resumed.step(), 0);
  resumed.set_step(first.step() - 500);
  EXPECT_EQ(resumed.step(), 500);
  const RunResult again = resumed.run();
  expect_same_spikes(again.spikes[0], second_half.spikes[0], "Poisson drive after set_step");
  ASSERT_GT(again.spikes[0].total_spikes, 100u);
  // The current switched on at 20 ms, before the new clock's start, drives the neuron from rest (-70 mV) at
  // once: the stimulus is refreshed at the step set, not only where it starts.
  const auto& v = again.traces[0].values;
  ASSERT_EQ(v.size(), 500u);
  EXPECT_GT(v.back(), -62.5f);
  EXPECT_THROW(resumed.set_step(-1), Error);
}

}  // namespace
}  // namespace scx::sim

namespace scx::sim {
namespace {

// With every delay at least 5 steps the engine runs blocks of 5 steps between barriers. Adding a silent
// projection with a one-step delay forces blocks of one step; both must give the same spikes and traces.
TEST(Determinism, BlocksOfStepsGiveTheSameResultsAsSingleSteps) {
  auto blocked = [](unsigned threads, bool force_single_steps) {
    model::Network net;
    net.sim.duration_ms = 300;
    net.sim.threads = threads;
    net.sim.seed = 11;
    const model::LifCurrExp p = cuba_neuron();
    net.add_population("exc", 600, p).initial.push_back({"v", model::Uniform{-60, -50}});
    net.add_population("inh", 150, p).initial.push_back({"v", model::Uniform{-60, -50}});
    for (const char* pre : {"exc", "inh"})
      for (const char* post : {"exc", "inh"}) {
        const bool e = std::string(pre) == "exc";
        net.connect(pre, post, model::FixedProbability{0.05}, model::Constant{e ? 20.0 : -100.0},
                    model::Uniform{0.5, 3.0}, e ? model::Receptor::Excitatory : model::Receptor::Inhibitory);
      }
    if (force_single_steps) {
      net.add_population("silent", 1, model::SpikeTimesSource{{{}}});
      net.connect("silent", "exc", model::FromList{{0}, {0}}, model::Constant{1.0}, model::Constant{0.1});
    }
    net.record("exc");
    net.record("inh", "v").neurons = {0, 149};
    Engine engine(net);
    return engine.run();
  };
  const RunResult reference = blocked(1, true);
  ASSERT_GT(reference.spikes[0].total_spikes, 500u);
  for (unsigned threads : {1u, 2u, 3u}) {
    const RunResult r = blocked(threads, false);
    expect_same_spikes(r.spikes[0], reference.spikes[0], std::to_string(threads) + " threads");
    EXPECT_EQ(r.traces[0].values, reference.traces[0].values) << threads << " threads";
  }
}

}  // namespace
}  // namespace scx::sim

namespace scx::sim {
namespace {

model::Network empty_network(double duration_ms, unsigned threads, uint64_t seed) {
  model::Network net;
  net.sim.duration_ms = duration_ms;
  net.sim.threads = threads;
  net.sim.seed = seed;
  return net;
}

// Threads hand each other a block's spikes through mailboxes of 4,096 words; a block with more spikes (here
// 20,000 neurons firing in the same step, about 10,000 per thread) falls back to reading the owner's spike
// lists. Both ways must give the 1-thread spikes.
TEST(Determinism, BlocksWithMoreSpikesThanAMailboxHolds) {
  auto run_pulse = [](unsigned threads) {
    model::Network net = empty_network(60, threads, 5);
    const model::LifCurrExp p = cuba_neuron();
    net.add_population("pulse", 1, model::SpikeTimesSource{{{5.0, 30.0}}});
    net.add_population("exc", 20000, p).initial.push_back({"v", model::Uniform{-60, -55}});
    net.connect("pulse", "exc", model::AllToAll{}, model::Constant{2000.0}, model::Constant{0.1});
    net.connect("exc", "exc", model::FixedInDegree{20}, model::Normal{-20.0, 5.0}, model::Uniform{0.1, 2.0});
    net.record("exc");
    Engine engine(net);
    return engine.run();
  };
  const RunResult one = run_pulse(1);
  ASSERT_GT(one.spikes[1].total_spikes, 20000u);  // the pulses make nearly every neuron fire at once
  for (unsigned threads : {2u, 3u}) {
    const RunResult many = run_pulse(threads);
    expect_same_spikes(many.spikes[1], one.spikes[1], std::to_string(threads) + " threads");
    EXPECT_EQ(many.meta.synaptic_events, one.meta.synaptic_events) << threads << " threads";
  }
}

// Float sums depend on their order: thousands of spikes of different weights reaching the same neurons in
// the same step must be added in the same order (ascending global index) whatever thread owns each source.
// Three source groups fire together; the targets' synaptic current is compared exactly after every step.
TEST(Determinism, ConvergingSpikesAreSummedInTheSameOrderForAnyThreadCount) {
  auto run_converging = [](unsigned threads) {
    model::Network net = empty_network(3, threads, 9);
    net.add_population("pulse", 1, model::SpikeTimesSource{{{0.5}}});
    for (const char* src : {"a", "b", "c"}) {
      net.add_population(src, 1000, cuba_neuron());
      net.connect("pulse", src, model::AllToAll{}, model::Constant{5000.0}, model::Constant{0.1});
    }
    model::LifCurrExp quiet = cuba_neuron();
    quiet.e_l_mv = -70;
    quiet.c_m_pf = 1e9;  // integrates but never fires: only the summed currents are compared
    net.add_population("target", 64, quiet);
    for (const char* src : {"a", "b", "c"})
      net.connect(src, "target", model::AllToAll{}, model::Uniform{1e-3, 1e3}, model::Constant{0.1});
    net.record("target", "i_exc");
    Engine engine(net);
    return engine.run();
  };
  const RunResult one = run_converging(1);
  ASSERT_EQ(one.traces.size(), 1u);
  double largest = 0;
  for (float v : one.traces[0].values) largest = std::max<double>(largest, v);
  ASSERT_GT(largest, 1e5);  // the 3,000 sources did arrive together
  for (unsigned threads : {2u, 3u})
    EXPECT_EQ(run_converging(threads).traces[0].values, one.traces[0].values) << threads << " threads";
}

}  // namespace
}  // namespace scx::sim
