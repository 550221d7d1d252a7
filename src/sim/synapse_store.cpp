#include "sim/synapse_store.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>

namespace scx::sim {
namespace {

// More distinct weights than this and a table lookup per synapse would itself miss the cache: such stores
// (weights drawn from a distribution) keep the wide layout.
constexpr size_t kMaxWeights = 4096;

uint32_t bits_of(float w) {
  uint32_t b;
  std::memcpy(&b, &w, sizeof b);
  return b;
}

template <class Code>
std::vector<Code> encode(const std::vector<SynapseTarget>& target,
                         const std::unordered_map<uint32_t, uint32_t>& id_of, uint32_t index_bits) {
  std::vector<Code> code(target.size());
  for (size_t k = 0; k < target.size(); ++k)
    code[k] = Code(id_of.at(bits_of(target[k].weight)) << index_bits | target[k].ring_index);
  return code;
}

}  // namespace

void SynapseStore::pack(uint32_t ring_entries) {
  const uint32_t bits = ring_entries > 1 ? uint32_t(std::bit_width(ring_entries - 1)) : 1;
  if (bits >= 32 || target.empty()) return;
  const size_t max_ids = std::min(size_t{1} << (32 - bits), kMaxWeights);
  std::unordered_map<uint32_t, uint32_t> id_of;  // by the weight's bits: -0 and 0, NaNs stay apart
  std::vector<float> table;
  for (const SynapseTarget& t : target)
    if (id_of.try_emplace(bits_of(t.weight), uint32_t(table.size())).second) {
      if (table.size() == max_ids) return;  // too many distinct weights: keep the wide layout
      table.push_back(t.weight);
    }
  const uint32_t id_bits = uint32_t(std::bit_width(table.size() - 1));
  if (bits + id_bits <= 16)
    code16 = encode<uint16_t>(target, id_of, bits);
  else
    code32 = encode<uint32_t>(target, id_of, bits);
  weight_of_id = std::move(table);
  index_bits = bits;
  target = {};
}

}  // namespace scx::sim
