#include "silicortex/learning/adaptive_threshold.hpp"

#include <cmath>

namespace scx::learning {

AdaptiveThreshold::AdaptiveThreshold(const model::AdaptiveThreshold& spec, double dt_ms)
    : decay_(std::exp(-dt_ms / spec.tau_theta_ms)), theta_plus_(spec.theta_plus_mv) {}

void AdaptiveThreshold::step(double* theta, float* theta_out, uint32_t begin, uint32_t end,
                             const std::vector<uint32_t>& spikes) const {
  for (uint32_t i = begin; i < end; ++i) theta[i] *= decay_;
  for (uint32_t i : spikes) theta[i] += theta_plus_;
  for (uint32_t i = begin; i < end; ++i) theta_out[i] = static_cast<float>(theta[i]);
}

}  // namespace scx::learning
