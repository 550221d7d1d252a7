// NIR graph -> model::Network. Subgraphs are flattened; every neuron node becomes a NirNeuron population; the
// linear nodes between two populations compose into one FromList projection (exact: they are linear), with
// Affine/Conv biases summed into a constant input of the target. Delays align the engine's one-step synapses
// with NIR's zero-latency edges (docs/nir.md, "Timing").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "io/nir_detail.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/nir_model.hpp"

namespace scx::io::nir {
namespace {

constexpr int64_t kMaxNeurons = int64_t{1} << 22;

enum class Role { Source, Sink, Neuron, Linear };

struct FlatNode {
  std::string name;  // qualified: "rnn.lif"
  const Node* node;
  Role role;
  std::vector<uint32_t> preds;  // in edge order
};

// The linear combination of source populations that a node outputs: per source, a map from its neurons.
struct Expr {
  std::vector<std::pair<uint32_t, Rows>> terms;  // (flat index of a Source or Neuron node, rows)
  std::vector<double> bias;                      // constant part; empty = zero
};

class Converter {
 public:
  Converter(const Document& doc, const Options& opt) : opt_(opt), origin_(doc.source) {
    flatten(doc.graph, "", true);
    for (const auto& [a, b] : edges_) nodes_[b].preds.push_back(a);
  }

  Converted run() {
    Converted out;
    out.warnings = warnings_;
    shapes_.resize(nodes_.size());
    shape_state_.assign(nodes_.size(), 0);
    exprs_.resize(nodes_.size());
    expr_state_.assign(nodes_.size(), 0);
    std::vector<uint32_t> pops;  // flat index per population
    std::vector<int> pop_of(nodes_.size(), -1);
    for (uint32_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].role == Role::Source || nodes_[i].role == Role::Neuron) {
        pop_of[i] = static_cast<int>(pops.size());
        pops.push_back(i);
      }
    // Inputs of every neuron population, as expressions over populations.
    std::vector<Expr> inputs(nodes_.size());
    for (uint32_t i : pops)
      if (nodes_[i].role == Role::Neuron && !nodes_[i].preds.empty()) {
        inputs[i] = input_expr(i);
        const auto n = static_cast<size_t>(element_count(out_shape(i)));
        if (in_count(i) != n)
          fail(i, "", fmt::format("has {} neurons but its input carries {} values", n, in_count(i)));
      }
    // Population graph, back edges and depths.
    const size_t np = pops.size();
    std::vector<std::vector<uint32_t>> succ(np);
    for (uint32_t i : pops)
      for (const auto& [src, rows] : inputs[i].terms)
        succ[pop_of[src]].push_back(static_cast<uint32_t>(pop_of[i]));
    std::vector<std::vector<bool>> back(np);
    std::vector<uint32_t> depth = depths(succ, back);

    model::Network& net = out.net;
    net.name = "nir";
    net.sim.dt_ms = opt_.dt_s * 1e3;
    for (size_t p = 0; p < np; ++p) {
      const FlatNode& fn = nodes_[pops[p]];
      const uint32_t size = static_cast<uint32_t>(element_count(out_shape(pops[p])));
      if (fn.role == Role::Source) {
        net.add_population(fn.name, size, model::SpikeTimesSource{std::vector<std::vector<double>>(size)});
        out.inputs.push_back({fn.node->name, fn.name, out_shape(pops[p]), size, "spikes"});
      } else {
        model::NirNeuron m = neuron_params(*fn.node);
        m.bias = inputs[pops[p]].bias;
        m.hold_steps = depth[p];
        net.add_population(fn.name, size, std::move(m));
      }
    }
    const double weight_scale = opt_.spikes == Options::Spikes::Dirac ? 1.0 / opt_.dt_s : 1.0;
    for (uint32_t i : pops)
      for (const auto& [src, rows] : inputs[i].terms) {
        const uint32_t ps = static_cast<uint32_t>(pop_of[src]), pt = static_cast<uint32_t>(pop_of[i]);
        const size_t k =
            static_cast<size_t>(std::find(succ[ps].begin(), succ[ps].end(), pt) - succ[ps].begin());
        int64_t base = static_cast<int64_t>(depth[pt]) - depth[ps];
        if (back[ps][k]) {
          base += 1;  // the previous step's output, as NIRTorch does on cycles
          if (base < 1)
            out.warnings.push_back(
                fmt::format("recurrent edge {} -> {} spans several layers: it arrives {} step(s) "
                            "later than in NIRTorch",
                            nodes_[src].name, nodes_[i].name, 1 - base));
        }
        base = std::max<int64_t>(base, 1);
        const bool graded = nodes_[src].role == Role::Neuron && !spiking(nodes_[src].node->type);
        model::FromList conn;
        std::vector<double> w, d;
        for (uint32_t o = 0; o < rows.size(); ++o)
          for (const Entry& e : rows[o]) {
            conn.pre.push_back(e.in);
            conn.post.push_back(o);
            w.push_back(graded ? e.w : e.w * weight_scale);  // a graded value is no spike
            d.push_back(static_cast<double>(base + e.delay) * net.sim.dt_ms);
          }
        if (conn.pre.empty()) continue;
        auto& proj = net.connect(nodes_[src].name, nodes_[i].name, std::move(conn),
                                 model::ValueArray{std::move(w)}, model::ValueArray{std::move(d)});
        proj.name = nodes_[src].name + "->" + nodes_[i].name;
      }
    for (uint32_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].role == Role::Sink) out.outputs.push_back(output_port(i));
    out.depth = std::move(depth);
    return out;
  }

 private:
  [[noreturn]] void fail(uint32_t i, const std::string& field, const std::string& what) const {
    const FlatNode& n = nodes_[i];
    throw_error_at(origin_, 0, 0,
                   fmt::format("node '{}' ({}){}{}", n.name, n.node->type, field.empty() ? "" : ".", field),
                   what);
  }

  static bool spiking(const std::string& type) {
    return type == "IF" || type == "LIF" || type == "CubaLIF" || type == "Threshold";
  }

  // Endpoint of an edge: a node of g, a whole subgraph (its only Output as a source, its only Input as a
  // target), or "G.B".
  std::string endpoint(const Graph& g, const std::string& prefix, const std::string& name, bool as_source) {
    const Node* n = g.find(name);
    if (n == nullptr) {
      const size_t dot = name.find('.');
      const Node* sub = dot == std::string::npos ? nullptr : g.find(name.substr(0, dot));
      if (sub == nullptr || !sub->graph)
        throw_error_at(origin_, 0, 0, "edge", "'" + prefix + name + "' is no node");
      return endpoint(*sub->graph, prefix + sub->name + ".", name.substr(dot + 1), as_source);
    }
    if (!n->graph) return prefix + name;
    const char* port = as_source ? "Output" : "Input";
    const Node* found = nullptr;
    for (const auto& inner : n->graph->nodes)
      if (inner.type == port) {
        if (found)
          throw_error_at(
              origin_, 0, 0, "edge",
              fmt::format("subgraph '{}{}' has several {} nodes: an edge must name one as '{}.<node>'",
                          prefix, name, port, name));
        found = &inner;
      }
    return prefix + name + "." + found->name;  // check_graph guarantees one exists
  }

  void flatten(const Graph& g, const std::string& prefix, bool top) {
    for (const auto& n : g.nodes) {
      if (n.graph) {
        flatten(*n.graph, prefix + n.name + ".", false);
        continue;
      }
      Role role = Role::Linear;
      if (top && n.type == "Input")
        role = Role::Source;
      else if (top && n.type == "Output")
        role = Role::Sink;
      else if (is_neuron_type(n.type))
        role = Role::Neuron;
      index_[prefix + n.name] = static_cast<uint32_t>(nodes_.size());
      nodes_.push_back({prefix + n.name, &n, role, {}});
    }
    for (const auto& [a, b] : g.edges) {
      const std::string from = endpoint(g, prefix, a, true), to = endpoint(g, prefix, b, false);
      edges_.emplace_back(index_.at(from), index_.at(to));
    }
  }

  std::vector<int64_t> param_shape(const Node& n, const char* key) const {
    std::vector<int64_t> s;
    for (double x : n.find(key)->values) s.push_back(static_cast<int64_t>(x));
    return s;
  }

  const std::vector<int64_t>& out_shape(uint32_t i) {
    if (shape_state_[i] == 2) return shapes_[i];
    if (shape_state_[i] == 1)
      fail(i, "", "its shape depends on itself through a cycle of nodes without a fixed shape");
    shape_state_[i] = 1;
    const FlatNode& fn = nodes_[i];
    std::vector<int64_t> s;
    if (fn.role == Role::Source) {
      s = param_shape(*fn.node, "shape");
    } else if (fn.role == Role::Neuron) {
      for (const auto& [key, t] : fn.node->params)
        if (t.values.size() > 1) s = t.shape;
      if (s.empty()) s = in_shape(i);  // scalar parameters: as many neurons as the input has values
    } else if (fn.role == Role::Linear) {
      s = linear_shape(*fn.node, fn.name, in_shape(i), origin_);
    } else {
      s = in_shape(i);
      const auto declared = param_shape(*fn.node, "shape");
      if (element_count(declared) != element_count(s))
        fail(i, "shape",
             fmt::format("declares {} values but receives {}", element_count(declared), element_count(s)));
    }
    if (element_count(s) > kMaxNeurons)
      fail(
          i, "",
          fmt::format("has {} elements, more than the {} supported per node", element_count(s), kMaxNeurons));
    shapes_[i] = std::move(s);
    shape_state_[i] = 2;
    return shapes_[i];
  }

  std::vector<int64_t> in_shape(uint32_t i) {
    const auto& preds = nodes_[i].preds;
    if (preds.empty()) fail(i, "", "receives no edge");
    std::vector<int64_t> first = out_shape(preds[0]);
    for (size_t k = 1; k < preds.size(); ++k)
      if (element_count(out_shape(preds[k])) != element_count(first))
        fail(i, "",
             fmt::format("its inputs '{}' ({} values) and '{}' ({} values) differ in size",
                         nodes_[preds[0]].name, element_count(first), nodes_[preds[k]].name,
                         element_count(out_shape(preds[k]))));
    return first;
  }
  size_t in_count(uint32_t i) { return static_cast<size_t>(element_count(in_shape(i))); }

  // Sum of the predecessors' outputs: several edges into one node add up.
  Expr input_expr(uint32_t i) {
    Expr sum;
    for (uint32_t p : nodes_[i].preds) {
      const Expr& e = expr(p);
      for (const auto& [src, rows] : e.terms) {
        auto it =
            std::find_if(sum.terms.begin(), sum.terms.end(), [&](const auto& t) { return t.first == src; });
        if (it == sum.terms.end()) {
          sum.terms.emplace_back(src, rows);
        } else {
          for (size_t o = 0; o < rows.size(); ++o)
            it->second[o].insert(it->second[o].end(), rows[o].begin(), rows[o].end());
          merge_rows(it->second);
        }
      }
      if (!e.bias.empty()) {
        sum.bias.resize(e.bias.size(), 0.0);
        for (size_t o = 0; o < e.bias.size(); ++o) sum.bias[o] += e.bias[o];
      }
    }
    return sum;
  }

  const Expr& expr(uint32_t i) {
    if (expr_state_[i] == 2) return exprs_[i];
    const FlatNode& fn = nodes_[i];
    if (fn.role == Role::Source || fn.role == Role::Neuron) {
      exprs_[i].terms.emplace_back(i, identity_rows(static_cast<uint32_t>(element_count(out_shape(i)))));
    } else {
      if (expr_state_[i] == 1)
        fail(i, "", "lies on a cycle of linear nodes without a neuron node (no state to break it)");
      expr_state_[i] = 1;
      Expr in = input_expr(i);
      std::vector<int64_t> shape;
      std::vector<double> own_bias;
      const Rows map = linear_map(*fn.node, fn.name, in_shape(i), shape, own_bias, opt_.dt_s, origin_);
      Expr e;
      for (auto& [src, rows] : in.terms) e.terms.emplace_back(src, compose(map, rows));
      if (!in.bias.empty() || !own_bias.empty()) {
        e.bias = own_bias.empty() ? std::vector<double>(map.size(), 0.0) : own_bias;
        if (!in.bias.empty())
          for (size_t o = 0; o < map.size(); ++o)
            for (const Entry& en : map[o]) e.bias[o] += en.w * in.bias[en.in];
      }
      exprs_[i] = std::move(e);
    }
    expr_state_[i] = 2;
    return exprs_[i];
  }

  // Back edges by depth-first search from the inputs (following edges in file order), then the longest path
  // over the remaining edges: a population's depth is how many neuron layers lie before it.
  static std::vector<uint32_t> depths(const std::vector<std::vector<uint32_t>>& succ,
                                      std::vector<std::vector<bool>>& back) {
    const size_t n = succ.size();
    for (size_t p = 0; p < n; ++p) back[p].assign(succ[p].size(), false);
    std::vector<int> state(n, 0);
    std::vector<std::pair<uint32_t, size_t>> stack;
    for (uint32_t root = 0; root < n; ++root) {
      if (state[root]) continue;
      stack.push_back({root, 0});
      state[root] = 1;
      while (!stack.empty()) {
        auto& [p, k] = stack.back();
        if (k == succ[p].size()) {
          state[p] = 2;
          stack.pop_back();
          continue;
        }
        const uint32_t q = succ[p][k];
        if (state[q] == 1) back[p][k] = true;
        ++k;
        if (state[q] == 0) {
          state[q] = 1;
          stack.push_back({q, 0});
        }
      }
    }
    std::vector<uint32_t> indeg(n, 0), depth(n, 0), queue;
    for (size_t p = 0; p < n; ++p)
      for (size_t k = 0; k < succ[p].size(); ++k)
        if (!back[p][k]) ++indeg[succ[p][k]];
    for (uint32_t p = 0; p < n; ++p)
      if (indeg[p] == 0) queue.push_back(p);
    for (size_t h = 0; h < queue.size(); ++h) {
      const uint32_t p = queue[h];
      for (size_t k = 0; k < succ[p].size(); ++k) {
        if (back[p][k]) continue;
        const uint32_t q = succ[p][k];
        depth[q] = std::max(depth[q], depth[p] + 1);
        if (--indeg[q] == 0) queue.push_back(q);
      }
    }
    return depth;
  }

  model::NirNeuron neuron_params(const Node& n) const {
    using K = model::NirNeuron::Kind;
    static const std::map<std::string, K> kinds = {{"I", K::I},
                                                   {"IF", K::IF},
                                                   {"LI", K::LI},
                                                   {"LIF", K::LIF},
                                                   {"CubaLI", K::CubaLI},
                                                   {"CubaLIF", K::CubaLIF},
                                                   {"Threshold", K::Threshold}};
    model::NirNeuron m;
    m.kind = kinds.at(n.type);
    m.reset = opt_.reset;
    auto get = [&](const char* key) { return n.find(key) ? n.find(key)->values : std::vector<double>{}; };
    m.tau_s = n.find("tau") ? get("tau") : get("tau_mem");
    m.tau_syn_s = get("tau_syn");
    m.r = get("r");
    m.v_leak = get("v_leak");
    m.v_threshold = m.kind == K::Threshold ? get("threshold") : get("v_threshold");
    m.v_reset = get("v_reset");  // absent in files before nir 1.0: zero, as the reference reader does
    m.w_in = get("w_in");
    return m;
  }

  Port output_port(uint32_t i) {
    const Expr e = input_expr(i);
    const FlatNode& fn = nodes_[i];
    bool identity = e.terms.size() == 1 && e.bias.empty();
    if (identity) {
      const Rows& rows = e.terms[0].second;
      for (uint32_t o = 0; o < rows.size() && identity; ++o)
        identity = rows[o].size() == 1 && rows[o][0].in == o && rows[o][0].w == 1.0 && rows[o][0].delay == 0;
    }
    if (!identity) fail(i, "", "must be fed directly by one neuron or Input node to be recorded");
    const FlatNode& src = nodes_[e.terms[0].first];
    const bool spikes = src.role == Role::Source || spiking(src.node->type);
    return Port{fn.node->name, src.name, out_shape(i), static_cast<uint32_t>(element_count(out_shape(i))),
                spikes ? "spikes" : "v"};
  }

  const Options& opt_;
  std::string origin_;
  std::vector<FlatNode> nodes_;
  std::vector<std::pair<uint32_t, uint32_t>> edges_;
  std::map<std::string, uint32_t> index_;
  std::vector<std::string> warnings_;
  std::vector<std::vector<int64_t>> shapes_;
  std::vector<int> shape_state_;
  std::vector<Expr> exprs_;
  std::vector<int> expr_state_;
};

}  // namespace

Converted to_network(const Document& doc, const Options& options) {
  if (!(options.dt_s > 0) || !std::isfinite(options.dt_s))
    throw Error("--dt: must be a positive number of seconds");
  Converted c = Converter(doc, options).run();
  model::validate(c.net);
  return c;
}

}  // namespace scx::io::nir
