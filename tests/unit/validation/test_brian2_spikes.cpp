// Spike-for-spike against Brian2 on a small deterministic network (tests/data/feedforward.toml: explicit
// spike times, synapses, weights, delays and initial potentials). Brian2 integrates in double precision with
// method='exact'; the reference is tests/data/brian2_feedforward_spikes.csv
// (bench/make_brian2_spike_reference.py).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "silicortex/io/toml_model.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx {
namespace {

std::set<std::pair<int64_t, uint32_t>> brian2_spikes() {
  std::ifstream f(std::string(SCX_SOURCE_DIR) + "/tests/data/brian2_feedforward_spikes.csv");
  std::set<std::pair<int64_t, uint32_t>> out;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#' || line[0] == 's') continue;
    std::istringstream ss(line);
    int64_t step;
    uint32_t neuron;
    char comma;
    ss >> step >> comma >> neuron;
    out.insert({step, neuron});
  }
  return out;
}

TEST(Brian2SpikeForSpike, FeedforwardNetworkSpikesAtTheSameSteps) {
  const auto reference = brian2_spikes();
  ASSERT_GT(reference.size(), 500u);
  for (unsigned threads : {1u, 2u}) {
    auto net = io::read_network_toml(std::string(SCX_SOURCE_DIR) + "/tests/data/feedforward.toml");
    net.sim.threads = threads;
    sim::Engine engine(net);
    const auto r = engine.run();
    const auto& s = r.spikes[1];
    std::set<std::pair<int64_t, uint32_t>> ours;
    for (size_t k = 0; k < s.times_ms.size(); ++k)
      ours.insert({std::llround(s.times_ms[k] / net.sim.dt_ms), s.neurons[k]});
    // Single vs double precision can move a near-threshold crossing by a step; everything else must coincide.
    size_t exact = 0, within_one = 0;
    for (const auto& [step, n] : ours) {
      if (reference.count({step, n}))
        ++exact;
      else if (reference.count({step - 1, n}) || reference.count({step + 1, n}))
        ++within_one;
    }
    EXPECT_NEAR(static_cast<double>(ours.size()), static_cast<double>(reference.size()),
                0.01 * reference.size());
    EXPECT_GE(exact, reference.size() * 97 / 100) << threads << " threads";
    EXPECT_GE(exact + within_one, reference.size() * 99 / 100) << threads << " threads";
    std::printf("%u threads: %zu spikes (Brian2 %zu), %zu at the same step, %zu one step apart\n", threads,
                ours.size(), reference.size(), exact, within_one);
  }
}

}  // namespace
}  // namespace scx
