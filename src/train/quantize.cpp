#include "silicortex/train/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

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

namespace {
// The step a of least squared error for w ~ k a, k integer in [-kmax, kmax]. Ternary (kmax = 1): the n
// largest |w| map to +-a with a their mean, and n maximises (their sum)^2 / n, which is the exact optimum.
// More levels: the best of Lloyd iterations from several starts.
double mse_step(const float* w, size_t n, int kmax, std::vector<double>& mag) {
  mag.assign(n, 0.0);
  for (size_t i = 0; i < n; ++i) mag[i] = std::fabs(double(w[i]));
  std::sort(mag.begin(), mag.end(), std::greater<>());
  if (kmax == 1) {
    double sum = 0, best = 0, step = mag[0];
    for (size_t i = 0; i < n && mag[i] > 0; ++i) {
      sum += mag[i];
      if (sum * sum / double(i + 1) > best) {
        best = sum * sum / double(i + 1);
        step = sum / double(i + 1);
      }
    }
    return step;
  }
  const auto error_of = [&](double step) {
    double e = 0;
    for (double m : mag) {
      const double d = m - std::min(std::nearbyint(m / step), double(kmax)) * step;
      e += d * d;
    }
    return e;
  };
  // The error is not convex in the step: Lloyd iterations from several starts, the best end point kept.
  double best = mag[0] / kmax, best_error = error_of(best);
  for (double start = 1.0; start > 0.3; start -= 0.05) {
    double step = start * mag[0] / kmax;
    for (int it = 0; it < 30; ++it) {
      double wk = 0, kk = 0;
      for (double m : mag) {
        const double k = std::min(std::nearbyint(m / step), double(kmax));
        wk += m * k;
        kk += k * k;
      }
      if (kk == 0 || wk / kk == step) break;
      step = wk / kk;
    }
    const double e = error_of(step);
    if (e < best_error) {
      best = step;
      best_error = e;
    }
  }
  return best;
}
}  // namespace

double quantize_truenorth(float* w, size_t rows, size_t cols, int levels, bool mse_scale) {
  const int kmax = levels / 2;
  double bound = 0;
  std::vector<double> mag;
  for (size_t r = 0; r < rows; ++r) {
    float* row = w + r * cols;
    const float m = max_abs(row, cols);
    if (m == 0) continue;
    const double step = mse_scale ? mse_step(row, cols, kmax, mag) : double(m) / kmax;
    round_to_grid(row, cols, step, kmax);
    bound = std::max({bound, step / 2, double(m) - kmax * step});
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
      const double bound =
          q.kind == QuantKind::Loihi
              ? quantize_loihi(w, size, q.bits)
              : quantize_truenorth(w, rows, size / rows, layer_levels(b.spec, q), q.mse_scale);
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
