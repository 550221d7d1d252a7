#pragma once
// Reading the value forms of the TOML network format: ValueSpec, connectors and index lists.
#include <cstdint>
#include <vector>

#include "silicortex/model/network.hpp"
#include "toml_reader.hpp"

namespace scx::io::toml_detail {

enum class Bound { Any, NonNegative };

// number | [numbers] | { dist = "uniform", low, high } | { dist = "normal", mean, sd }.
// With Bound::NonNegative every number (and the mean) must be >= 0, reported at the offending value.
model::ValueSpec read_value_spec(const Field& f, Bound bound = Bound::Any);

// "all_to_all" | "one_to_one" | { type = "...", fields... }.
model::Connector read_connector(const Field& f);

// An array of neuron indices, each a non-negative integer that fits in 32 bits.
std::vector<uint32_t> read_indices(const Field& f);

// Throws "no population named 'x' (did you mean ...)" at the field when net has no such population.
const model::Population& find_population(const model::Network& net, const Field& name);

}  // namespace scx::io::toml_detail
