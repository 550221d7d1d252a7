#pragma once
// A NIR file (Neuromorphic Intermediate Representation, github.com/neuromorphs/NIR) as stored: a tree of
// typed nodes with named parameters, and edges between node names. Reading checks the layout and every node's
// parameters (names, types, shapes), naming the node and the field on any error; docs/nir.md has the details.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace scx::io::nir {

// A numeric parameter: row-major values with their shape (empty shape = scalar).
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> values;
  Tensor() = default;
  Tensor(std::vector<int64_t> s, std::vector<double> v) : shape(std::move(s)), values(std::move(v)) {}
  static Tensor vector(std::vector<double> v) {
    const auto n = static_cast<int64_t>(v.size());
    return Tensor({n}, std::move(v));
  }
};

struct Graph;

struct Node {
  std::string name;
  std::string type;                         // "LIF", "Affine", ..., "NIRGraph"
  std::map<std::string, Tensor> params;     // numeric datasets
  std::map<std::string, std::string> text;  // string datasets (Conv padding "same"/"valid")
  std::shared_ptr<Graph> graph;             // for type NIRGraph

  const Tensor* find(const std::string& key) const {
    auto it = params.find(key);
    return it == params.end() ? nullptr : &it->second;
  }
};

struct Graph {
  std::vector<Node> nodes;                                 // in file (HDF5 name) order
  std::vector<std::pair<std::string, std::string>> edges;  // (source, target), in file order

  const Node* find(const std::string& name) const {
    for (const auto& n : nodes)
      if (n.name == name) return &n;
    return nullptr;
  }
};

struct Document {
  std::string source;   // the file it was read from, for error messages
  std::string version;  // the `version` dataset: the nir package version that wrote the file
  Graph graph;
  std::vector<std::string> warnings;  // quirks repaired while reading (e.g. a renamed node in an edge)
};

// The 18 node types besides NIRGraph, with the parameters each requires and allows.
const std::vector<std::string>& node_types();

// Reads and checks a NIR file (format versions 0.1.x, 0.2.x, 1.x; datasets gzip-compressed or not).
Document read_nir(const std::filesystem::path& path);

// Writes in the current layout (what nir.write produces: vlen strings, gzip-compressed arrays), atomically.
void write_nir(const std::filesystem::path& path, const Document& doc);

// Checks node types, parameter names and shapes, and edges (dangling, duplicate, no input/output) of a graph
// and its subgraphs. read_nir calls it; `origin` names the file in errors.
void check_graph(const Graph& g, const std::string& origin, const std::string& path = "");

// Human-readable summary: version, nodes with types, shapes and parameter ranges, edges.
std::string describe(const Document& doc);

}  // namespace scx::io::nir
