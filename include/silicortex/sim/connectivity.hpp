#pragma once
// Synapse generation from a projection's connector, weight and delay specs. Deterministic: a pure function of
// (seed, projection index), independent of thread count.
#include <cstdint>
#include <vector>

#include "silicortex/model/network.hpp"

namespace scx::sim {

struct SynapseList {
  std::vector<uint32_t> pre, post;  // indices within the pre and post populations
  std::vector<float> weight;
  std::vector<uint16_t> delay_steps;  // >= 1
  size_t size() const { return pre.size(); }
};

inline constexpr uint32_t kMaxDelaySteps = 4096;

SynapseList build_synapses(const model::Projection& proj, uint32_t pre_size, uint32_t post_size, double dt_ms,
                           uint64_t seed, uint32_t proj_index);

// Expected number of synapses, for the memory check before anything is allocated.
double expected_synapse_count(const model::Projection& proj, uint32_t pre_size, uint32_t post_size);

}  // namespace scx::sim
