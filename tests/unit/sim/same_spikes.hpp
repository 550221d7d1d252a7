#pragma once
// Shared by the engine tests: two runs' spikes of a population compared step for step and neuron for neuron.
#include <gtest/gtest.h>

#include <string>

#include "silicortex/sim/run_result.hpp"

namespace scx::sim::testing {

inline void expect_same_spikes(const PopulationSpikes& got, const PopulationSpikes& want,
                               const std::string& what) {
  EXPECT_EQ(got.times_ms, want.times_ms) << what;
  EXPECT_EQ(got.neurons, want.neurons) << what;
}

}  // namespace scx::sim::testing
