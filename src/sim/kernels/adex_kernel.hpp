#pragma once
// SIMD kernel (Highway, runtime dispatch) for the AdEx update: forward Euler over `substeps` sub-steps per
// step in double precision, a vector of neurons at a time.
#include <cstdint>

#include "silicortex/sim/neuron_group.hpp"

namespace scx::sim {

struct AdExArrays {
  float *v, *w, *i_exc, *i_inh, *ref_steps_left;
};

struct AdExCoeffs {
  double g_l, e_l, v_t, delta_t, v_peak, v_reset, inv_c_m, inv_tau_w, a, b, i_e;
  double h_sub, decay_exc, decay_inh;  // the sub-step and the synaptic currents' decay over it
  int substeps;
  float ref_steps;
};

// Advances neurons [begin, end) (16-aligned, arrays padded) by one step; writes the local indices of those
// that spiked to `spiked`, ascending, and returns how many.
uint32_t adex_step(const AdExCoeffs& c, const AdExArrays& s, const StepInput& in, uint32_t begin,
                   uint32_t end, uint32_t* spiked);

}  // namespace scx::sim
