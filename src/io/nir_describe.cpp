// `nir info`: a readable summary of a NIR document.
#include <fmt/format.h>

#include <algorithm>

#include "silicortex/io/nir_graph.hpp"

namespace scx::io::nir {
namespace {

std::string shape_str(const std::vector<int64_t>& s) {
  return s.empty() ? "scalar" : "(" + fmt::format("{}", fmt::join(s, ", ")) + ")";
}

void describe_graph(const Graph& g, const std::string& indent, std::string& out) {
  for (const auto& n : g.nodes) {
    out += fmt::format("{}{:<16} {}\n", indent, n.name, n.type);
    if (n.graph) {
      describe_graph(*n.graph, indent + "    ", out);
      continue;
    }
    for (const auto& [key, t] : n.params) {
      if (t.values.size() <= 4) {
        out += fmt::format("{}    {:<12} {} = [{:g}]\n", indent, key, shape_str(t.shape),
                           fmt::join(t.values, ", "));
      } else {
        const auto [lo, hi] = std::minmax_element(t.values.begin(), t.values.end());
        out += fmt::format("{}    {:<12} {} in [{:g}, {:g}]\n", indent, key, shape_str(t.shape), *lo, *hi);
      }
    }
    for (const auto& [key, text] : n.text) out += fmt::format("{}    {:<12} '{}'\n", indent, key, text);
  }
  out += fmt::format("{}edges:", indent);
  for (const auto& [a, b] : g.edges) out += fmt::format(" {}->{}", a, b);
  out += "\n";
}

}  // namespace

std::string describe(const Document& doc) {
  std::string out = fmt::format("NIR graph {} (format version {})\n", doc.source,
                                doc.version.empty() ? "unknown" : doc.version);
  describe_graph(doc.graph, "  ", out);
  for (const auto& w : doc.warnings) out += "warning: " + w + "\n";
  return out;
}

}  // namespace scx::io::nir
