#pragma once
// SIMD kernels (Highway, runtime dispatch) for the LIF neuron updates. Each advances neurons [begin, end) by
// one step, writes the local indices of neurons that spiked to `spiked` and returns how many. Ranges are
// 16-aligned and arrays are 64-byte aligned and padded.
#include <cstdint>

#include "silicortex/sim/neuron_group.hpp"

namespace scx::sim {

struct LifArrays {
  float* v;
  float* syn_exc;  // current (pA) or conductance (nS)
  float* syn_inh;
  float* ref_steps_left;
  const float*
      theta;  // added to the threshold (adaptive threshold, learning/adaptive_threshold.hpp); or null
  bool input_in_state = false;  // syn_exc / syn_inh are the input slots (NeuronGroup::keep_input_in_state)
};

// Exact propagators for iaf_psc_exp (Rotter & Diesmann 1999), relative to e_l.
struct LifCurrExpCoeffs {
  float leak, p21_exc, p21_inh, p20;  // 1 - e^{-h/tau_m}; synaptic-current and DC propagators
  float decay_exc, decay_inh;
  float e_l, v_th, v_reset, i_e, ref_steps;
};

// Exponential Euler for the conductance-based membrane; exact conductance decay.
struct LifCondExpCoeffs {
  float g_l, e_l, e_exc, e_inh, neg_dt_over_c;
  float decay_exc, decay_inh;
  float v_th, v_reset, i_e, ref_steps;
};

uint32_t lif_curr_exp_step(const LifCurrExpCoeffs& c, const LifArrays& s, const StepInput& in, uint32_t begin,
                           uint32_t end, uint32_t* spiked);
uint32_t lif_cond_exp_step(const LifCondExpCoeffs& c, const LifArrays& s, const StepInput& in, uint32_t begin,
                           uint32_t end, uint32_t* spiked);

}  // namespace scx::sim
