// Reading NIR files: the HDF5 tree of /node into nir::Document, with every node checked (nir_check.cpp).
#include <fmt/format.h>

#include <set>

#include "io/h5_file.hpp"
#include "io/h5_guard.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/nir_graph.hpp"

namespace scx::io::nir {
namespace {

constexpr size_t kMaxValues = size_t{1} << 24;  // per dataset: refuse absurd shapes before allocating
constexpr int kMaxDepth = 32;                   // nested subgraphs

std::string node_path(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

Node read_node(const H5Reader& r, const H5Group& g, const std::string& name, const std::string& path,
               int depth, std::vector<std::string>& warnings);

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

Node read_node(const H5Reader& r, const H5Group& g, const std::string& name, const std::string& path,
               int depth, std::vector<std::string>& warnings) {
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

// snnTorch's braille subgraph export names its inner node "lif1" but its edges say "lif". When exactly one
// edge name matches no node and exactly one node appears in no edge, they are taken to be the same (with a
// warning).
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
    warnings.push_back(
        fmt::format("graph '{}': edges name '{}', which does not exist; taken to be node '{}', "
                    "the only node without edges",
                    path.empty() ? "/" : path, from, to));
  }
  for (auto& n : g.nodes)
    if (n.graph) repair_renamed_node(*n.graph, node_path(path, n.name), warnings);
}

Document read_unguarded(const std::filesystem::path& path) {
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
  if (n.type != "NIRGraph")
    r.fail(top.path + "/type", "the top-level node must be a NIRGraph, found '" + n.type + "'");
  doc.graph = std::move(*n.graph);
  repair_renamed_node(doc.graph, "", doc.warnings);
  check_graph(doc.graph, path.string());
  return doc;
}

void encode(ByteWriter& w, const Graph& g) {
  w.u64(g.nodes.size());
  for (const auto& n : g.nodes) {
    w.str(n.name);
    w.str(n.type);
    w.u64(n.params.size());
    for (const auto& [key, t] : n.params) {
      w.str(key);
      w.u64(t.shape.size());
      for (int64_t d : t.shape) w.u64(static_cast<uint64_t>(d));
      w.f64s(t.values);
    }
    w.u64(n.text.size());
    for (const auto& [key, text] : n.text) {
      w.str(key);
      w.str(text);
    }
    w.u64(n.graph ? 1 : 0);
    if (n.graph) encode(w, *n.graph);
  }
  w.u64(g.edges.size());
  for (const auto& [a, b] : g.edges) {
    w.str(a);
    w.str(b);
  }
}

Graph decode_graph(ByteReader& r) {
  Graph g;
  g.nodes.resize(r.u64());
  for (auto& n : g.nodes) {
    n.name = r.str();
    n.type = r.str();
    for (uint64_t k = r.u64(); k > 0; --k) {
      const std::string key = r.str();
      Tensor t;
      t.shape.resize(r.u64());
      for (auto& d : t.shape) d = static_cast<int64_t>(r.u64());
      t.values = r.f64s();
      n.params.emplace(key, std::move(t));
    }
    for (uint64_t k = r.u64(); k > 0; --k) {
      const std::string key = r.str();
      n.text[key] = r.str();
    }
    if (r.u64()) n.graph = std::make_shared<Graph>(decode_graph(r));
  }
  g.edges.resize(r.u64());
  for (auto& [a, b] : g.edges) {
    a = r.str();
    b = r.str();
  }
  return g;
}

}  // namespace

Document read_nir(const std::filesystem::path& path) {
  const std::string bytes = read_in_child(path, [&] {
    const Document doc = read_unguarded(path);
    ByteWriter w;
    w.str(doc.source);
    w.str(doc.version);
    w.u64(doc.warnings.size());
    for (const auto& x : doc.warnings) w.str(x);
    encode(w, doc.graph);
    return w.take();
  });
  ByteReader r(bytes);
  Document doc;
  doc.source = r.str();
  doc.version = r.str();
  doc.warnings.resize(r.u64());
  for (auto& x : doc.warnings) x = r.str();
  doc.graph = decode_graph(r);
  return doc;
}

}  // namespace scx::io::nir
