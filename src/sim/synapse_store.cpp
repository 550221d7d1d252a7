#include "sim/synapse_store.hpp"

#include <bit>
#include <cstring>
#include <unordered_map>

namespace scx::sim {
namespace {

template <class Code>
std::vector<Code> encode(const std::vector<SynapseTarget>& target, const std::vector<uint32_t>& id,
                         uint32_t index_bits) {
  std::vector<Code> code(target.size());
  for (size_t k = 0; k < target.size(); ++k) code[k] = Code(id[k] << index_bits | target[k].ring_index);
  return code;
}

}  // namespace

void SynapseStore::pack(uint32_t ring_entries) {
  const uint32_t bits = ring_entries > 1 ? uint32_t(std::bit_width(ring_entries - 1)) : 1;
  if (bits >= 32 || target.empty()) return;
  const size_t max_ids = size_t{1} << (32 - bits);
  std::unordered_map<uint32_t, uint32_t> id_of;  // by the weight's bits: -0 and 0, NaNs stay apart
  std::vector<float> table;
  std::vector<uint32_t> id(target.size());
  for (size_t k = 0; k < target.size(); ++k) {
    uint32_t w;
    std::memcpy(&w, &target[k].weight, sizeof w);
    auto [it, added] = id_of.try_emplace(w, uint32_t(table.size()));
    if (added) {
      if (table.size() == max_ids) return;  // too many distinct weights: keep the wide layout
      table.push_back(target[k].weight);
    }
    id[k] = it->second;
  }
  const uint32_t id_bits = uint32_t(std::bit_width(table.size() - 1));
  if (bits + id_bits <= 16)
    code16 = encode<uint16_t>(target, id, bits);
  else
    code32 = encode<uint32_t>(target, id, bits);
  weight_of_id = std::move(table);
  index_bits = bits;
  target = {};
}

}  // namespace scx::sim
