#include "silicortex/devices/onchip_learning.hpp"

#include <algorithm>
#include <memory>
#include <numeric>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "train/ops.hpp"

namespace scx::devices {
namespace {

constexpr uint64_t kOrderStream = 0x0DE7;

// Samples ids[0..n) as rows of intensities / 255 followed by a constant 1.
void load_rows(const train::Dataset& d, const size_t* ids, int n, std::vector<float>& x) {
  const int pixels = d.shape.size(), inputs = pixels + 1;
  x.resize(size_t(n) * inputs);
  for (int r = 0; r < n; ++r) {
    const uint8_t* img = d.images.data() + ids[r] * pixels;
    float* row = x.data() + size_t(r) * inputs;
    for (int i = 0; i < pixels; ++i) row[i] = img[i] / 255.0f;
    row[pixels] = 1.0f;
  }
}

// The layer as either a crossbar or float weights, with one product.
struct Layer {
  std::unique_ptr<AnalogCrossbar> bar;
  std::vector<float> w;
  int inputs, outputs;
  void product(const float* x, int n, float* y) {
    if (bar) return bar->mvm(x, n, y);
    train::ops::gemm(false, true, n, outputs, inputs, 1.0f, x, w.data(), 0.0f, y);
  }
};

}  // namespace

LearningResult train_delta_rule(const train::Dataset& train_set, const train::Dataset& test_set,
                                const AnalogSetup* analog, const DeltaRuleOptions& o) {
  if (train_set.shape.size() != test_set.shape.size())
    throw Error("delta rule: the training and test images differ in size");
  if (o.epochs < 1 || o.batch < 1 || !(o.lr > 0) || !(o.w_max > 0))
    throw Error("delta rule: epochs, batch, lr and w_max must be positive");
  train::ops::prepare_gemm();
  const int classes = std::max(train_set.classes, test_set.classes);
  Layer layer{nullptr, {}, train_set.shape.size() + 1, classes};
  if (analog) {
    layer.bar = std::make_unique<AnalogCrossbar>(analog->profile, layer.inputs, classes, analog->crossbar,
                                                 analog->seed, 0);
    layer.bar->reset_pairs(0.5, o.w_max);
  } else {
    layer.w.assign(size_t(layer.inputs) * classes, 0.0f);
  }

  LearningResult result;
  std::vector<size_t> order(train_set.count);
  std::vector<float> x, y, dw(size_t(layer.inputs) * classes);
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), size_t(0));
    RandomStream rng(o.seed, stream_id(kOrderStream, uint64_t(epoch)));
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    for (size_t begin = 0; begin < order.size(); begin += o.batch) {
      const int n = int(std::min<size_t>(o.batch, order.size() - begin));
      load_rows(train_set, order.data() + begin, n, x);
      y.resize(size_t(n) * classes);
      layer.product(x.data(), n, y.data());
      for (int r = 0; r < n; ++r)  // y becomes the error (target - y)
        for (int c = 0; c < classes; ++c) {
          float& e = y[size_t(r) * classes + c];
          e = (c == train_set.labels[order[begin + r]] ? 1.0f : 0.0f) - e;
        }
      train::ops::gemm(true, false, classes, layer.inputs, n, float(o.lr / n), y.data(), x.data(), 0.0f,
                       dw.data());
      if (layer.bar)
        result.pulses += layer.bar->apply_update(dw.data());
      else
        for (size_t k = 0; k < dw.size(); ++k) layer.w[k] += dw[k];
    }
  }
  size_t correct = 0;
  std::vector<size_t> ids;
  for (size_t begin = 0; begin < test_set.count; begin += 256) {
    const int n = int(std::min<size_t>(256, test_set.count - begin));
    ids.resize(n);
    std::iota(ids.begin(), ids.end(), begin);
    load_rows(test_set, ids.data(), n, x);
    y.resize(size_t(n) * classes);
    layer.product(x.data(), n, y.data());
    for (int r = 0; r < n; ++r) {
      const float* row = y.data() + size_t(r) * classes;
      if (std::max_element(row, row + classes) - row == test_set.labels[begin + r]) ++correct;
    }
  }
  result.test_accuracy = test_set.count ? double(correct) / test_set.count : 0;
  if (layer.bar) result.read_energy_pj = layer.bar->read_energy_pj();
  return result;
}

}  // namespace scx::devices
