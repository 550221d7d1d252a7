#include "silicortex/train/network.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "train/ops.hpp"

namespace scx::train {
namespace {

[[noreturn]] void bad_layer(const LayerSpec& l, const std::string& field, const std::string& msg) {
  throw Error(fmt::format("{}.{}: {}", l.origin.empty() ? "layer" : l.origin, field, msg));
}

std::string shape_str(Shape s) {
  return s.flat() ? std::to_string(s.c) : fmt::format("{}x{}x{}", s.c, s.h, s.w);
}

Shape layer_output_shape(const LayerSpec& l, Shape in) {
  switch (l.kind) {
    case LayerKind::Dense:
    case LayerKind::Recurrent:
      if (!in.flat())
        bad_layer(
            l, "type",
            fmt::format("needs a flat input but gets {}; add a flatten layer before it", shape_str(in)));
      if (l.out < 1) bad_layer(l, "out", fmt::format("{} outputs; must be at least 1", l.out));
      return {l.out, 1, 1};
    case LayerKind::Conv: {
      if (l.out < 1) bad_layer(l, "out", fmt::format("{} output channels; must be at least 1", l.out));
      if (l.kernel < 1) bad_layer(l, "kernel", fmt::format("{}; must be at least 1", l.kernel));
      if (l.stride < 1) bad_layer(l, "stride", fmt::format("{}; must be at least 1", l.stride));
      if (l.padding < 0) bad_layer(l, "padding", fmt::format("{}; must not be negative", l.padding));
      if (l.groups < 1 || in.c % l.groups || l.out % l.groups)
        bad_layer(l, "groups",
                  fmt::format("{} groups do not divide both the {} input and the {} output channels",
                              l.groups, in.c, l.out));
      if (in.h + 2 * l.padding < l.kernel || in.w + 2 * l.padding < l.kernel)
        bad_layer(l, "kernel",
                  fmt::format("{0}x{0} is larger than the padded {1} input", l.kernel, shape_str(in)));
      return {l.out, (in.h + 2 * l.padding - l.kernel) / l.stride + 1,
              (in.w + 2 * l.padding - l.kernel) / l.stride + 1};
    }
    case LayerKind::SumPool:
    case LayerKind::AvgPool:
      if (l.kernel < 1) bad_layer(l, "kernel", fmt::format("{}; must be at least 1", l.kernel));
      if (in.h < l.kernel || in.w < l.kernel)
        bad_layer(l, "kernel",
                  fmt::format("{0}x{0} pooling does not fit the {1} input", l.kernel, shape_str(in)));
      return {in.c, in.h / l.kernel, in.w / l.kernel};
    case LayerKind::Flatten:
      return {in.size(), 1, 1};
  }
  SCX_ASSERT(false);
  return {};
}

// Fast sigmoid (SuperSpike, Zenke & Ganguli 2018): the derivative used in place of the step's delta function.
inline float surrogate(float x, float beta) {
  const float d = 1.0f + beta * std::fabs(x);
  return 1.0f / (d * d);
}
// Its antiderivative (up to a constant): a smooth spike used only by gradient checks.
inline float soft_spike(float x, float beta) {
  return 0.5f + x / (1.0f + beta * std::fabs(x));
}

// One step of f neurons (forward): u = u ku + a, v = v kv + u + bias, spike above vth, reset to 0. The
// pointers do not alias, so the loop vectorises (the same operations per element as a scalar loop).
template <bool kSoft>
void neuron_step_as(float vth, float beta, int f, float ku, float kv, const float* __restrict a,
                    const float* __restrict bias, float* __restrict u_state, float* __restrict v_state,
                    float* __restrict vp, float* __restrict s) {
  for (int j = 0; j < f; ++j) {
    const float u = u_state[j] * ku + a[j];
    u_state[j] = u;
    const float v = v_state[j] * kv + u + bias[j];
    vp[j] = v;
    if constexpr (kSoft) {
      const float spike = soft_spike(v - vth, beta);
      s[j] = spike;
      v_state[j] = v * (1.0f - spike);
    } else {  // selects, not v (1 - s), so that the loop has no branch; equal, as v > vth > 0 when it fires
      const bool fire = v > vth;
      s[j] = fire ? 1.0f : 0.0f;
      v_state[j] = fire ? 0.0f : v;
    }
  }
}
void neuron_step(const NeuronSpec& n, int f, float ku, float kv, const float* a, const float* bias,
                 float* u_state, float* v_state, float* vp, float* s) {
  if (n.soft_spikes)
    neuron_step_as<true>(n.vth, n.surrogate_beta, f, ku, kv, a, bias, u_state, v_state, vp, s);
  else
    neuron_step_as<false>(n.vth, n.surrogate_beta, f, ku, kv, a, bias, u_state, v_state, vp, s);
}

// Its adjoint for one step of f neurons: g (dL/ds in, dL/da out), the carried dL/du and dL/dv, and dL/dbias
// accumulated per neuron. ext (may be null) is an extra dL/dv.
void neuron_step_back(const NeuronSpec& n, bool cuba, int f, const float* __restrict vp,
                      const float* __restrict s, const float* __restrict ext, float* __restrict g,
                      float* __restrict g_u, float* __restrict g_v, float* __restrict g_bias) {
  const bool detach = n.detach_reset;
  const float vth = n.vth, beta = n.surrogate_beta, kv = 1.0f - n.dv, ku = 1.0f - n.du;
  for (int j = 0; j < f; ++j) {
    const float gs = detach ? g[j] : g[j] - g_v[j] * vp[j];  // v after reset = vpre (1 - s)
    float gvp = g_v[j] * (1.0f - s[j]) + gs * surrogate(vp[j] - vth, beta);
    if (ext) gvp += ext[j];
    g_bias[j] += gvp;
    const float gu = cuba ? g_u[j] + gvp : gvp;
    g[j] = gu;
    g_v[j] = gvp * kv;
    g_u[j] = gu * ku;
  }
}

constexpr uint64_t kInitStream = 0x1417;
constexpr uint64_t kDropoutStream = 0xD809;

// What block l hands to the next one: its output after dropout, if it dropped any.
const float* block_output(const Workspace& ws, size_t l) {
  return ws.keep[l].empty() ? ws.s[l].data() : ws.dropped[l].data();
}

// Draws block l's dropout mask for each sample (the same for all steps) and applies it to the block's output.
void drop_outputs(const Block& b, size_t l, const DropoutDraw& draw, Workspace& ws) {
  const int f = b.out.size();
  const float p = b.spec.dropout, scale = 1.0f / (1.0f - p);
  std::vector<float>& keep = ws.keep[l];
  keep.resize(size_t(ws.batch) * f);
  for (int n = 0; n < ws.batch; ++n) {
    RandomStream rng(draw.seed, stream_id(stream_id(kDropoutStream, l), draw.epoch),
                     static_cast<uint32_t>(draw.ids[n]));
    for (int j = 0; j < f; ++j) keep[size_t(n) * f + j] = rng.uniform() < p ? 0.0f : scale;
  }
  const std::vector<float>& s = ws.s[l];
  ws.dropped[l].resize(s.size());
  for (size_t i = 0; i < s.size(); ++i) ws.dropped[l][i] = s[i] * keep[i % keep.size()];
}

// One bias per output feature (a conv block shares one per channel).
void expand_bias(const Block& b, const float* bias, std::vector<float>& out) {
  out.resize(b.out.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = bias[i / b.bias_group];
}

}  // namespace

SnnNetwork::SnnNetwork(const std::vector<LayerSpec>& layers, Shape input, int classes) {
  if (layers.empty()) throw Error("layers: the network has no layers");
  Shape in = input;
  for (const LayerSpec& l : layers) {
    Block b;
    b.spec = l;
    b.in = in;
    b.out = layer_output_shape(l, in);
    const bool weighted =
        l.kind == LayerKind::Dense || l.kind == LayerKind::Conv || l.kind == LayerKind::Recurrent;
    if (weighted) {
      b.w_off = param_count_;
      b.w_size = l.kind == LayerKind::Conv ? size_t(l.out) * conv_fan_in(l, in) : size_t(l.out) * in.size();
      param_count_ += b.w_size;
    }
    if (l.kind == LayerKind::Recurrent) {
      if (!l.has_neuron) bad_layer(l, "neuron", "a recurrent layer needs spiking neurons");
      b.r_off = param_count_;
      b.r_size = size_t(l.out) * l.out;
      param_count_ += b.r_size;
    }
    if (!(l.dropout >= 0 && l.dropout < 1))
      bad_layer(l, "dropout", fmt::format("{} is outside [0, 1)", l.dropout));
    if (l.dropout > 0 && &l == &layers.back())
      bad_layer(l, "dropout", "the output layer's values are the class scores; they cannot be dropped");
    if (l.has_neuron) {
      if (l.neuron.model != NeuronModel::None && !(l.neuron.vth > 0))
        bad_layer(l, "vth", "the threshold must be positive");
      for (auto [name, d] : {std::pair{"du", l.neuron.du}, std::pair{"dv", l.neuron.dv}})
        if (!(d >= 0 && d <= 1)) bad_layer(l, name, fmt::format("{} is outside [0, 1]", d));
      b.bias_group = l.kind == LayerKind::Conv ? b.out.h * b.out.w : 1;
      b.b_off = param_count_;
      b.b_size = b.out.size() / b.bias_group;
      param_count_ += b.b_size;
    }
    blocks_.push_back(b);
    in = b.out;
  }
  if (in.size() != classes)
    bad_layer(layers.back(), "out",
              fmt::format("the last layer has {} outputs but the data have {} classes", in.size(), classes));
}

std::vector<float> SnnNetwork::init_params(uint64_t seed, float gain) const {
  std::vector<float> p(param_count_, 0.0f);
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const Block& b = blocks_[i];
    RandomStream rng(seed, stream_id(kInitStream, i));
    const int fan_in = b.spec.kind == LayerKind::Conv ? conv_fan_in(b.spec, b.in) : b.in.size();
    const float bound = gain / std::sqrt(float(fan_in));
    for (size_t k = 0; k < b.w_size; ++k) p[b.w_off + k] = float(rng.uniform(-bound, bound));
    const float r_bound = gain / std::sqrt(float(std::max(1, b.out.size())));
    for (size_t k = 0; k < b.r_size; ++k) p[b.r_off + k] = float(rng.uniform(-r_bound, r_bound));
  }
  return p;
}

void SnnNetwork::forward(const std::vector<float>& params, const float* x, int steps, int batch,
                         Workspace& ws, const DenseProduct* dense, const DropoutDraw* dropout) const {
  SCX_ASSERT(params.size() == param_count_);
  ws.steps = steps;
  ws.batch = batch;
  const size_t nb = blocks_.size();
  ws.a.resize(nb);
  ws.vpre.resize(nb);
  ws.s.resize(nb);
  ws.keep.resize(nb);
  ws.dropped.resize(nb);
  ws.cols.resize(nb);
  const int rows = steps * batch;
  for (size_t l = 0; l < nb; ++l) {
    const Block& b = blocks_[l];
    const NeuronSpec& n = b.spec.neuron;
    const int f = b.out.size();
    const size_t per_step = size_t(batch) * f;
    const float* in = l == 0 ? x : block_output(ws, l - 1);
    ws.keep[l].clear();
    ws.a[l].resize(per_step * steps);
    if (dense && *dense && b.spec.kind == LayerKind::Dense)
      (*dense)(l, in, rows, ws.a[l].data());
    else
      ops::synapse_forward(b, params.data() + b.w_off, in, rows, ws.a[l].data(), ws.cols[l]);
    ws.s[l].resize(per_step * steps);
    if (!b.spec.has_neuron || n.model == NeuronModel::None) {
      std::copy(ws.a[l].begin(), ws.a[l].end(), ws.s[l].begin());
      if (b.spec.has_neuron)
        for (size_t i = 0; i < ws.s[l].size(); ++i) ws.s[l][i] += params[b.b_off + (i % f) / b.bias_group];
      ws.vpre[l] = ws.s[l];
      if (dropout && b.spec.dropout > 0) drop_outputs(b, l, *dropout, ws);
      continue;
    }
    ws.vpre[l].resize(per_step * steps);
    ws.state_u.assign(per_step, 0.0f);
    ws.state_v.assign(per_step, 0.0f);
    expand_bias(b, params.data() + b.b_off, ws.bias);
    const bool cuba = n.model == NeuronModel::Cuba;  // LIF: u = a, i.e. du = 1
    for (int t = 0; t < steps; ++t) {
      float* a = ws.a[l].data() + t * per_step;
      if (b.spec.kind == LayerKind::Recurrent && t > 0)
        ops::gemm(false, true, batch, f, f, 1.0f, ws.s[l].data() + (t - 1) * per_step,
                  params.data() + b.r_off, 1.0f, a);
      float* vp = ws.vpre[l].data() + t * per_step;
      float* s = ws.s[l].data() + t * per_step;
      const float ku = cuba ? 1.0f - n.du : 0.0f, kv = 1.0f - n.dv;  // lif: u = a
      for (size_t row = 0; row < per_step; row += f)
        neuron_step(n, f, ku, kv, a + row, ws.bias.data(), ws.state_u.data() + row, ws.state_v.data() + row,
                    vp + row, s + row);
    }
    if (dropout && b.spec.dropout > 0) drop_outputs(b, l, *dropout, ws);
  }
}

void SnnNetwork::backward(const std::vector<float>& params, const float* x, const float* g_out_spikes,
                          const float* g_out_vpre, Workspace& ws, std::vector<float>& grad) const {
  SCX_ASSERT(grad.size() == param_count_);
  const int steps = ws.steps, batch = ws.batch, rows = steps * batch;
  const size_t n_last = size_t(rows) * blocks_.back().out.size();
  ws.g_out.assign(n_last, 0.0f);
  if (g_out_spikes) std::copy(g_out_spikes, g_out_spikes + n_last, ws.g_out.begin());
  for (size_t l = blocks_.size(); l-- > 0;) {
    const Block& b = blocks_[l];
    const NeuronSpec& n = b.spec.neuron;
    const int f = b.out.size();
    const size_t per_step = size_t(batch) * f;
    const float* ext = l + 1 == blocks_.size() ? g_out_vpre : nullptr;
    float* g = ws.g_out.data();  // dL/ds on entry, turned into dL/da in place
    if (!ws.keep[l].empty())     // it arrived as dL/d(output after dropout)
      for (size_t i = 0; i < per_step * steps; ++i) g[i] *= ws.keep[l][i % per_step];
    if (!b.spec.has_neuron || n.model == NeuronModel::None) {
      for (size_t i = 0; i < per_step * steps; ++i) {
        if (ext) g[i] += ext[i];
        if (b.spec.has_neuron) grad[b.b_off + (i % f) / b.bias_group] += g[i];
      }
    } else {
      ws.g_u.assign(per_step, 0.0f);
      ws.g_v.assign(per_step, 0.0f);
      const bool cuba = n.model == NeuronModel::Cuba;
      ws.bias.assign(f, 0.0f);  // dL/dbias per neuron, summed into the shared biases below
      for (int t = steps; t-- > 0;) {
        const float* vp = ws.vpre[l].data() + t * per_step;
        const float* s = ws.s[l].data() + t * per_step;
        float* gt = g + t * per_step;
        const float* et = ext ? ext + t * per_step : nullptr;
        for (size_t row = 0; row < per_step; row += size_t(f))  // rows of f neurons: no i % f per element
          neuron_step_back(n, cuba, f, vp + row, s + row, et ? et + row : nullptr, gt + row,
                           ws.g_u.data() + row, ws.g_v.data() + row, ws.bias.data());
        if (b.spec.kind == LayerKind::Recurrent && t > 0) {
          const float* s_prev = ws.s[l].data() + (t - 1) * per_step;
          ops::gemm(true, false, f, f, batch, 1.0f, gt, s_prev, 1.0f, grad.data() + b.r_off);
          ops::gemm(false, false, batch, f, f, 1.0f, gt, params.data() + b.r_off, 1.0f,
                    g + (t - 1) * per_step);
        }
      }
      for (int i = 0; i < f; ++i) grad[b.b_off + i / b.bias_group] += ws.bias[i];
    }
    const float* in = l == 0 ? x : block_output(ws, l - 1);
    const size_t n_in = size_t(rows) * b.in.size();
    if (l > 0) ws.g_in.resize(n_in);
    ops::synapse_backward(b, params.data() + b.w_off, in, g, rows, grad.data() + b.w_off,
                          l > 0 ? ws.g_in.data() : nullptr, ws.cols[l], ws.col);
    if (l > 0) std::swap(ws.g_out, ws.g_in);
  }
}

}  // namespace scx::train
