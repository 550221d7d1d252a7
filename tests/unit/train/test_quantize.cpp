// Quantisation error bounds: every weight within half a step of its quantised value, the levels are what the
// chip can hold, and values already on the grid are kept.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "silicortex/core/rng.hpp"
#include "silicortex/train/quantize.hpp"

namespace scx::train {
namespace {

std::vector<float> random_weights(size_t n, uint64_t seed, double scale) {
  RandomStream rng(seed, 0);
  std::vector<float> w(n);
  for (float& v : w) v = float(rng.normal() * scale);
  return w;
}

TEST(TrainQuantize, LoihiSharedExponentBound) {
  for (int bits : {2, 4, 8}) {
    const std::vector<float> w = random_weights(500, bits, 0.37);
    std::vector<float> q = w;
    const double bound = quantize_loihi(q.data(), q.size(), bits);
    const int kmax = (1 << (bits - 1)) - 1;
    double max_w = 0;
    for (float v : w) max_w = std::max(max_w, double(std::fabs(v)));
    const double step = 2 * bound;
    EXPECT_EQ(step, std::exp2(std::round(std::log2(step)))) << "the step must be a power of two";
    EXPECT_LE(max_w, kmax * step) << "no clipping";
    EXPECT_GT(max_w, kmax * step / 2) << "the smallest exponent that avoids clipping";
    std::set<float> mantissas;
    for (size_t i = 0; i < w.size(); ++i) {
      EXPECT_LE(std::fabs(q[i] - w[i]), bound * (1 + 1e-6)) << "bits " << bits << " weight " << i;
      const double m = q[i] / step;
      EXPECT_EQ(m, std::round(m));
      EXPECT_LE(std::fabs(m), kmax);
      mantissas.insert(q[i]);
    }
    EXPECT_LE(mantissas.size(), size_t(2 * kmax + 1));
    std::vector<float> again = q;  // idempotent: grid values stay
    quantize_loihi(again.data(), again.size(), bits);
    EXPECT_EQ(again, q);
  }
}

TEST(TrainQuantize, TrueNorthFewLevelsPerNeuron) {
  for (int levels : {2, 4}) {
    const size_t rows = 6, cols = 40;
    const std::vector<float> w = random_weights(rows * cols, 10 + levels, 1.0);
    std::vector<float> q = w;
    const double bound = quantize_truenorth(q.data(), rows, cols, levels);
    for (size_t r = 0; r < rows; ++r) {
      double m = 0;
      for (size_t c = 0; c < cols; ++c) m = std::max(m, double(std::fabs(w[r * cols + c])));
      const double step = m / (levels / 2);
      std::set<float> values;
      for (size_t c = 0; c < cols; ++c) {
        const size_t i = r * cols + c;
        EXPECT_LE(std::fabs(q[i] - w[i]), step / 2 * (1 + 1e-6));
        EXPECT_LE(step / 2, bound * (1 + 1e-9));
        values.insert(q[i]);
      }
      EXPECT_LE(values.size(), size_t(levels + 1)) << "levels non-zero values and 'no connection'";
    }
  }
}

double squared_error(const std::vector<float>& a, const std::vector<float>& b, size_t from, size_t n) {
  double e = 0;
  for (size_t i = from; i < from + n; ++i) e += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
  return e;
}

TEST(TrainQuantize, TrueNorthLeastSquaresStepBeatsTheMaxStep) {
  for (int levels : {2, 4}) {
    const int kmax = levels / 2;
    const size_t rows = 8, cols = 50;
    std::vector<float> w = random_weights(rows * cols, 30 + levels, 1.0);
    for (size_t r = 0; r < rows; ++r)
      w[r * cols + r] = 4.0f;  // one outlier per neuron: max |w| is a poor step
    std::vector<float> by_max = w, by_mse = w;
    quantize_truenorth(by_max.data(), rows, cols, levels, false);
    const double bound = quantize_truenorth(by_mse.data(), rows, cols, levels, true);
    for (size_t r = 0; r < rows; ++r) {
      const double e_mse = squared_error(by_mse, w, r * cols, cols);
      EXPECT_LT(e_mse, squared_error(by_max, w, r * cols, cols)) << "levels " << levels << " row " << r;
      std::set<float> values;
      for (size_t c = 0; c < cols; ++c) {
        values.insert(by_mse[r * cols + c]);
        EXPECT_LE(std::fabs(by_mse[r * cols + c] - w[r * cols + c]), bound * (1 + 1e-6));
      }
      EXPECT_LE(values.size(), size_t(levels + 1));
      // No other step does better: scan steps finely around the chosen one (exact optimum for ternary).
      const double step = *values.rbegin() / kmax;
      for (double f = 0.5; f <= 2.0; f += 0.01) {
        std::vector<float> other(w.begin() + long(r * cols), w.begin() + long((r + 1) * cols));
        for (float& x : other)
          x = float(std::clamp(std::nearbyint(x / (step * f)), double(-kmax), double(kmax)) * step * f);
        std::vector<float> ref(w.begin() + long(r * cols), w.begin() + long((r + 1) * cols));
        EXPECT_GE(squared_error(other, ref, 0, cols), e_mse * (1 - 1e-5)) << "factor " << f;
      }
    }
  }
}

TEST(TrainQuantize, ReportCoversEveryMatrixAndKeepsBiases) {
  LayerSpec a;
  a.kind = LayerKind::Recurrent;
  a.out = 5;
  LayerSpec b;
  b.kind = LayerKind::Dense;
  b.out = 3;
  const SnnNetwork net({a, b}, {7, 1, 1}, 3);
  std::vector<float> p = net.init_params(4);
  for (const Block& blk : net.blocks())
    for (size_t i = 0; i < blk.b_size; ++i) p[blk.b_off + i] = 0.123f * float(i + 1);
  QuantReport rep;
  const std::vector<float> q = quantize_params(net, {QuantKind::Loihi, 3, 4}, p, &rep);
  EXPECT_EQ(rep.weights, size_t(5 * 7 + 5 * 5 + 3 * 5));
  EXPECT_GT(rep.max_abs_error, 0);
  EXPECT_LE(rep.max_abs_error, rep.max_bound * (1 + 1e-6));
  EXPECT_LE(rep.rms_error, rep.max_abs_error);
  for (const Block& blk : net.blocks())
    for (size_t i = 0; i < blk.b_size; ++i) EXPECT_EQ(q[blk.b_off + i], p[blk.b_off + i]);
  EXPECT_EQ(quantize_params(net, {}, p), p);
}

}  // namespace
}  // namespace scx::train
