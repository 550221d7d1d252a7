#pragma once
// The linear synapse map of a chain of trainer blocks (the last may have neurons, the others are pools and
// flatten), as explicit sparse connections: what a chip deployment programs into its synapses.
#include <cstdint>
#include <string>
#include <vector>

#include "silicortex/train/network.hpp"

namespace scx::train::detail {

struct MapEntry {
  int32_t index;
  double w;
};

// A deployment error naming the layer: "file.toml: layers[2].field: msg".
[[noreturn]] void fail_layer(const std::string& origin, const std::string& field, const std::string& msg);

// rows[i] lists the (target, weight) pairs of source i, targets in increasing order, zeros dropped.
std::vector<std::vector<MapEntry>> composite_map(const std::vector<const Block*>& chain,
                                                 const std::vector<float>& params);

}  // namespace scx::train::detail
