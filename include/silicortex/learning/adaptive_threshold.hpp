#pragma once
// Homeostatic adaptive threshold (Diehl & Cook 2015) as a learning-layer object: the neuron group only adds
// theta to its threshold; this object owns theta's dynamics. Per step s, after the group's update:
//   theta(s+1) = theta(s) * e^{-dt/tau_theta} + theta_plus * [neuron spiked at s]
// so after spikes at steps s_k, theta(s) = theta(0) e^{-s dt/tau} + theta_plus * sum_k e^{-(s - 1 - s_k)
// dt/tau}. Theta is kept in double: with tau_theta = 1e7 ms one step's decay (1 - 5e-8) is below float
// resolution.
#include <cstdint>
#include <vector>

#include "silicortex/model/plasticity.hpp"

namespace scx::learning {

class AdaptiveThreshold {
 public:
  AdaptiveThreshold(const model::AdaptiveThreshold& spec, double dt_ms);

  // Advances theta of neurons [begin, end) by one step; `spikes` are this step's spiking neurons (ascending,
  // within the range). Writes the float copy the neuron kernel reads.
  void step(double* theta, float* theta_out, uint32_t begin, uint32_t end,
            const std::vector<uint32_t>& spikes) const;

  double decay_per_step() const { return decay_; }
  double theta_plus() const { return theta_plus_; }

 private:
  double decay_, theta_plus_;
};

}  // namespace scx::learning
