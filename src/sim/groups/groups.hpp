#pragma once
// Factories of the lowered groups, one per neuron model (the files beside this one).
#include <algorithm>
#include <cmath>
#include <memory>

#include "silicortex/sim/neuron_group.hpp"

namespace scx::sim {

// Updates during which v is held at reset after a spike. A spike from the update of step s is stamped s * dt
// (Brian2's convention), so holding the updates of steps s+1 .. s+n-1 with n = t_ref / dt makes the neuron
// integrate again from (s + n) * dt = stamp + t_ref, exactly as Brian2 does.
inline float refractory_updates(double t_ref_ms, double dt_ms) {
  return static_cast<float>(std::max(0.0, std::round(t_ref_ms / dt_ms) - 1));
}

// `adaptive`: the group gets a "theta" array added to its threshold (model::AdaptiveThreshold).
std::unique_ptr<NeuronGroup> make_lif_curr_exp(uint32_t size, const model::LifCurrExp& p, double dt_ms,
                                               bool adaptive);
std::unique_ptr<NeuronGroup> make_lif_cond_exp(uint32_t size, const model::LifCondExp& p, double dt_ms,
                                               bool adaptive);
std::unique_ptr<NeuronGroup> make_izhikevich(uint32_t size, const model::Izhikevich& p, double dt_ms);
std::unique_ptr<NeuronGroup> make_adex(uint32_t size, const model::AdEx& p, double dt_ms);
// Poisson sources accept per-neuron rates later (NeuronGroup::set_rates_hz).
std::unique_ptr<NeuronGroup> make_poisson_source(uint32_t size, const model::PoissonSource& p, double dt_ms,
                                                 uint64_t seed, uint32_t pop_index);
std::unique_ptr<NeuronGroup> make_nir_group(uint32_t size, const model::NirNeuron& p, double dt_ms);
std::unique_ptr<NeuronGroup> make_truenorth_group(uint32_t size, const model::TrueNorthNeuron& p,
                                                  double dt_ms, uint64_t seed, uint32_t pop_index);
std::unique_ptr<NeuronGroup> make_loihi_cuba_group(uint32_t size, const model::LoihiCubaLif& p);
std::unique_ptr<NeuronGroup> make_spike_times_source(uint32_t size, const model::SpikeTimesSource& p,
                                                     double dt_ms);

}  // namespace scx::sim
