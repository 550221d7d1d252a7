#include "sim/synapse_store.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

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

}  // namespace

WeightTable::WeightTable(uint32_t ring_entries)
    : index_bits_(ring_entries > 1 ? uint32_t(std::bit_width(ring_entries - 1)) : 1),
      max_ids_(index_bits_ >= 32 ? 0 : std::min(size_t{1} << (32 - index_bits_), kMaxWeights)) {}

bool WeightTable::add(float w) {
  if (id_of_.count(bits_of(w))) return true;
  if (weights_.size() == max_ids_) return false;
  id_of_.emplace(bits_of(w), uint32_t(weights_.size()));
  weights_.push_back(w);
  return true;
}

uint32_t WeightTable::code(uint32_t ring_index, float w) const {
  return id_of_.at(bits_of(w)) << index_bits_ | ring_index;
}

bool WeightTable::fits_16_bits() const {
  return index_bits_ + uint32_t(std::bit_width(std::max<size_t>(weights_.size(), 1) - 1)) <= 16;
}

void SynapseStore::start_packed(const WeightTable& table, uint64_t synapses) {
  target = {};
  code16.clear();
  code32.clear();
  if (table.fits_16_bits())
    code16.resize(synapses);
  else
    code32.resize(synapses);
  weight_of_id = table.weights();
  index_bits = table.index_bits();
}

}  // namespace scx::sim
