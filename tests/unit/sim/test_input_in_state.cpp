// When every synapse has a one-step delay, LIF groups keep their synaptic current or conductance in the
// engine's input slot (NeuronGroup::keep_input_in_state) and spikes add straight into it. The same network
// with one extra two-step synapse goes through the ring buffer instead; with at most one input per neuron
// and step the two must agree to the bit, for both LIF models and both receptors.
#include <gtest/gtest.h>

#include <algorithm>

#include "same_spikes.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::sim {
namespace {

template <class Neuron>
model::Network feed_forward(const Neuron& neuron, double weight, unsigned threads, bool through_ring) {
  model::Network net;
  net.sim.duration_ms = 40;
  net.sim.threads = threads;
  // Each source fires at its own steps, so no target receives two spikes in one step.
  net.add_population("src", 4, model::SpikeTimesSource{{{1.0, 9.0, 17.3}, {3.1, 11.2}, {5.0, 12.6}, {7.7}}});
  net.add_population("n", 40, neuron);
  std::vector<uint32_t> pre, post;
  for (uint32_t j = 0; j < 40; ++j) {
    pre.push_back(j % 4);
    post.push_back(j);
  }
  net.connect("src", "n", model::FromList{pre, post}, model::Uniform{weight, 4 * weight},
              model::Constant{0.1});
  net.connect("src", "n", model::FromList{{1, 3}, {5, 6}}, model::Constant{-2 * weight}, model::Constant{0.1},
              model::Receptor::Inhibitory);
  if (through_ring) {  // a second delay: every synapse goes through the ring buffer
    net.add_population("silent", 1, model::SpikeTimesSource{{{}}});
    net.connect("silent", "n", model::FromList{{0}, {0}}, model::Constant{1.0}, model::Constant{0.2});
  }
  net.record("n");
  return net;
}

template <class Neuron>
void expect_same_as_ring(const Neuron& neuron, double weight, const char* syn_exc, const char* syn_inh) {
  auto run = [&](unsigned threads, bool through_ring) {
    model::Network net = feed_forward(neuron, weight, threads, through_ring);
    for (const char* variable : {"v", syn_exc, syn_inh}) net.record("n", variable);
    Engine engine(net);
    return engine.run();
  };
  const RunResult ring = run(1, true);
  ASSERT_GT(ring.spikes[1].total_spikes, 10u);
  for (unsigned threads : {1u, 2u, 3u}) {
    const RunResult in_state = run(threads, false);
    testing::expect_same_spikes(in_state.spikes[1], ring.spikes[1], std::to_string(threads) + " threads");
    ASSERT_EQ(in_state.traces.size(), 3u);
    for (size_t k = 0; k < 3; ++k)
      EXPECT_EQ(in_state.traces[k].values, ring.traces[k].values)
          << in_state.traces[k].variable << ", " << threads << " threads";
  }
}

TEST(InputInState, CurrentBasedLifMatchesTheRingBuffer) {
  model::LifCurrExp p;
  p.tau_syn_exc_ms = 2;
  p.tau_syn_inh_ms = 4;
  expect_same_as_ring(p, 1500.0, "i_exc", "i_inh");  // pA
}

TEST(InputInState, ConductanceBasedLifMatchesTheRingBuffer) {
  model::LifCondExp p;
  expect_same_as_ring(p, 200.0, "g_exc", "g_inh");  // nS
}

// reset_state() empties the input slots with the rest of the state: a run that ended with currents still
// decaying in them continues, after the reset, from zero current.
TEST(InputInState, ResetStateClearsTheKeptInput) {
  model::LifCurrExp p;
  model::Network net = feed_forward(p, 1500.0, 2, false);
  net.sim.duration_ms = 18;  // ends while the last spikes' currents are still decaying
  net.record("n", "i_exc");
  Engine engine(net);
  const RunResult first = engine.run();
  ASSERT_GT(first.spikes[1].total_spikes, 0u);
  float last = 0;
  for (size_t j = 0; j < 40; ++j)
    last = std::max(last, first.traces[0].values[first.traces[0].values.size() - 40 + j]);
  ASSERT_GT(last, 1.0f);
  engine.reset_state();
  engine.set_duration_ms(0.1);  // one step, in which no source fires
  const RunResult after = engine.run();
  ASSERT_EQ(after.traces[0].values.size(), 40u);
  for (float i_exc : after.traces[0].values) EXPECT_EQ(i_exc, 0.0f);
}

}  // namespace
}  // namespace scx::sim
