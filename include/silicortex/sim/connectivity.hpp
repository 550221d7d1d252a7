#pragma once
// Synapse generation from a projection's connector, weight and delay specs. Deterministic: a pure function of
// (seed, projection index), independent of thread count.
#include <cstdint>
#include <string>
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

// The synapses an engine builds for the projection of `net` named `projection`, drawn as it draws them (the
// same pure function of the network's seed and the projection's index), to inspect connectivity without
// building or running anything; plastic projections give their initial weights. Throws scx::Error for a name
// that is unknown or used by several projections.
SynapseList network_synapses(const model::Network& net, const std::string& projection);

// Expected number of synapses, for the memory check before anything is allocated.
double expected_synapse_count(const model::Projection& proj, uint32_t pre_size, uint32_t post_size);

}  // namespace scx::sim
