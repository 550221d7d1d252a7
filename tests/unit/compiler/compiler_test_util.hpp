#pragma once
// Shared by the compiler tests: the truenorth profile, a chip-native neuron, and a run on both back ends.
#include <gtest/gtest.h>

#include "silicortex/compiler/compiler.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::compiler::testing {

inline hw::ChipProfile truenorth_profile() {
  return hw::read_chip_profile(hw::find_chip_profile("truenorth", SCX_SOURCE_DIR "/chips"));
}

inline model::TrueNorthNeuron tn_neuron(double threshold, double leak = 0, double reset_mode = 0) {
  model::TrueNorthNeuron m;
  m.threshold = threshold;
  m.leak = leak;
  m.reset_mode = reset_mode;
  m.neg_threshold = 20;
  m.neg_saturate = 1;
  return m;
}

// Random spike times in whole ms (one list per neuron, each ms with probability p), reproducible.
inline model::SpikeTimesSource random_times(uint32_t n, double p, double duration_ms, uint64_t seed) {
  RandomStream rng(seed, 7);
  model::SpikeTimesSource s;
  for (uint32_t i = 0; i < n; ++i) {
    s.times_ms.emplace_back();
    for (double t = 0; t < duration_ms; t += 1)
      if (rng.uniform(0, 1) < p) s.times_ms.back().push_back(t);
  }
  return s;
}

inline void record_all(model::Network& net) {
  for (const auto& p : net.populations) net.record(p.name);
}

// Runs `net` on the reference engine and, compiled, on the chip; expects the same spikes, step for step.
// Returns the number of spikes of non-source populations, so a test can insist that something happened.
inline uint64_t expect_same_spikes(const model::Network& net, const CompiledNetwork& c) {
  sim::Engine engine(net);
  const auto ref = engine.run();
  const auto chip = run_on_chip(*c.chip, c.io, 2);
  uint64_t active = 0;
  EXPECT_EQ(ref.spikes.size(), chip.spikes.size());
  for (size_t p = 0; p < std::min(ref.spikes.size(), chip.spikes.size()); ++p) {
    const auto& a = ref.spikes[p];
    const auto& b = chip.spikes[p];
    EXPECT_EQ(a.population, b.population);
    EXPECT_EQ(a.times_ms, b.times_ms) << a.population;
    EXPECT_EQ(a.neurons, b.neurons) << a.population;
    for (size_t k = 0; k < std::min(a.times_ms.size(), b.times_ms.size()); ++k)
      if (a.times_ms[k] != b.times_ms[k] || a.neurons[k] != b.neurons[k]) {
        ADD_FAILURE() << a.population << ": first difference at spike " << k << ": engine (" << a.times_ms[k]
                      << " ms, " << a.neurons[k] << "), chip (" << b.times_ms[k] << " ms, " << b.neurons[k]
                      << ")";
        break;
      }
    if (!model::is_source(net.populations[p].params)) active += b.times_ms.size();
  }
  return active;
}

}  // namespace scx::compiler::testing
