#pragma once
// Factories of the lowered groups, one per neuron model (the files beside this one).
#include <memory>

#include "silicortex/sim/neuron_group.hpp"

namespace scx::sim {

std::unique_ptr<NeuronGroup> make_lif_curr_exp(uint32_t size, const model::LifCurrExp& p, double dt_ms);
std::unique_ptr<NeuronGroup> make_lif_cond_exp(uint32_t size, const model::LifCondExp& p, double dt_ms);
std::unique_ptr<NeuronGroup> make_izhikevich(uint32_t size, const model::Izhikevich& p, double dt_ms);
std::unique_ptr<NeuronGroup> make_adex(uint32_t size, const model::AdEx& p, double dt_ms);
std::unique_ptr<NeuronGroup> make_poisson_source(uint32_t size, const model::PoissonSource& p, double dt_ms,
                                                 uint64_t seed, uint32_t pop_index);
std::unique_ptr<NeuronGroup> make_spike_times_source(uint32_t size, const model::SpikeTimesSource& p, double dt_ms);

}  // namespace scx::sim
