#include "silicortex/train/quantize.hpp"

#include <algorithm>
#include <cmath>

namespace scx::train {

namespace {
float max_abs(const float* w, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(w[i]));
  return m;
}
// Rounds w / step to an integer in [-kmax, kmax] and back.
void round_to_grid(float* w, size_t n, double step, int kmax) {
  for (size_t i = 0; i < n; ++i) {
    const double k = std::clamp(std::nearbyint(w[i] / step), double(-kmax), double(kmax));
    w[i] = float(k * step);
  }
}
}  // namespace

double quantize_loihi(float* w, size_t n, int bits) {
  const int kmax = (1 << (bits - 1)) - 1;
  const float m = max_abs(w, n);
  if (m == 0) return 0;
  int e = static_cast<int>(std::ceil(std::log2(double(m) / kmax)));
  while (std::ldexp(double(kmax), e) < m) ++e;  // guard against log2 rounding
  const double step = std::ldexp(1.0, e);
  round_to_grid(w, n, step, kmax);
  return step / 2;
}

double quantize_truenorth(float* w, size_t rows, size_t cols, int levels) {
  const int kmax = levels / 2;
  double bound = 0;
  for (size_t r = 0; r < rows; ++r) {
    float* row = w + r * cols;
    const float m = max_abs(row, cols);
    if (m == 0) continue;
    const double step = double(m) / kmax;
    round_to_grid(row, cols, step, kmax);
    bound = std::max(bound, step / 2);
  }
  return bound;
}

std::vector<float> quantize_params(const SnnNetwork& net, const QuantSpec& q,
                                   const std::vector<float>& params, QuantReport* report) {
  std::vector<float> out = params;
  if (q.kind == QuantKind::None) return out;
  QuantReport rep;
  double sq = 0;
  for (const Block& b : net.blocks()) {
    const int rows = b.spec.out;
    for (auto [off, size] : {std::pair{b.w_off, b.w_size}, std::pair{b.r_off, b.r_size}}) {
      if (size == 0) continue;
      float* w = out.data() + off;
      const double bound = q.kind == QuantKind::Loihi ? quantize_loihi(w, size, q.bits)
                                                      : quantize_truenorth(w, rows, size / rows, q.levels);
      rep.max_bound = std::max(rep.max_bound, bound);
      for (size_t i = 0; i < size; ++i) {
        const double e = double(w[i]) - params[off + i];
        rep.max_abs_error = std::max(rep.max_abs_error, std::fabs(e));
        sq += e * e;
      }
      rep.weights += size;
    }
  }
  rep.rms_error = rep.weights ? std::sqrt(sq / rep.weights) : 0;
  if (report) *report = rep;
  return out;
}

}  // namespace scx::train
