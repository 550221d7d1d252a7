#include "silicortex/train/nir_export.hpp"

#include <fmt/format.h>

#include "silicortex/core/error.hpp"
#include "silicortex/train/network.hpp"

namespace scx::train {
namespace {

using io::nir::Node;
using io::nir::Tensor;

[[noreturn]] void fail_layer(const LayerSpec& l, const std::string& field, const std::string& msg) {
  throw Error(fmt::format("{}.{}: NIR export: {}", l.origin.empty() ? "layer" : l.origin, field, msg));
}

std::vector<int64_t> dims(Shape s) {
  return s.flat() ? std::vector<int64_t>{s.c} : std::vector<int64_t>{s.c, s.h, s.w};
}
Tensor shape_tensor(Shape s) {
  std::vector<double> v;
  for (int64_t d : dims(s)) v.push_back(double(d));
  return Tensor::vector(std::move(v));
}
Tensor pair(int x) {
  return Tensor::vector({double(x), double(x)});
}
Tensor copy(const std::vector<float>& p, size_t off, size_t n, std::vector<int64_t> shape) {
  return Tensor(std::move(shape), std::vector<double>(p.begin() + off, p.begin() + off + n));
}
// One value per neuron of a block (NIR neuron parameters are arrays of the node's shape).
Tensor per_neuron(Shape s, double x) {
  return Tensor(dims(s), std::vector<double>(size_t(s.size()), x));
}

Node node(std::string name, std::string type, std::map<std::string, Tensor> params) {
  Node n;
  n.name = std::move(name);
  n.type = std::move(type);
  n.params = std::move(params);
  return n;
}

// The non-spiking identity v = x (LI with tau = dt, r = 1): the trainer's "none" neurons and the read-out.
Node identity(std::string name, Shape s, double dt) {
  return node(std::move(name), "LI",
              {{"tau", per_neuron(s, dt)}, {"r", per_neuron(s, 1.0)}, {"v_leak", per_neuron(s, 0.0)}});
}

bool bias_in_v_leak(const Block& b) {
  const NeuronSpec& n = b.spec.neuron;
  const bool filtered = n.model == NeuronModel::Cuba && n.du < 1.0f;  // an input bias would pass through u
  const bool linear_node = b.spec.kind == LayerKind::Dense || b.spec.kind == LayerKind::Conv ||
                           b.spec.kind == LayerKind::Recurrent;
  return filtered || !linear_node;
}

// The neuron node of block b; bias (one per neuron) goes to v_leak when `leak_bias`.
Node neuron_node(const Block& b, const std::string& base, const std::vector<double>& bias, bool leak_bias,
                 double dt) {
  const NeuronSpec& n = b.spec.neuron;
  const Shape s = b.out;
  if (n.model == NeuronModel::None) {
    if (leak_bias)
      fail_layer(b.spec, "neuron", "a bias after a pool has no NIR form for a non-spiking layer");
    return identity(base + "_li", s, dt);
  }
  const bool cuba = n.model == NeuronModel::Cuba && n.du < 1.0f;
  if (cuba && n.du == 0.0f) fail_layer(b.spec, "du", "du = 0 (a current that never decays) has no NIR node");
  if (cuba && n.dv == 0.0f)
    fail_layer(b.spec, "dv", "a cuba neuron with dv = 0 has no NIR node (CubaLIF needs a finite tau_mem)");
  std::map<std::string, Tensor> p{{"v_threshold", per_neuron(s, n.vth)}, {"v_reset", per_neuron(s, 0.0)}};
  if (n.dv == 0.0f) {
    if (leak_bias)
      fail_layer(b.spec, "neuron", "a bias after a pool has no NIR form for dv = 0 (IF has no v_leak)");
    p.emplace("r", per_neuron(s, 1.0 / dt));
    return node(base + "_if", "IF", std::move(p));
  }
  Tensor v_leak = per_neuron(s, 0.0);
  if (leak_bias)
    for (size_t j = 0; j < v_leak.values.size(); ++j) v_leak.values[j] = bias[j] / n.dv;
  p.emplace("v_leak", std::move(v_leak));
  p.emplace("r", per_neuron(s, 1.0 / n.dv));
  if (!cuba) {
    p.emplace("tau", per_neuron(s, dt / n.dv));
    return node(base + "_lif", "LIF", std::move(p));
  }
  p.emplace("tau_mem", per_neuron(s, dt / n.dv));
  p.emplace("tau_syn", per_neuron(s, dt / n.du));
  p.emplace("w_in", per_neuron(s, 1.0 / n.du));
  return node(base + "_cubalif", "CubaLIF", std::move(p));
}

}  // namespace

io::nir::Document trained_to_nir(const TrainConfig& cfg, const std::vector<float>& params,
                                 std::vector<std::string>& warnings, double dt) {
  const SnnNetwork net(cfg.layers, cfg.input, cfg.classes);
  if (params.size() != net.param_count())
    throw Error(fmt::format("{}: params: {} values, but the network of its configuration has {}", cfg.source,
                            params.size(), net.param_count()));
  io::nir::Document doc;
  doc.source = cfg.source;
  doc.version = "1.0.7";
  auto& g = doc.graph;
  g.nodes.push_back(node("input", "Input", {{"shape", shape_tensor(cfg.input)}}));
  std::string prev = "input";
  bool trailing_linear = false, warned_leak = false;
  for (size_t i = 0; i < net.blocks().size(); ++i) {
    const Block& b = net.blocks()[i];
    const LayerSpec& l = b.spec;
    const std::string base = fmt::format("layer{}", i);
    // One bias per neuron (a convolution shares one per channel).
    std::vector<double> bias(size_t(b.out.size()), 0.0);
    bool has_bias = false;
    if (l.has_neuron)
      for (size_t j = 0; j < bias.size(); ++j) {
        bias[j] = params[b.b_off + j / size_t(b.bias_group)];
        has_bias |= bias[j] != 0.0;
      }
    const bool leak_bias = l.has_neuron && has_bias && bias_in_v_leak(b);
    Node syn;
    switch (l.kind) {
      case LayerKind::Dense:
      case LayerKind::Recurrent:
        syn = node(base + (l.kind == LayerKind::Dense ? "_dense" : "_in"), "Linear",
                   {{"weight", copy(params, b.w_off, b.w_size, {l.out, b.in.size()})}});
        if (l.has_neuron && !leak_bias) {
          syn.type = "Affine";
          syn.params.emplace("bias", Tensor({l.out}, bias));
        }
        break;
      case LayerKind::Conv: {
        std::vector<double> channel_bias(size_t(l.out), 0.0);
        if (l.has_neuron && !leak_bias)
          for (int c = 0; c < l.out; ++c) channel_bias[size_t(c)] = bias[size_t(c) * size_t(b.bias_group)];
        syn =
            node(base + "_conv", "Conv2d",
                 {{"weight", copy(params, b.w_off, b.w_size, {l.out, b.in.c / l.groups, l.kernel, l.kernel})},
                  {"bias", Tensor({l.out}, std::move(channel_bias))},
                  {"stride", pair(l.stride)},
                  {"padding", pair(l.padding)},
                  {"dilation", pair(1)},
                  {"groups", Tensor::vector({double(l.groups)})},
                  {"input_shape", Tensor::vector({double(b.in.h), double(b.in.w)})}});
        break;
      }
      case LayerKind::SumPool:
      case LayerKind::AvgPool:
        syn = node(base + (l.kind == LayerKind::SumPool ? "_sumpool" : "_avgpool"),
                   l.kind == LayerKind::SumPool ? "SumPool2d" : "AvgPool2d",
                   {{"kernel_size", pair(l.kernel)}, {"stride", pair(l.kernel)}, {"padding", pair(0)}});
        break;
      case LayerKind::Flatten:
        syn = node(base + "_flatten", "Flatten",
                   {{"start_dim", Tensor::vector({0.0})}, {"end_dim", Tensor::vector({-1.0})}});
        break;
    }
    g.edges.emplace_back(prev, syn.name);
    prev = syn.name;
    g.nodes.push_back(std::move(syn));
    trailing_linear = !l.has_neuron;
    if (!l.has_neuron) continue;
    g.nodes.push_back(neuron_node(b, base, bias, leak_bias, dt));
    const std::string neuron = g.nodes.back().name;
    g.edges.emplace_back(prev, neuron);
    prev = neuron;
    if (leak_bias && !warned_leak) {
      warned_leak = true;
      warnings.push_back(fmt::format(
          "{}: the bias is NIR's v_leak (bias/dv): readers that start v at v_leak rather than 0 (Norse, "
          "Silicortex) differ from the trainer in the first steps",
          l.origin));
    }
    if (l.kind == LayerKind::Recurrent) {
      g.nodes.push_back(
          node(base + "_rec", "Linear", {{"weight", copy(params, b.r_off, b.r_size, {l.out, l.out})}}));
      g.edges.emplace_back(neuron, base + "_rec");
      g.edges.emplace_back(base + "_rec", neuron);
    }
  }
  // Trailing pools: the class scores per step, carried by an identity read-out node.
  const Shape out = net.output_shape();
  if (trailing_linear) {
    g.nodes.push_back(identity("readout", out, dt));
    g.edges.emplace_back(prev, "readout");
    prev = "readout";
  }
  g.nodes.push_back(node("output", "Output", {{"shape", shape_tensor(out)}}));
  g.edges.emplace_back(prev, "output");
  io::nir::check_graph(g, doc.source);
  return doc;
}

}  // namespace scx::train
