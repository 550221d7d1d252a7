// The reference group of model::TrueNorthNeuron: the chip's integer arithmetic (hw::TrueNorthNeurons, the
// same code the chip's scalar path runs), one tick every `tick_ms`. Input arriving between ticks is summed
// and applied at the next tick, as the chip's delay slots do; the float "v" array is the authoritative state,
// so initial values and probes work as for any group (integers up to 2^24 are exact in float).
#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/hw/truenorth_from_model.hpp"
#include "sim/groups/groups.hpp"

namespace scx::sim {
namespace {

class TrueNorthGroup final : public NeuronGroup {
 public:
  TrueNorthGroup(uint32_t size, const model::TrueNorthNeuron& m, double dt_ms, uint64_t seed,
                 uint32_t pop_index)
      : NeuronGroup(size),
        neurons_(size, static_cast<int>(m.potential_bits)),
        seed_(seed),
        pop_index_(pop_index),
        stochastic_(m.stochastic_synapses != 0) {
    const double k = std::round(m.tick_ms / dt_ms);
    if (k < 1 || std::fabs(k * dt_ms - m.tick_ms) > 1e-9 * m.tick_ms)
      throw Error("truenorth population: tick_ms " + std::to_string(m.tick_ms) +
                  " is not a whole number of dt " + std::to_string(dt_ms) + " ms");
    steps_per_tick_ = static_cast<int64_t>(k);
    const auto p = hw::truenorth_params(m);
    for (uint32_t j = 0; j < size; ++j) neurons_.set(j, p);
    v_.assign(padded_size(), 0.0f);
    input_.assign(padded_size(), 0.0);
  }
  float* state(const std::string& variable) override { return variable == "v" ? v_.data() : nullptr; }

  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    for (uint32_t j = begin; j < end; ++j) {
      input_[j] += double(in.in_exc[j]) + double(in.in_inh[j]);
      in.in_exc[j] = in.in_inh[j] = 0.0f;
    }
    if (in.step % steps_per_tick_ != 0) return;
    const auto tick = static_cast<uint32_t>(in.step / steps_per_tick_);
    const hw::TnRandom rng(seed_, pop_index_, tick);
    for (uint32_t j = begin; j < std::min(end, size_); ++j) {
      neurons_.v_[j] = static_cast<int32_t>(std::lround(v_[j]));
      const auto w = static_cast<int64_t>(std::llround(input_[j]));
      input_[j] = 0.0;
      // Stochastic synapses step by sgn(w) per unit of weight (one draw per tick: a statistical stand-in).
      neurons_.acc_[j] =
          static_cast<int32_t>(stochastic_ ? hw::tn_stochastic(static_cast<int32_t>(w), rng.rho8(j, 0)) : w);
      if (neurons_.leak_threshold_reset(j, rng)) spikes.push_back(j);
      v_[j] = static_cast<float>(neurons_.v(j));
    }
  }

 private:
  hw::TrueNorthNeurons neurons_;
  std::vector<float> v_;
  std::vector<double> input_;
  uint64_t seed_;
  uint32_t pop_index_;
  bool stochastic_;
  int64_t steps_per_tick_ = 1;
};

}  // namespace

std::unique_ptr<NeuronGroup> make_truenorth_group(uint32_t size, const model::TrueNorthNeuron& p,
                                                  double dt_ms, uint64_t seed, uint32_t pop_index) {
  return std::make_unique<TrueNorthGroup>(size, p, dt_ms, seed, pop_index);
}

}  // namespace scx::sim
