#pragma once
// The narrow interface between the engine's step loop and a population's lowered SoA state. The engine calls
// update() once per group per step for a contiguous, 16-aligned range of neurons owned by one thread; there
// is no virtual call per neuron or per synapse.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "silicortex/model/network.hpp"

namespace scx::sim {

inline constexpr uint32_t kLaneAlign = 16;  // neuron ranges and array sizes are multiples of this
inline uint32_t align_up(uint32_t n) {
  return (n + kLaneAlign - 1) / kLaneAlign * kLaneAlign;
}

// Input to one update of neurons [begin, end) (local indices). in_exc/in_inh hold the synaptic input that
// arrives at this step (current in pA, conductance in nS, or voltage in mV depending on the model), indexed
// by local neuron; the group consumes it and leaves zeros (the ring-buffer slot is reused), unless it keeps
// its synaptic state in them (NeuronGroup::keep_input_in_state). i_stim holds injected current (pA), or is
// nullptr when no current step targets the group.
struct StepInput {
  int64_t step = 0;
  float* in_exc = nullptr;
  float* in_inh = nullptr;
  const float* i_stim = nullptr;
  uint32_t* scratch = nullptr;  // per-thread buffer of at least end - begin entries, for the group's own use
};

class NeuronGroup {
 public:
  explicit NeuronGroup(uint32_t size) : size_(size), padded_size_(align_up(size)) {}
  virtual ~NeuronGroup() = default;

  uint32_t size() const { return size_; }
  uint32_t padded_size() const { return padded_size_; }

  // Advances neurons [begin, end) by one step and appends the local indices of those that spiked, ascending.
  virtual void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) = 0;

  // When every synapse has a one-step delay, a ring slot is filled by one step's delivery and emptied by the
  // next update. A model whose synaptic variables take input by plain addition (a LIF's current or
  // conductance) can then keep those variables in the slot itself: spikes add straight into the state, and
  // the update reads one array per receptor instead of the state plus a slot it must clear.
  // keep_input_in_state() moves the two arrays (padded_size() entries, local index) to `exc` and `inh`, where
  // the engine delivers and passes them as in_exc / in_inh from then on.
  virtual bool can_keep_input_in_state() const { return false; }
  virtual void keep_input_in_state(float* /*exc*/, float* /*inh*/) {}

  // Per-neuron rates (size() values) for rate-coded sources; false for groups that have no rates.
  virtual bool set_rates_hz(const std::vector<double>& /*rates_hz*/) { return false; }

  // SoA state arrays by variable name (model::state_variables); nullptr for an unknown name.
  virtual float* state(const std::string& variable) = 0;

  // Graded (non-spiking) groups: the value each neuron sends through its outgoing synapses after every update
  // (weight x value, instead of weight per spike), indexed by local neuron. nullptr for spiking groups. Such
  // a group appends no spikes; the engine delivers its nonzero values every step.
  virtual const float* graded_output() { return nullptr; }

 protected:
  uint32_t size_;
  uint32_t padded_size_;
};

// Creates the lowered group for a population. `seed` and `pop_index` key the group's random streams.
std::unique_ptr<NeuronGroup> make_neuron_group(const model::Population& pop, double dt_ms, uint64_t seed,
                                               uint32_t pop_index);

}  // namespace scx::sim
