#pragma once
// Synapses in CSR form by global pre-synaptic neuron. Each thread owns the synapses onto its own neurons, so
// delivery writes only to ring-buffer entries that thread reads.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace scx::sim {

struct SynapseTarget {
  uint32_t ring_index;  // receptor * neurons_total + global post index
  float weight;
};

// The distinct weights of a store, by bit pattern (-0 and 0, NaNs stay apart), numbered in order of first
// appearance, for packed codes: (weight id << index_bits) | ring index.
class WeightTable {
 public:
  explicit WeightTable(uint32_t ring_entries);
  // False once there are more distinct weights than the table takes (or the ring index leaves no bits).
  bool add(float w);
  uint32_t code(uint32_t ring_index, float w) const;  // w must have been added
  bool fits_16_bits() const;
  uint32_t index_bits() const { return index_bits_; }
  const std::vector<float>& weights() const { return weights_; }

 private:
  uint32_t index_bits_;
  size_t max_ids_;
  std::unordered_map<uint32_t, uint32_t> id_of_;
  std::vector<float> weights_;
};

struct SynapseStore {
  std::vector<uint64_t> row_begin;  // size = neurons_total + 1
  // Each synapse's target and weight: 8 bytes in `target`, or, when the ring's index space and the number of
  // distinct weights (at most 4,096) fit, 2 or 4 bytes in `code16` / `code32`: (weight id << index_bits) |
  // ring index, the weight read from a table (exact). Rows are touched at random, a few per step, so their
  // size decides whether they come from L2 or from memory: the Brette et al. networks' 320 k synapses take
  // 640 KB packed against 2.5 MB.
  std::vector<SynapseTarget> target;
  std::vector<uint16_t> code16;
  std::vector<uint32_t> code32;
  std::vector<float> weight_of_id;
  uint32_t index_bits = 0;
  std::vector<uint16_t> delay_steps;
  std::vector<uint16_t> projection;  // per synapse; filled only when some projection is plastic

  // The address of synapse k's entry, in whichever layout.
  const char* synapse_bytes(uint64_t k) const {
    if (!code16.empty()) return reinterpret_cast<const char*>(code16.data() + k);
    if (!code32.empty()) return reinterpret_cast<const char*>(code32.data() + k);
    return reinterpret_cast<const char*>(target.data() + k);
  }
  size_t synapse_bytes_total() const {
    return code16.size() * sizeof(uint16_t) + code32.size() * sizeof(uint32_t) +
           target.size() * sizeof(SynapseTarget);
  }
  // Packed from the start (no wide array at the build's memory peak): room for `synapses` codes of the
  // table's size (the smallest that holds the ring's indices and its weights), then each synapse's code.
  void start_packed(const WeightTable& table, uint64_t synapses);
  void set_packed(uint64_t k, uint32_t code) {
    if (!code16.empty())
      code16[k] = uint16_t(code);
    else
      code32[k] = code;
  }
};

// What delivery reads of synapse k, in either layout.
struct WideTargets {
  const SynapseTarget* t;
  uint32_t index(uint64_t k) const { return t[k].ring_index; }
  float weight(uint64_t k) const { return t[k].weight; }
};
template <class Code>
struct PackedTargets {
  const Code* code;
  const float* weight_of_id;
  uint32_t index_bits, index_mask;
  uint32_t index(uint64_t k) const { return code[k] & index_mask; }
  float weight(uint64_t k) const { return weight_of_id[uint32_t(code[k]) >> index_bits]; }
};
template <class Code>
PackedTargets<Code> packed_targets(const std::vector<Code>& code, const SynapseStore& s) {
  return {code.data(), s.weight_of_id.data(), s.index_bits, uint32_t((uint64_t{1} << s.index_bits) - 1)};
}

}  // namespace scx::sim
