#pragma once
// Internals shared by the NIR reader, checker and converter.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "silicortex/io/nir_graph.hpp"

namespace scx::io::nir {

// write_nir without the graph checks: lets tests write broken files.
void write_nir_unchecked(const std::filesystem::path& path, const Document& doc);

bool is_neuron_type(const std::string& type);

// An edge endpoint: a node of `g`, or "G.B" for node B of subgraph G; nullptr when there is none.
const Node* resolve(const Graph& g, const std::string& name);

// A sparse linear map with per-entry delays (in steps): row o of the output is sum_k w * input[in](t -
// delay).
struct Entry {
  uint32_t in;
  uint32_t delay;
  double w;
};
using Rows = std::vector<std::vector<Entry>>;

// Sorts each row by (in, delay), sums equal keys and drops zero weights.
void merge_rows(Rows& rows);
// (a ∘ b): a's inputs are b's outputs; delays add.
Rows compose(const Rows& a, const Rows& b);
Rows identity_rows(uint32_t n);

// The linear map of a node given its input shape; its output shape is returned in out_shape. `bias` gets the
// node's constant term (empty when it has none). dt_s converts Delay's seconds to steps. Throws scx::Error
// naming the node and field on shape mismatches.
Rows linear_map(const Node& n, const std::string& qualified, const std::vector<int64_t>& in_shape,
                std::vector<int64_t>& out_shape, std::vector<double>& bias, double dt_s,
                const std::string& origin);

// Output shape of a linear node without building its map (for shape inference).
std::vector<int64_t> linear_shape(const Node& n, const std::string& qualified,
                                  const std::vector<int64_t>& in_shape, const std::string& origin);

int64_t element_count(const std::vector<int64_t>& shape);

}  // namespace scx::io::nir
