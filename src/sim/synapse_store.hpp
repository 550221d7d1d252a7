#pragma once
// Synapses in CSR form by global pre-synaptic neuron. Each thread owns the synapses onto its own neurons, so
// delivery writes only to ring-buffer entries that thread reads.
#include <cstdint>
#include <vector>

namespace scx::sim {

struct SynapseTarget {
  uint32_t ring_index;  // receptor * neurons_total + global post index
  float weight;
};

struct SynapseStore {
  std::vector<uint64_t> row_begin;  // size = neurons_total + 1
  std::vector<SynapseTarget> target;
  std::vector<uint16_t> delay_steps;
  std::vector<uint16_t> projection;  // per synapse; filled only when some projection is plastic
};

}  // namespace scx::sim
