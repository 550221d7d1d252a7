// Analytic BPTT gradients against central finite differences.
// Non-spiking parts (dense, conv, pooling, flatten, recurrent matrix products, leaky integration) are checked
// exactly: with `neuron = none` the loss is linear in each single parameter, so central differences are exact
// up to float rounding. The spiking parts cannot be checked by finite differences of the hard threshold (its
// true derivative is zero almost everywhere); instead they run with NeuronSpec::soft_spikes, where the
// forward pass uses the smooth spike S(x) = 1/2 + x / (1 + beta |x|), whose derivative is exactly the
// surrogate 1 / (1 + beta |x|)^2 the backward pass uses, and the reset is left attached. The hard path is
// checked against a closed form for one neuron.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "silicortex/core/rng.hpp"
#include "silicortex/train/loss.hpp"
#include "silicortex/train/network.hpp"

namespace scx::train {
namespace {

struct Probe {
  std::vector<float> x, c_s, c_v;
};

Probe make_probe(const SnnNetwork& net, Shape in, int steps, int batch, bool binary_input) {
  RandomStream rng(7, 1);
  Probe p;
  p.x.resize(size_t(steps) * batch * in.size());
  for (float& v : p.x) v = binary_input ? (rng.uniform() < 0.4 ? 1.0f : 0.0f) : float(rng.uniform(0, 1));
  const size_t n_out = size_t(steps) * batch * net.output_shape().size();
  p.c_s.resize(n_out);
  p.c_v.resize(n_out);
  for (float& v : p.c_s) v = float(rng.uniform(-1, 1));
  for (float& v : p.c_v) v = float(rng.uniform(-1, 1));
  return p;
}

// L = sum c_s * spikes + c_v * membrane (before reset), in double.
double probe_loss(const SnnNetwork& net, const std::vector<float>& params, const Probe& p, int steps,
                  int batch, const DropoutDraw* drop) {
  Workspace ws;
  net.forward(params, p.x.data(), steps, batch, ws, nullptr, drop);
  double l = 0;
  for (size_t i = 0; i < p.c_s.size(); ++i)
    l += double(p.c_s[i]) * ws.s.back()[i] + double(p.c_v[i]) * ws.vpre.back()[i];
  return l;
}

struct CheckResult {
  double max_abs_err = 0, max_grad = 0;
  size_t checked = 0;
};

// Compares every parameter's analytic gradient with (L(p + eps) - L(p - eps)) / 2 eps.
CheckResult check(const std::vector<LayerSpec>& layers, Shape in, int classes, int steps, int batch,
                  double eps, double rel_tol, double abs_tol, float gain = 1.0f, bool binary_input = false,
                  const DropoutDraw* drop = nullptr) {
  const SnnNetwork net(layers, in, classes);
  std::vector<float> params = net.init_params(3, gain);
  RandomStream rng(9, 2);
  for (const Block& b : net.blocks())  // non-zero biases so that they matter
    for (size_t i = 0; i < b.b_size; ++i) params[b.b_off + i] = float(rng.uniform(-0.3, 0.3));
  const Probe p = make_probe(net, in, steps, batch, binary_input);
  Workspace ws;
  net.forward(params, p.x.data(), steps, batch, ws, nullptr, drop);
  std::vector<float> grad(net.param_count(), 0.0f);
  net.backward(params, p.x.data(), p.c_s.data(), p.c_v.data(), ws, grad);
  CheckResult r;
  for (size_t i = 0; i < params.size(); ++i) {
    std::vector<float> q = params;
    q[i] = float(params[i] + eps);
    const double lp = probe_loss(net, q, p, steps, batch, drop);
    q[i] = float(params[i] - eps);
    const double lm = probe_loss(net, q, p, steps, batch, drop);
    const double fd = (lp - lm) / (2 * eps);
    const double err = std::fabs(fd - grad[i]);
    EXPECT_LE(err, abs_tol + rel_tol * std::fabs(fd))
        << "parameter " << i << ": analytic " << grad[i] << ", finite "
        << "difference " << fd;
    r.max_abs_err = std::max(r.max_abs_err, err);
    r.max_grad = std::max(r.max_grad, std::fabs(fd));
    ++r.checked;
  }
  EXPECT_GT(r.max_grad, 1e-3) << "the check is vacuous: all gradients vanish";
  std::printf("checked %zu parameters: max |analytic - finite difference| = %.2e, max |gradient| = %.2e\n",
              r.checked, r.max_abs_err, r.max_grad);
  return r;
}

LayerSpec layer(LayerKind kind, int out, NeuronModel model, int kernel = 3, int stride = 1, int padding = 0) {
  LayerSpec l;
  l.kind = kind;
  l.out = out;
  l.kernel = kernel;
  l.stride = stride;
  l.padding = padding;
  l.neuron.model = model;
  l.has_neuron = kind != LayerKind::Flatten && kind != LayerKind::SumPool && kind != LayerKind::AvgPool;
  l.neuron.soft_spikes = true;
  l.neuron.detach_reset = false;
  l.neuron.surrogate_beta = 2.0f;
  l.neuron.vth = 0.5f;
  l.neuron.du = 0.3f;  // du != dv, so that mixing them up fails
  l.neuron.dv = 0.6f;
  return l;
}

// Exact checks: linear in each parameter.
constexpr double kLinEps = 0.05, kLinRel = 1e-4, kLinAbs = 1e-4;

TEST(TrainGradients, DenseIsExact) {
  check({layer(LayerKind::Dense, 4, NeuronModel::None), layer(LayerKind::Dense, 3, NeuronModel::None)},
        {5, 1, 1}, 3, 2, 3, kLinEps, kLinRel, kLinAbs);
}

TEST(TrainGradients, ConvWithStrideAndPaddingIsExact) {
  check({layer(LayerKind::Conv, 3, NeuronModel::None, 3, 2, 1),
         layer(LayerKind::Flatten, 0, NeuronModel::None), layer(LayerKind::Dense, 2, NeuronModel::None)},
        {2, 5, 6}, 2, 2, 2, kLinEps, kLinRel, kLinAbs);
}

TEST(TrainGradients, GroupedAndPointwiseConvAreExact) {
  LayerSpec grouped = layer(LayerKind::Conv, 6, NeuronModel::None, 3, 1, 1);
  grouped.groups = 3;
  LayerSpec pointwise = layer(LayerKind::Conv, 4, NeuronModel::None, 1, 1, 0);  // no im2col
  pointwise.groups = 2;
  check({layer(LayerKind::Conv, 3, NeuronModel::None, 2, 1, 0), grouped, pointwise,
         layer(LayerKind::Flatten, 0, NeuronModel::None), layer(LayerKind::Dense, 2, NeuronModel::None)},
        {3, 4, 5}, 2, 2, 2, kLinEps, kLinRel, kLinAbs);
}

TEST(TrainGradients, SumAndAveragePoolingAreExact) {
  for (LayerKind pool : {LayerKind::SumPool, LayerKind::AvgPool}) {
    LayerSpec p = layer(pool, 0, NeuronModel::None, 2);
    check({layer(LayerKind::Conv, 2, NeuronModel::None, 3, 1, 1), p,
           layer(LayerKind::Flatten, 0, NeuronModel::None), layer(LayerKind::Dense, 3, NeuronModel::None)},
          {1, 5, 4}, 3, 2, 2, kLinEps, kLinRel, kLinAbs);
  }
}

// Smooth spiking checks: float32 forward, so the step trades truncation against rounding.
constexpr double kSpkEps = 2e-3, kSpkRel = 1e-2, kSpkAbs = 2e-3;

TEST(TrainGradients, CubaLifThroughTimeWithSoftSpikes) {
  check({layer(LayerKind::Dense, 4, NeuronModel::Cuba), layer(LayerKind::Dense, 3, NeuronModel::Cuba)},
        {6, 1, 1}, 3, 6, 2, kSpkEps, kSpkRel, kSpkAbs, 2.0f, true);
}

TEST(TrainGradients, LifThroughTimeWithSoftSpikes) {
  check({layer(LayerKind::Dense, 4, NeuronModel::Lif), layer(LayerKind::Dense, 3, NeuronModel::Lif)},
        {6, 1, 1}, 3, 6, 2, kSpkEps, kSpkRel, kSpkAbs, 2.0f, true);
}

TEST(TrainGradients, RecurrentCubaWithSoftSpikes) {
  check({layer(LayerKind::Recurrent, 4, NeuronModel::Cuba), layer(LayerKind::Dense, 2, NeuronModel::Lif)},
        {5, 1, 1}, 2, 6, 2, kSpkEps, kSpkRel, kSpkAbs, 2.0f, true);
}

TEST(TrainGradients, SpikingConvAndPoolWithSoftSpikes) {
  LayerSpec pool = layer(LayerKind::SumPool, 0, NeuronModel::Cuba, 2);
  pool.has_neuron = true;
  check({layer(LayerKind::Conv, 2, NeuronModel::Cuba, 3, 1, 1), pool,
         layer(LayerKind::Flatten, 0, NeuronModel::None), layer(LayerKind::Dense, 2, NeuronModel::Cuba)},
        {1, 4, 4}, 2, 4, 2, kSpkEps, kSpkRel, kSpkAbs, 2.0f, true);
}

// Dropout on a spiking layer and on a flatten: the masks are fixed by the draw, so the loss stays smooth in
// every parameter and the gradient must route through the kept outputs only.
TEST(TrainGradients, DropoutWithSoftSpikes) {
  LayerSpec hidden = layer(LayerKind::Dense, 6, NeuronModel::Cuba);
  hidden.dropout = 0.5f;
  LayerSpec conv = layer(LayerKind::Conv, 2, NeuronModel::Cuba, 3, 1, 1);
  LayerSpec flat = layer(LayerKind::Flatten, 0, NeuronModel::None);
  flat.dropout = 0.3f;
  const size_t ids[2] = {17, 4};
  const DropoutDraw draw{5, 2, ids};
  check({hidden, layer(LayerKind::Dense, 3, NeuronModel::Cuba)}, {6, 1, 1}, 3, 6, 2, kSpkEps, kSpkRel,
        kSpkAbs, 2.0f, true, &draw);
  check({conv, flat, layer(LayerKind::Dense, 2, NeuronModel::Cuba)}, {1, 4, 4}, 2, 4, 2, kSpkEps, kSpkRel,
        kSpkAbs, 2.0f, true, &draw);
}

// A sample's mask depends on its dataset index alone (not on the batch it shares), drops about the asked
// fraction, scales what it keeps, and is absent without a draw (evaluation).
TEST(TrainDropout, MaskIsPerSampleAndDropsTheAskedFraction) {
  LayerSpec flat = layer(LayerKind::Flatten, 0, NeuronModel::None);
  flat.dropout = 0.3f;
  const SnnNetwork net({flat, layer(LayerKind::Dense, 2, NeuronModel::None)}, {1000, 1, 1}, 2);
  const std::vector<float> params = net.init_params(1);
  const int steps = 2;
  std::vector<float> x(size_t(steps) * 3 * 1000, 1.0f);
  const size_t ids[3] = {40, 41, 42};
  const DropoutDraw all{9, 1, ids}, last{9, 1, ids + 2};
  Workspace ws3, ws1, eval;
  net.forward(params, x.data(), steps, 3, ws3, nullptr, &all);
  net.forward(params, x.data(), steps, 1, ws1, nullptr, &last);
  ASSERT_EQ(ws3.keep[0].size(), 3000u);
  EXPECT_TRUE(std::equal(ws1.keep[0].begin(), ws1.keep[0].end(), ws3.keep[0].begin() + 2000));
  EXPECT_NE(std::vector<float>(ws3.keep[0].begin(), ws3.keep[0].begin() + 1000),
            std::vector<float>(ws3.keep[0].begin() + 1000, ws3.keep[0].begin() + 2000));
  size_t dropped = 0;
  for (float k : ws3.keep[0]) {
    EXPECT_TRUE(k == 0.0f || std::fabs(k - 1.0f / 0.7f) < 1e-6f);
    dropped += k == 0.0f;
  }
  EXPECT_NEAR(double(dropped) / 3000.0, 0.3, 0.03);  // binomial sd 0.008
  for (int t = 0; t < steps; ++t)                    // the same mask at every step
    for (size_t i = 0; i < 3000; ++i) EXPECT_EQ(ws3.dropped[0][size_t(t) * 3000 + i], ws3.keep[0][i]);
  net.forward(params, x.data(), steps, 3, eval);
  EXPECT_TRUE(eval.keep[0].empty());
  EXPECT_EQ(eval.a[1].size(), ws3.a[1].size());
}

// Hard spikes, one LIF neuron kept below threshold: s_t = 0, v_t = sum_k<=t (1-dv)^(t-k) (w x_k + b), and the
// surrogate gradient is dL/db = sum_t c_t sigma'(v_t - vth) dv_t/db, dv_t/db = sum_k<=t (1-dv)^(t-k).
TEST(TrainGradients, HardSpikeSurrogateMatchesClosedForm) {
  LayerSpec l;
  l.kind = LayerKind::Dense;
  l.out = 1;
  l.neuron.model = NeuronModel::Lif;
  l.neuron.dv = 0.25f;
  l.neuron.vth = 10.0f;
  l.neuron.surrogate_beta = 1.5f;
  const SnnNetwork net({l}, {1, 1, 1}, 1);
  const std::vector<float> params = {0.7f, 0.2f};  // weight, bias
  const std::vector<float> x = {1, 0, 1, 1}, c = {0.3f, -1.0f, 0.5f, 2.0f};
  Workspace ws;
  net.forward(params, x.data(), 4, 1, ws);
  std::vector<float> grad(2, 0.0f);
  net.backward(params, x.data(), c.data(), nullptr, ws, grad);
  double v = 0, dvdb = 0, dvdw = 0, gb = 0, gw = 0;
  for (int t = 0; t < 4; ++t) {
    v = v * 0.75 + 0.7 * x[t] + 0.2;
    dvdb = dvdb * 0.75 + 1;
    dvdw = dvdw * 0.75 + x[t];
    const double sg = 1.0 / std::pow(1 + 1.5 * std::fabs(v - 10.0), 2);
    EXPECT_EQ(ws.s[0][t], 0.0f);
    EXPECT_NEAR(ws.vpre[0][t], v, 1e-5);
    gb += c[t] * sg * dvdb;
    gw += c[t] * sg * dvdw;
  }
  EXPECT_NEAR(grad[1], gb, 1e-6);
  EXPECT_NEAR(grad[0], gw, 1e-6);
}

// The loss layer: cross-entropy through the membrane mean / max and the soft counts, against finite
// differences of the loss itself.
TEST(TrainGradients, LossFunctionsMatchFiniteDifferences) {
  for (LossKind kind : {LossKind::Count, LossKind::MembraneMean, LossKind::MembraneMax}) {
    const std::vector<LayerSpec> layers = {layer(LayerKind::Dense, 3, NeuronModel::Cuba)};
    const SnnNetwork net(layers, {4, 1, 1}, 3);
    std::vector<float> params = net.init_params(5, 2.0f);
    const int steps = 5, batch = 2;
    RandomStream rng(3, 3);
    std::vector<float> x(size_t(steps) * batch * 4);
    for (float& v : x) v = rng.uniform() < 0.5 ? 1.0f : 0.0f;
    const uint8_t labels[2] = {2, 0};
    const LossSpec spec{kind, 1.5f};
    auto loss_at = [&](const std::vector<float>& p) {
      Workspace ws;
      std::vector<float> gs, gv;
      net.forward(p, x.data(), steps, batch, ws);
      return output_loss(spec, ws, 3, labels, 1.0f, gs, gv).loss;
    };
    Workspace ws;
    std::vector<float> gs, gv, grad(params.size(), 0.0f);
    net.forward(params, x.data(), steps, batch, ws);
    output_loss(spec, ws, 3, labels, 1.0f, gs, gv);
    net.backward(params, x.data(), gs.data(), gv.data(), ws, grad);
    for (size_t i = 0; i < params.size(); ++i) {
      std::vector<float> q = params;
      q[i] += float(kSpkEps);
      const double lp = loss_at(q);
      q[i] = params[i] - float(kSpkEps);
      const double fd = (lp - loss_at(q)) / (2 * kSpkEps);
      EXPECT_NEAR(grad[i], fd, kSpkAbs + kSpkRel * std::fabs(fd))
          << "loss " << int(kind) << " parameter " << i;
    }
  }
}

}  // namespace
}  // namespace scx::train
