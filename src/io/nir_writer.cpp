// Writing NIR: the layout of nir.write (docs/nir.md) and the export of model::Network into NIR nodes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "io/h5_file.hpp"
#include "io/nir_detail.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/nir_model.hpp"
#include "silicortex/sim/connectivity.hpp"

namespace scx::io::nir {
namespace {

constexpr char kWrittenVersion[] = "1.0.7";  // the on-disk layout of nir 1.0.x, which this writer follows

// Parameters that nir stores as integers (shapes, strides, ...); everything else is floating point.
bool integer_key(const std::string& key) {
  static const std::set<std::string> kInts = {"shape",       "stride",      "padding",   "dilation",
                                              "groups",      "kernel_size", "start_dim", "end_dim",
                                              "input_shape", "input_type"};
  return kInts.count(key) > 0;
}

void write_graph(const H5Writer& w, const H5Group& g, const Graph& graph);

void write_node(const H5Writer& w, const H5Group& g, const Node& n) {
  w.string_dataset(g, "type", n.type);
  if (n.graph) {
    write_graph(w, g, *n.graph);
    return;
  }
  // Files from nir 0.x lack v_reset (and may lack w_in): the current layout requires them; fill the defaults
  // the reference reader would use.
  std::map<std::string, Tensor> params = n.params;
  auto fill_default = [&](const char* key, const char* like, double value) {
    if (params.count(key) || !params.count(like)) return;
    Tensor t = params.at(like);
    std::fill(t.values.begin(), t.values.end(), value);
    params.emplace(key, std::move(t));
  };
  if (n.type == "IF" || n.type == "LIF" || n.type == "CubaLIF") fill_default("v_reset", "v_threshold", 0.0);
  if (n.type == "CubaLI" || n.type == "CubaLIF") fill_default("w_in", "tau_mem", 1.0);
  for (const auto& [key, t] : params) {
    std::vector<hsize_t> dims(t.shape.begin(), t.shape.end());
    if (integer_key(key)) {
      std::vector<int64_t> v(t.values.begin(), t.values.end());
      w.nd_dataset(g, key, v.data(), H5T_NATIVE_INT64, H5T_STD_I64LE, dims, !dims.empty());
    } else {
      w.nd_dataset(g, key, t.values.data(), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, dims, !dims.empty());
    }
  }
  for (const auto& [key, text] : n.text) w.string_dataset(g, key, text);
}

void write_graph(const H5Writer& w, const H5Group& g, const Graph& graph) {
  std::vector<std::string> flat;
  for (const auto& [a, b] : graph.edges) {
    flat.push_back(a);
    flat.push_back(b);
  }
  w.strings_dataset(g, "edges", flat, {graph.edges.size(), 2});
  const H5Group nodes = w.group(g, "nodes");
  for (const auto& n : graph.nodes) write_node(w, w.group(nodes, n.name), n);
}

Tensor filled(uint32_t n, const std::vector<double>& v, double fallback) {
  std::vector<double> out(n);
  for (uint32_t i = 0; i < n; ++i) out[i] = v.empty() ? fallback : v[v.size() == 1 ? 0 : i];
  return Tensor::vector(std::move(out));
}

// A neuron node for a population, or nullptr-equivalent (empty type) when the model has no NIR form. `bias`
// receives the constant input the node's incoming Affine must carry.
Node neuron_node(const model::Population& pop, double dt_s, std::vector<double>& bias,
                 std::vector<std::string>& warnings) {
  Node n;
  n.name = pop.name;
  const uint32_t size = pop.size;
  if (const auto* m = std::get_if<model::NirNeuron>(&pop.params)) {
    using K = model::NirNeuron::Kind;
    static const char* kTypes[] = {"I", "IF", "LI", "LIF", "CubaLI", "CubaLIF", "Threshold"};
    n.type = kTypes[static_cast<int>(m->kind)];
    const bool cuba = m->kind == K::CubaLI || m->kind == K::CubaLIF;
    const bool leaky = cuba || m->kind == K::LI || m->kind == K::LIF;
    const bool spiking = m->kind == K::IF || m->kind == K::LIF || m->kind == K::CubaLIF;
    if (m->kind == K::Threshold) {
      n.params["threshold"] = filled(size, m->v_threshold, 0);
    } else {
      n.params["r"] = filled(size, m->r, 1);
      if (leaky) {
        n.params[cuba ? "tau_mem" : "tau"] = filled(size, m->tau_s, 1);
        n.params["v_leak"] = filled(size, m->v_leak, 0);
      }
      if (cuba) {
        n.params["tau_syn"] = filled(size, m->tau_syn_s, 1);
        n.params["w_in"] = filled(size, m->w_in, 1);
      }
      if (spiking) {
        n.params["v_threshold"] = filled(size, m->v_threshold, 0);
        n.params["v_reset"] = filled(size, m->v_reset, 0);
      }
    }
    if (m->reset == model::NirNeuron::Reset::Subtract)
      warnings.push_back("population '" + pop.name +
                         "' resets by subtraction, which NIR cannot say (see docs/nir.md)");
    bias = filled(size, m->bias, 0).values;
    return n;
  }
  if (const auto* m = std::get_if<model::LifCurrExp>(&pop.params)) {
    // C dv/dt = -(v - E_L) C/tau_m + I  ==  tau_m dv/dt = (E_L - v) + R I with R = tau_m / C (mV per pA).
    // NEST's synaptic current jumps by w per spike; with unit spikes that is w_in = tau_syn / dt (snnTorch's
    // rule).
    n.type = "CubaLIF";
    if (m->tau_syn_inh_ms != m->tau_syn_exc_ms)
      warnings.push_back("population '" + pop.name +
                         "': tau_syn_inh_ms differs from tau_syn_exc_ms; NIR's CubaLIF "
                         "has one synaptic time constant, tau_syn_exc_ms is used");
    if (m->t_ref_ms > 0)
      warnings.push_back("population '" + pop.name +
                         "': the refractory period has no NIR parameter and is dropped");
    const double w_in = m->tau_syn_exc_ms * 1e-3 / dt_s;
    n.params["tau_mem"] = filled(size, {m->tau_m_ms * 1e-3}, 0);
    n.params["tau_syn"] = filled(size, {m->tau_syn_exc_ms * 1e-3}, 0);
    n.params["r"] = filled(size, {m->tau_m_ms / m->c_m_pf}, 0);
    n.params["v_leak"] = filled(size, {m->e_l_mv}, 0);
    n.params["v_threshold"] = filled(size, {m->v_th_mv}, 0);
    n.params["v_reset"] = filled(size, {m->v_reset_mv}, 0);
    n.params["w_in"] = filled(size, {w_in}, 0);
    bias.assign(size, m->i_e_pa / w_in);  // steady synaptic current w_in * bias = i_e
    return n;
  }
  throw Error("population '" + pop.name + "': model " + model::model_name(pop.params) +
              " has no NIR equivalent (NIR has I, IF, LI, LIF, CubaLI, CubaLIF and Threshold neurons)");
}

}  // namespace

void write_nir(const std::filesystem::path& path, const Document& doc) {
  check_graph(doc.graph, path.string());
  write_nir_unchecked(path, doc);
}

void write_nir_unchecked(const std::filesystem::path& path, const Document& doc) {
  AtomicOutput out(path);
  {
    H5Writer w(out.temp_path(), path.string());
    const H5Group root = w.root();
    w.string_dataset(root, "version", doc.version.empty() ? kWrittenVersion : doc.version);
    const H5Group node = w.group(root, "node");
    w.string_dataset(node, "type", "NIRGraph");
    write_graph(w, node, doc.graph);
    w.close();
  }
  out.commit();
}

Document from_network(const model::Network& net, std::vector<std::string>& warnings) {
  model::validate(net);
  Document doc;
  doc.version = kWrittenVersion;
  Graph& g = doc.graph;
  const double dt_s = net.sim.dt_ms * 1e-3;
  std::map<std::string, std::vector<double>> biases;
  for (const auto& pop : net.populations) {
    if (model::is_source(pop.params)) {
      Node in{pop.name, "Input", {}, {}, nullptr};
      in.params["shape"] = Tensor::vector({static_cast<double>(pop.size)});
      g.nodes.push_back(std::move(in));
      continue;
    }
    g.nodes.push_back(neuron_node(pop, dt_s, biases[pop.name], warnings));
  }
  // One Linear (or Affine, for the first projection into a population with a bias) per projection: the
  // synapses as drawn by the engine for this seed, summed into a dense (post, pre) matrix.
  std::set<std::string> biased;
  bool delays_dropped = false;
  for (uint32_t p = 0; p < net.projections.size(); ++p) {
    const auto& proj = net.projections[p];
    const uint32_t pre = net.find_population(proj.pre)->size, post = net.find_population(proj.post)->size;
    if (static_cast<double>(pre) * post > 5e7)
      throw Error("projection '" + proj.name + "': a dense " + std::to_string(post) + " x " +
                  std::to_string(pre) + " weight matrix is too large to export");
    const sim::SynapseList syn = sim::build_synapses(proj, pre, post, net.sim.dt_ms, net.sim.seed, p);
    std::vector<double> w(static_cast<size_t>(pre) * post, 0.0);
    const double sign = proj.receptor == model::Receptor::Inhibitory ? -1.0 : 1.0;
    for (size_t k = 0; k < syn.size(); ++k) {
      w[static_cast<size_t>(syn.post[k]) * pre + syn.pre[k]] += sign * syn.weight[k];
      delays_dropped |= syn.delay_steps[k] != syn.delay_steps[0];
    }
    std::string name = proj.name;  // "pre->post" by default; HDF5 names cannot hold '/'
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"->", "_to_"}, {"/", "_"}})
      for (size_t at; (at = name.find(from)) != std::string::npos;) name.replace(at, from.size(), to);
    Node lin{name, "Linear", {}, {}, nullptr};
    lin.params["weight"] = Tensor({post, pre}, std::move(w));
    auto b = biases.find(proj.post);
    if (b != biases.end() && biased.insert(proj.post).second &&
        std::any_of(b->second.begin(), b->second.end(), [](double x) { return x != 0; })) {
      lin.type = "Affine";
      lin.params["bias"] = Tensor::vector(b->second);
    }
    g.edges.emplace_back(proj.pre, name);
    g.edges.emplace_back(name, proj.post);
    g.nodes.push_back(std::move(lin));
  }
  for (const auto& [pop, b] : biases)
    if (!biased.count(pop) && std::any_of(b.begin(), b.end(), [](double x) { return x != 0; }))
      warnings.push_back("population '" + pop +
                         "' has a constant input but no incoming projection to carry it");
  if (delays_dropped)
    warnings.push_back("synaptic delays differ within a projection; NIR edges carry no delay");
  if (std::none_of(net.populations.begin(), net.populations.end(),
                   [](const model::Population& p) { return model::is_source(p.params); })) {
    Node in{"input", "Input", {}, {}, nullptr};
    in.params["shape"] = Tensor::vector({1});
    g.nodes.push_back(std::move(in));
    warnings.push_back(
        "the network has no spike source; an unconnected Input node 'input' was added (NIR graphs need one)");
  }
  for (const auto& pop : net.populations)
    if (!pop.initial.empty())
      warnings.push_back("population '" + pop.name +
                         "': initial values have no NIR parameter and are dropped");
  // Outputs: the recorded populations, else every population.
  std::set<std::string> outs;
  for (const auto& pr : net.probes) outs.insert(pr.population);
  if (outs.empty())
    for (const auto& pop : net.populations) outs.insert(pop.name);
  for (const auto& name : outs) {
    Node o{name + "_out", "Output", {}, {}, nullptr};
    o.params["shape"] = Tensor::vector({static_cast<double>(net.find_population(name)->size)});
    g.edges.emplace_back(name, o.name);
    g.nodes.push_back(std::move(o));
  }
  std::sort(g.nodes.begin(), g.nodes.end(), [](const Node& a, const Node& b) { return a.name < b.name; });
  return doc;
}

}  // namespace scx::io::nir
