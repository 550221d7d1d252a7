#include "silicortex/train/loss.hpp"

#include <algorithm>
#include <cmath>

namespace scx::train {

namespace {
// The step at which sample b's class k has its largest membrane value.
int argmax_step(const Workspace& ws, int classes, int b, int k) {
  const auto& v = ws.vpre.back();
  int best = 0;
  for (int t = 1; t < ws.steps; ++t)
    if (v[(size_t(t) * ws.batch + b) * classes + k] > v[(size_t(best) * ws.batch + b) * classes + k])
      best = t;
  return best;
}
}  // namespace

std::vector<double> output_logits(const LossSpec& loss, const Workspace& ws, int classes, int b) {
  std::vector<double> z(classes, 0.0);
  const auto& src = loss.kind == LossKind::Count ? ws.s.back() : ws.vpre.back();
  for (int k = 0; k < classes; ++k) {
    if (loss.kind == LossKind::MembraneMax) {
      z[k] = src[(size_t(argmax_step(ws, classes, b, k)) * ws.batch + b) * classes + k];
    } else {
      for (int t = 0; t < ws.steps; ++t) z[k] += src[(size_t(t) * ws.batch + b) * classes + k];
      if (loss.kind == LossKind::MembraneMean) z[k] /= ws.steps;
    }
    z[k] *= loss.scale;
  }
  return z;
}

LossResult output_loss(const LossSpec& loss, const Workspace& ws, int classes, const uint8_t* labels,
                       float weight, std::vector<float>& g_spikes, std::vector<float>& g_vpre) {
  const size_t n = size_t(ws.steps) * ws.batch * classes;
  g_spikes.assign(n, 0.0f);
  g_vpre.assign(n, 0.0f);
  LossResult r;
  for (int b = 0; b < ws.batch; ++b) {
    const std::vector<double> z = output_logits(loss, ws, classes, b);
    const double zmax = *std::max_element(z.begin(), z.end());
    double sum = 0;
    for (double zk : z) sum += std::exp(zk - zmax);
    const int y = labels[b];
    r.loss += std::log(sum) + zmax - z[y];
    r.correct += static_cast<int>(std::max_element(z.begin(), z.end()) - z.begin()) == y;
    for (int k = 0; k < classes; ++k) {
      const double dz = (std::exp(z[k] - zmax) / sum - (k == y ? 1.0 : 0.0)) * loss.scale * weight;
      if (loss.kind == LossKind::Count) {
        for (int t = 0; t < ws.steps; ++t) g_spikes[(size_t(t) * ws.batch + b) * classes + k] = float(dz);
      } else if (loss.kind == LossKind::MembraneMean) {
        for (int t = 0; t < ws.steps; ++t)
          g_vpre[(size_t(t) * ws.batch + b) * classes + k] = float(dz / ws.steps);
      } else {
        g_vpre[(size_t(argmax_step(ws, classes, b, k)) * ws.batch + b) * classes + k] = float(dz);
      }
    }
  }
  return r;
}

}  // namespace scx::train
