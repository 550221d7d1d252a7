#include "silicortex/train/adam.hpp"

#include <cmath>

#include "silicortex/core/error.hpp"

namespace scx::train {

void Adam::step(std::vector<float>& params, const std::vector<float>& grad) {
  SCX_ASSERT(params.size() == m_.size() && grad.size() == m_.size());
  ++t_;
  const double c1 = 1.0 - std::pow(double(spec_.beta1), double(t_));
  const double c2 = 1.0 - std::pow(double(spec_.beta2), double(t_));
  const float lr_t = float(lr_ * std::sqrt(c2) / c1);
  const float keep = 1.0f - lr_ * spec_.weight_decay;  // decoupled decay, not scaled by the bias correction
  for (size_t i = 0; i < params.size(); ++i) {
    m_[i] = spec_.beta1 * m_[i] + (1.0f - spec_.beta1) * grad[i];
    v_[i] = spec_.beta2 * v_[i] + (1.0f - spec_.beta2) * grad[i] * grad[i];
    params[i] = keep * params[i] - lr_t * m_[i] / (std::sqrt(v_[i]) + spec_.eps);
  }
}

void Adam::set_epoch(int epoch) {
  lr_ = float(double(spec_.lr) * std::pow(double(spec_.lr_decay), epoch));
}

void Adam::restore(uint64_t steps, std::vector<float> m, std::vector<float> v) {
  if (m.size() != m_.size() || v.size() != v_.size())
    throw Error("checkpoint: optimizer state does not match the network's parameter count");
  t_ = steps;
  m_ = std::move(m);
  v_ = std::move(v);
}

}  // namespace scx::train
