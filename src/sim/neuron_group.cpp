#include "silicortex/sim/neuron_group.hpp"

#include "silicortex/core/error.hpp"
#include "silicortex/core/overloaded.hpp"
#include "silicortex/core/rng.hpp"
#include "sim/groups/groups.hpp"

namespace scx::sim {
namespace {

constexpr uint64_t kInitStream = 0x696e6974;

// Initial values are drawn per neuron from a stream keyed by (population, variable): thread-count
// independent.
void apply_initial_values(NeuronGroup& g, const model::Population& pop, uint64_t seed, uint32_t pop_index) {
  for (size_t k = 0; k < pop.initial.size(); ++k) {
    const auto& init = pop.initial[k];
    float* arr = g.state(init.variable);
    if (arr == nullptr)
      throw Error("population '" + pop.name + "'.initial." + init.variable + ": no such state variable");
    RandomStream rng(seed, stream_id(kInitStream, uint64_t{pop_index} << 16 | k));
    for (uint32_t i = 0; i < pop.size; ++i) {
      arr[i] = static_cast<float>(
          std::visit(Overloaded{[&](const model::Constant& c) { return c.value; },
                                [&](const model::Uniform& u) { return rng.uniform(u.low, u.high); },
                                [&](const model::Normal& n) { return n.mean + n.sd * rng.normal(); },
                                [&](const model::ValueArray& a) { return a.values.at(i); }},
                     init.value));
    }
  }
}

}  // namespace

std::unique_ptr<NeuronGroup> make_neuron_group(const model::Population& pop, double dt_ms, uint64_t seed,
                                               uint32_t pop_index) {
  auto group = std::visit(
      Overloaded{
          [&](const model::LifCurrExp& p) {
            return make_lif_curr_exp(pop.size, p, dt_ms, pop.adaptive_threshold.has_value());
          },
          [&](const model::LifCondExp& p) {
            return make_lif_cond_exp(pop.size, p, dt_ms, pop.adaptive_threshold.has_value());
          },
          [&](const model::Izhikevich& p) { return make_izhikevich(pop.size, p, dt_ms); },
          [&](const model::AdEx& p) { return make_adex(pop.size, p, dt_ms); },
          [&](const model::PoissonSource& p) {
            return make_poisson_source(pop.size, p, dt_ms, seed, pop_index);
          },
          [&](const model::SpikeTimesSource& p) { return make_spike_times_source(pop.size, p, dt_ms); },
          [&](const model::NirNeuron& p) { return make_nir_group(pop.size, p, dt_ms); },
          [&](const model::TrueNorthNeuron& p) {
            return make_truenorth_group(pop.size, p, dt_ms, seed, pop_index);
          },
          [&](const model::LoihiCubaLif& p) { return make_loihi_cuba_group(pop.size, p); }},
      pop.params);
  apply_initial_values(*group, pop, seed, pop_index);
  return group;
}

}  // namespace scx::sim
