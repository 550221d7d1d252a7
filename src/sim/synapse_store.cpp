#include "sim/synapse_store.hpp"

#include <bit>
#include <cstring>
#include <unordered_map>

namespace scx::sim {

void SynapseStore::pack(uint32_t ring_entries) {
  const uint32_t bits = ring_entries > 1 ? uint32_t(std::bit_width(ring_entries - 1)) : 1;
  if (bits >= 16 || target.empty()) return;
  const size_t max_ids = size_t{1} << (16 - bits);
  std::unordered_map<uint32_t, uint16_t> id_of;  // by the weight's bits: -0 and 0, NaNs stay apart
  std::vector<float> table;
  std::vector<uint16_t> packed(target.size());
  for (size_t k = 0; k < target.size(); ++k) {
    uint32_t w;
    std::memcpy(&w, &target[k].weight, sizeof w);
    auto [it, added] = id_of.try_emplace(w, uint16_t(table.size()));
    if (added) {
      if (table.size() == max_ids) return;  // too many distinct weights: keep the wide layout
      table.push_back(target[k].weight);
    }
    packed[k] = uint16_t(uint32_t(it->second) << bits | target[k].ring_index);
  }
  code = std::move(packed);
  weight_of_id = std::move(table);
  index_bits = bits;
  target = {};
}

}  // namespace scx::sim
