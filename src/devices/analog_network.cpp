#include "silicortex/devices/analog_network.hpp"

#include <algorithm>
#include <memory>
#include <numeric>

#include <fmt/format.h>

#include "silicortex/core/error.hpp"
#include "silicortex/train/encoding.hpp"
#include "silicortex/train/loss.hpp"
#include "train/ops.hpp"

namespace scx::devices {
namespace {
constexpr int kSamplesPerChunk = 64;
}

EvalResult evaluate_network(const train::TrainedNetwork& net, const train::Dataset& data,
                            const AnalogSetup* analog) {
  const train::TrainConfig& cfg = net.config;
  const train::SnnNetwork snn(cfg.layers, cfg.input, cfg.classes);
  if (net.params.size() != snn.param_count())
    throw Error(fmt::format("{}: params: {} values but the network has {} parameters", cfg.source,
                            net.params.size(), snn.param_count()));
  if (data.shape.size() != cfg.input.size())
    throw Error(fmt::format("dataset: samples have {} values but {} expects {}", data.shape.size(),
                            cfg.source, cfg.input.size()));
  train::ops::prepare_gemm();  // the trainer's GEMM, so the same digital sums

  std::vector<std::unique_ptr<AnalogCrossbar>> bars(snn.blocks().size());
  train::SnnNetwork::DenseProduct product;
  if (analog) {
    for (size_t l = 0; l < bars.size(); ++l) {
      const train::Block& b = snn.blocks()[l];
      if (b.spec.kind != train::LayerKind::Dense) continue;
      bars[l] = std::make_unique<AnalogCrossbar>(analog->profile, b.in.size(), b.out.size(), analog->crossbar,
                                                 analog->seed, l);
      bars[l]->map_weights(net.params.data() + b.w_off);
    }
    product = [&](size_t l, const float* in, int rows, float* out) { bars[l]->mvm(in, rows, out); };
  }

  EvalResult r;
  r.samples = data.count;
  r.predictions.resize(data.count);
  r.logits.resize(data.count * cfg.classes);
  train::Workspace ws;
  std::vector<float> x;
  std::vector<size_t> ids;
  const int steps = cfg.encoding.steps, pixels = data.shape.size();
  for (size_t begin = 0; begin < data.count; begin += kSamplesPerChunk) {
    const int n = int(std::min<size_t>(kSamplesPerChunk, data.count - begin));
    ids.resize(n);
    std::iota(ids.begin(), ids.end(), begin);
    x.resize(size_t(steps) * n * pixels);
    train::encode(cfg.encoding, cfg.train.seed, train::kEvalEpochKey, data.images.data(), pixels, ids.data(),
                  n, x.data());
    snn.forward(net.params, x.data(), steps, n, ws, analog ? &product : nullptr);
    for (int b = 0; b < n; ++b) {
      const std::vector<double> logits = train::output_logits(cfg.loss, ws, cfg.classes, b);
      const size_t s = begin + b;
      std::copy(logits.begin(), logits.end(), r.logits.begin() + s * cfg.classes);
      const int pred = int(std::max_element(logits.begin(), logits.end()) - logits.begin());
      r.predictions[s] = pred;
      if (pred == data.labels[s]) ++r.correct;
    }
  }
  for (const auto& bar : bars)
    if (bar) r.read_energy_pj += bar->read_energy_pj();
  return r;
}

}  // namespace scx::devices
