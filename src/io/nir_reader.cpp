// Reading NIR files: the HDF5 tree of /node into nir::Document, with every node checked (nir_check.cpp).
#include <fmt/format.h>

#include <set>

#include "io/h5_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/nir_graph.hpp"

namespace scx::io::nir {
namespace {

constexpr size_t kMaxValues = size_t{1} << 27;  // per dataset: refuse absurd shapes before allocating
constexpr int kMaxDepth = 32;                    // nested subgraphs

std::string node_path(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

Node read_node(const H5Reader& r, const H5Group& g, const std::string& name, const std::string& path, int depth,
               std::vector<std::string>& warnings);

Graph read_graph(const H5Reader& r, const H5Group& g, const std::string& path, int depth,
                 std::vector<std::string>& warnings) {
  if (depth > kMaxDepth) r.fail(g.path, "subgraphs nested more than " + std::to_string(kMaxDepth) + " deep");
  Graph graph;
  const H5Group nodes = r.group(g, "nodes");
  for (const auto& name : r.children(nodes)) {
    if (!r.is_group(nodes, name)) r.fail(nodes.child(name), "a node must be an HDF5 group");
    graph.nodes.push_back(read_node(r, r.group(nodes, name), name, path, depth, warnings));
  }
  std::vector<hsize_t> dims;
  const std::vector<std::string> flat = r.strings(g, "edges", dims, kMaxValues);
  if (!flat.empty() && (dims.size() != 2 || dims[1] != 2))
    r.fail(g.child("edges"), "must be an (E, 2) array of node names");
  for (size_t k = 0; k + 1 < flat.size(); k += 2) graph.edges.emplace_back(flat[k], flat[k + 1]);
  return graph;
}

Node read_node(const H5Reader& r, const H5Group& g, const std::string& name, const std::string& path, int depth,
               std::vector<std::string>& warnings) {
  Node n;
  n.name = name;
  n.type = r.string_dataset(g, "type");
  if (n.type == "NIRGraph") {
    n.graph = std::make_shared<Graph>(read_graph(r, g, node_path(path, name), depth + 1, warnings));
    return n;
  }
  for (const auto& key : r.children(g)) {
    if (key == "type") continue;
    if (r.is_group(g, key)) {
      if (key != "metadata") warnings.push_back(fmt::format("node '{}': ignored group '{}'", name, key));
      continue;
    }
    std::vector<hsize_t> dims;
    if (r.is_text(g, key)) {
      auto s = r.strings(g, key, dims, 1);
      n.text[key] = s.empty() ? std::string() : s[0];
      continue;
    }
    Tensor t;
    t.values = r.numbers(g, key, dims, kMaxValues);
    for (hsize_t d : dims) t.shape.push_back(static_cast<int64_t>(d));
    n.params.emplace(key, std::move(t));
  }
  return n;
}

// snnTorch's braille subgraph export names its inner node "lif1" but its edges say "lif". When exactly one edge
// name matches no node and exactly one node appears in no edge, they are taken to be the same (with a warning).
void repair_renamed_node(Graph& g, const std::string& path, std::vector<std::string>& warnings) {
  std::set<std::string> missing, used;
  for (const auto& [a, b] : g.edges)
    for (const auto* e : {&a, &b}) {
      used.insert(*e);
      if (g.find(*e) == nullptr && e->find('.') == std::string::npos) missing.insert(*e);
    }
  std::vector<const Node*> unused;
  for (const auto& n : g.nodes)
    if (!used.count(n.name)) unused.push_back(&n);
  if (missing.size() == 1 && unused.size() == 1) {
    const std::string from = *missing.begin(), to = unused[0]->name;
    for (auto& [a, b] : g.edges) {
      if (a == from) a = to;
      if (b == from) b = to;
    }
    warnings.push_back(fmt::format("graph '{}': edges name '{}', which does not exist; taken to be node '{}', "
                                   "the only node without edges",
                                   path.empty() ? "/" : path, from, to));
  }
  for (auto& n : g.nodes)
    if (n.graph) repair_renamed_node(*n.graph, node_path(path, n.name), warnings);
}

}  // namespace

Document read_nir(const std::filesystem::path& path) {
  H5Reader r(path);
  const H5Group root = r.root();
  Document doc;
  doc.source = path.string();
  doc.version = r.has(root, "version") ? r.string_dataset(root, "version") : std::string();
  if (doc.version.empty()) doc.warnings.push_back("no version dataset; read as the current format");
  const int major = doc.version.empty() ? 1 : std::atoi(doc.version.c_str());
  if (major > 1)
    doc.warnings.push_back("format version " + doc.version + " is newer than 1.x; reading it as 1.x");
  const H5Group top = r.group(root, "node");
  Node n = read_node(r, top, "", "", 0, doc.warnings);
  if (n.type != "NIRGraph") r.fail(top.path + "/type", "the top-level node must be a NIRGraph, found '" + n.type + "'");
  doc.graph = std::move(*n.graph);
  repair_renamed_node(doc.graph, "", doc.warnings);
  check_graph(doc.graph, path.string());
  return doc;
}

}  // namespace scx::io::nir
