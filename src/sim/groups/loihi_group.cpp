// The reference group of model::LoihiCubaLif: hw::LoihiLifBitAcc (Lava's bit-accurate arithmetic) stepped
// once per engine step on the integer sum of the step's synaptic input. One single-neuron LoihiLifBitAcc per
// neuron, so that each thread steps exactly its own range. "v" and "u" mirror the integer state for probes.
#include <algorithm>
#include <cmath>

#include "silicortex/hw/loihi_lif.hpp"
#include "sim/groups/groups.hpp"

namespace scx::sim {
namespace {

class LoihiCubaGroup final : public NeuronGroup {
 public:
  LoihiCubaGroup(uint32_t size, const model::LoihiCubaLif& m) : NeuronGroup(size) {
    const hw::LoihiLifParams p{static_cast<int32_t>(m.du), static_cast<int32_t>(m.dv),
                               static_cast<int32_t>(m.vth)};
    lif_.reserve(size);
    for (uint32_t j = 0; j < size; ++j) {
      lif_.emplace_back(1, p);
      lif_.back().set_bias(0, static_cast<int32_t>(m.bias_mant), static_cast<int32_t>(m.bias_exp));
    }
    v_.assign(padded_size(), 0.0f);
    u_.assign(padded_size(), 0.0f);
  }
  float* state(const std::string& variable) override {
    return variable == "v" ? v_.data() : variable == "u" ? u_.data() : nullptr;
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    for (uint32_t j = begin; j < end; ++j) {
      const double a = std::round(double(in.in_exc[j]) + double(in.in_inh[j]));
      in.in_exc[j] = in.in_inh[j] = 0.0f;
      if (j >= size_) continue;
      const auto a_in = static_cast<int32_t>(std::clamp(a, -double(kMaxInput), double(kMaxInput)));
      uint8_t fired = 0;
      lif_[j].step(&a_in, &fired);
      v_[j] = static_cast<float>(lif_[j].v(0));
      u_[j] = static_cast<float>(lif_[j].u(0));
      if (fired) spikes.push_back(j);
    }
  }

  static constexpr int32_t kMaxInput = 1 << 24;  // a_in * 64 stays within int32

 private:
  std::vector<hw::LoihiLifBitAcc> lif_;
  std::vector<float> v_, u_;
};

}  // namespace

std::unique_ptr<NeuronGroup> make_loihi_cuba_group(uint32_t size, const model::LoihiCubaLif& p) {
  return std::make_unique<LoihiCubaGroup>(size, p);
}

}  // namespace scx::sim
