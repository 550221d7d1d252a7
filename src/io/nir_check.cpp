// What each NIR node type must and may carry, and the structural checks of a graph. Errors name the node
// (with its subgraph path) and the field.
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "io/nir_detail.hpp"
#include "silicortex/core/error.hpp"

namespace scx::io::nir {
namespace {

struct NodeSpec {
  const char* type;
  std::vector<const char*> required, optional;
  bool neuron;  // parameters are per-neuron arrays of one shape
};

const std::vector<NodeSpec>& specs() {
  static const std::vector<NodeSpec> kSpecs = {
      {"Input", {"shape"}, {}, false},
      {"Output", {"shape"}, {}, false},
      {"Affine", {"weight", "bias"}, {}, false},
      {"Linear", {"weight"}, {}, false},
      {"Scale", {"scale"}, {}, false},
      {"Conv1d", {"weight", "stride", "padding", "dilation", "groups", "bias"}, {"input_shape"}, false},
      {"Conv2d", {"weight", "stride", "padding", "dilation", "groups", "bias"}, {"input_shape"}, false},
      {"SumPool2d", {"kernel_size", "stride", "padding"}, {}, false},
      {"AvgPool2d", {"kernel_size", "stride", "padding"}, {}, false},
      {"Flatten", {}, {"start_dim", "end_dim", "input_type"}, false},
      {"Delay", {"delay"}, {}, false},
      {"Threshold", {"threshold"}, {}, true},
      {"I", {"r"}, {}, true},
      {"IF", {"r", "v_threshold"}, {"v_reset"}, true},
      {"LI", {"tau", "r", "v_leak"}, {}, true},
      {"LIF", {"tau", "r", "v_leak", "v_threshold"}, {"v_reset"}, true},
      {"CubaLI", {"tau_syn", "tau_mem", "r", "v_leak"}, {"w_in"}, true},
      {"CubaLIF", {"tau_syn", "tau_mem", "r", "v_leak", "v_threshold"}, {"v_reset", "w_in"}, true},
  };
  return kSpecs;
}

const NodeSpec* find_spec(const std::string& type) {
  for (const auto& s : specs())
    if (type == s.type) return &s;
  return nullptr;
}

std::string shape_str(const std::vector<int64_t>& s) {
  return "(" + fmt::format("{}", fmt::join(s, ", ")) + ")";
}

class Checker {
 public:
  Checker(const std::string& origin, const std::string& path) : origin_(origin), path_(path) {}

  [[noreturn]] void fail(const Node& n, const std::string& field, const std::string& what) const {
    const std::string obj = fmt::format("node '{}' ({})", qualified(n.name), n.type);
    throw_error_at(origin_, 0, 0, field.empty() ? obj : obj + "." + field, what);
  }
  [[noreturn]] void fail_graph(const std::string& what) const {
    throw_error_at(origin_, 0, 0, path_.empty() ? "graph" : "subgraph '" + path_ + "'", what);
  }
  std::string qualified(const std::string& name) const { return path_.empty() ? name : path_ + "." + name; }

  void node(const Node& n) const {
    if (n.type == "NIRGraph") {
      if (!n.graph) fail(n, "nodes", "missing");
      check_graph(*n.graph, origin_, qualified(n.name));
      return;
    }
    const NodeSpec* spec = find_spec(n.type);
    if (spec == nullptr)
      fail(n, "type",
           fmt::format("unknown node type '{}'; expected one of {}, NIRGraph", n.type,
                       fmt::join(node_types(), ", ")));
    for (const char* f : spec->required)
      if (!n.find(f) && !n.text.count(f)) fail(n, f, "missing");
    for (const auto& [key, t] : n.params) {
      bool known = false;
      for (const auto* list : {&spec->required, &spec->optional})
        for (const char* f : *list) known |= key == f;
      if (!known) fail(n, key, "unknown parameter for this node type");
      for (double x : t.values)
        if (!std::isfinite(x)) fail(n, key, "values must be finite");
    }
    for (const auto& [key, text] : n.text)
      if (!(key == "padding" && (text == "same" || text == "valid")))
        fail(n, key, "unexpected text '" + text + "'");
    if (spec->neuron) neuron_shapes(n);
    shapes(n);
  }

 private:
  // All per-neuron arrays share one shape; a single value (scalar) is accepted too (NIR issue #176).
  void neuron_shapes(const Node& n) const {
    const Tensor* ref = nullptr;
    std::string ref_name;
    for (const auto& [key, t] : n.params) {
      if (t.values.size() == 1) continue;
      if (t.values.empty()) fail(n, key, "is empty");
      if (ref == nullptr) {
        ref = &t, ref_name = key;
      } else if (t.shape != ref->shape) {
        fail(n, key,
             fmt::format("shape {} differs from {}'s {}", shape_str(t.shape), ref_name,
                         shape_str(ref->shape)));
      }
    }
    for (const char* tau : {"tau", "tau_syn", "tau_mem"})
      if (const Tensor* t = n.find(tau))
        for (double x : t->values)
          if (!(x > 0)) fail(n, tau, "time constants must be positive (seconds)");
  }

  void rank(const Node& n, const char* field, size_t want) const {
    const Tensor* t = n.find(field);
    if (t && t->shape.size() != want)
      fail(n, field, fmt::format("expected {} dimensions, found shape {}", want, shape_str(t->shape)));
  }
  // An int or a list of `dims` ints, each at least `min`.
  void ints(const Node& n, const char* field, size_t dims, int64_t min) const {
    const Tensor* t = n.find(field);
    if (!t) return;
    if (t->values.size() != 1 && t->values.size() != dims)
      fail(n, field, fmt::format("expected 1 or {} values, found {}", dims, t->values.size()));
    for (double x : t->values)
      if (x != std::floor(x) || x < static_cast<double>(min) || x > 1e9)
        fail(n, field, fmt::format("expected whole numbers >= {}, found {}", min, x));
  }

  void shapes(const Node& n) const {
    const std::string& t = n.type;
    if (t == "Input" || t == "Output") {
      rank(n, "shape", 1);
      ints(n, "shape", n.find("shape")->values.size(), 1);
      if (n.find("shape")->values.empty()) fail(n, "shape", "is empty");
    } else if (t == "Affine" || t == "Linear") {
      rank(n, "weight", 2);
      if (t == "Affine") {
        rank(n, "bias", 1);
        if (n.find("bias")->shape[0] != n.find("weight")->shape[0])
          fail(n, "bias",
               fmt::format("has {} values for {} weight rows", n.find("bias")->shape[0],
                           n.find("weight")->shape[0]));
      }
    } else if (t == "Conv1d" || t == "Conv2d") {
      const size_t d = t == "Conv1d" ? 1 : 2;
      rank(n, "weight", d + 2);
      rank(n, "bias", 1);
      const auto& w = n.find("weight")->shape;
      if (n.find("bias")->shape[0] != w[0])
        fail(n, "bias", fmt::format("has {} values for {} output channels", n.find("bias")->shape[0], w[0]));
      ints(n, "stride", d, 1);
      ints(n, "dilation", d, 1);
      ints(n, "groups", 1, 1);
      if (!n.text.count("padding")) ints(n, "padding", d, 0);
      ints(n, "input_shape", d, 1);
      const int64_t groups = static_cast<int64_t>(n.find("groups")->values[0]);
      if (w[0] % groups != 0) fail(n, "groups", "must divide the output channels");
    } else if (t == "SumPool2d" || t == "AvgPool2d") {
      ints(n, "kernel_size", 2, 1);
      ints(n, "stride", 2, 1);
      ints(n, "padding", 2, 0);
    } else if (t == "Flatten") {
      for (const char* f : {"start_dim", "end_dim"})
        if (const Tensor* x = n.find(f); x && x->values.size() != 1) fail(n, f, "must be one integer");
      if (const Tensor* it = n.find("input_type")) ints(n, "input_type", it->values.size(), 1);
    } else if (t == "Delay") {
      for (double x : n.find("delay")->values)
        if (x < 0) fail(n, "delay", "delays must not be negative");
    }
  }

  const std::string& origin_;
  const std::string& path_;
};

}  // namespace

const std::vector<std::string>& node_types() {
  static const std::vector<std::string> kTypes = [] {
    std::vector<std::string> v;
    for (const auto& s : specs()) v.emplace_back(s.type);
    return v;
  }();
  return kTypes;
}

bool is_neuron_type(const std::string& type) {
  const NodeSpec* s = find_spec(type);
  return s != nullptr && s->neuron;
}

// An edge endpoint: a node of this graph, or "G.B" for node B of subgraph G.
const Node* resolve(const Graph& g, const std::string& name) {
  if (const Node* n = g.find(name)) return n;
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return nullptr;
  const Node* sub = g.find(name.substr(0, dot));
  return sub && sub->graph ? resolve(*sub->graph, name.substr(dot + 1)) : nullptr;
}

void check_graph(const Graph& g, const std::string& origin, const std::string& path) {
  Checker c(origin, path);
  bool has_input = false, has_output = false;
  for (const auto& n : g.nodes) {
    c.node(n);
    has_input |= n.type == "Input";
    has_output |= n.type == "Output";
  }
  if (!has_input) c.fail_graph("has no Input node");
  if (!has_output) c.fail_graph("has no Output node");
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& [a, b] : g.edges) {
    for (const auto* e : {&a, &b})
      if (resolve(g, *e) == nullptr)
        c.fail_graph(fmt::format("edge ({}, {}) names '{}', which is no node of this graph", a, b, *e));
    if (!seen.insert({a, b}).second) c.fail_graph(fmt::format("edge ({}, {}) appears twice", a, b));
    if (g.find(a) && g.find(a)->type == "Output")
      c.fail_graph(fmt::format("edge ({}, {}) leaves an Output node", a, b));
    if (g.find(b) && g.find(b)->type == "Input")
      c.fail_graph(fmt::format("edge ({}, {}) enters an Input node", a, b));
  }
}

}  // namespace scx::io::nir
