#pragma once
// The chip parameters of a model::TrueNorthNeuron (no weights, no destination: the compiler sets those).
// Shared by the reference engine's group and the compiler, so both run the very same neuron.
#include "silicortex/hw/truenorth_neuron.hpp"
#include "silicortex/model/neuron_models.hpp"

namespace scx::hw {

inline TrueNorthNeuronParams truenorth_params(const model::TrueNorthNeuron& m) {
  TrueNorthNeuronParams p;
  p.stochastic_weight.fill(m.stochastic_synapses != 0);
  p.leak = static_cast<int32_t>(m.leak);
  p.leak_reversal = m.leak_reversal != 0;
  p.stochastic_leak = m.stochastic_leak != 0;
  p.threshold = static_cast<int32_t>(m.threshold);
  p.neg_threshold = static_cast<int32_t>(m.neg_threshold);
  p.threshold_mask_bits = static_cast<int32_t>(m.threshold_mask_bits);
  p.neg_saturate = m.neg_saturate != 0;
  p.reset = static_cast<TnReset>(static_cast<int>(m.reset_mode));
  p.reset_value = static_cast<int32_t>(m.reset_value);
  return p;
}

}  // namespace scx::hw
