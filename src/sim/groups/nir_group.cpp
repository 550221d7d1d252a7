// Lowered NIR populations (model::NirNeuron): the NIR neuron equations under forward Euler, with per-neuron
// coefficients precomputed once. Plain loops over SoA arrays; the compiler vectorises the arithmetic.
#include <algorithm>
#include <cmath>

#include "sim/groups/groups.hpp"
#include "sim/groups/soa_arrays.hpp"

namespace scx::sim {
namespace {

using Kind = model::NirNeuron::Kind;

// Value i of a NIR parameter array: per neuron, one shared value, or the default when empty.
double at(const std::vector<double>& a, uint32_t i, double fallback) {
  return a.empty() ? fallback : a[a.size() == 1 ? 0 : i];
}

class NirGroup final : public NeuronGroup {
 public:
  NirGroup(uint32_t size, const model::NirNeuron& p, double dt_ms)
      : NeuronGroup(size),
        kind_(p.kind),
        subtract_(p.reset == model::NirNeuron::Reset::Subtract),
        graded_(kind_ == Kind::I || kind_ == Kind::LI || kind_ == Kind::CubaLI),
        hold_steps_(p.hold_steps),
        arrays_(padded_size()) {
    const double dt = dt_ms * 1e-3;  // NIR time constants are in seconds
    v_ = arrays_.add("v", 0.0f);
    i_syn_ = arrays_.add("i_syn", 0.0f);
    k_leak_ = arrays_.add("k_leak", 0.0f);
    k_in_ = arrays_.add("k_in", 0.0f);
    k_syn_ = arrays_.add("k_syn", 0.0f);
    w_in_ = arrays_.add("w_in", 0.0f);
    v_leak_ = arrays_.add("v_leak", 0.0f);
    v_th_ = arrays_.add("v_threshold", INFINITY);  // padding neurons never spike
    v_reset_ = arrays_.add("v_reset", 0.0f);
    bias_ = arrays_.add("bias", 0.0f);
    out_ = arrays_.add("out", 0.0f);
    const bool leaky =
        kind_ == Kind::LI || kind_ == Kind::LIF || kind_ == Kind::CubaLI || kind_ == Kind::CubaLIF;
    for (uint32_t i = 0; i < size; ++i) {
      const double r = at(p.r, i, 1.0);
      const double tau = at(p.tau_s, i, 1.0);
      // tau dv/dt = (v_leak - v) + r I  ->  v += (dt/tau)(v_leak - v) + (dt r/tau) I;  integrators: v += dt r
      // I.
      k_leak_[i] = leaky ? static_cast<float>(dt / tau) : 0.0f;
      k_in_[i] = static_cast<float>(leaky ? dt * r / tau : dt * r);
      k_syn_[i] = static_cast<float>(dt / at(p.tau_syn_s, i, 1.0));
      w_in_[i] = static_cast<float>(at(p.w_in, i, 1.0));
      v_leak_[i] = static_cast<float>(at(p.v_leak, i, 0.0));
      v_reset_[i] = static_cast<float>(at(p.v_reset, i, 0.0));
      bias_[i] = static_cast<float>(at(p.bias, i, 0.0));
      const bool spiking =
          kind_ == Kind::IF || kind_ == Kind::LIF || kind_ == Kind::CubaLIF || kind_ == Kind::Threshold;
      v_th_[i] = spiking ? static_cast<float>(at(p.v_threshold, i, 0.0)) : INFINITY;
      v_[i] = kind_ == Kind::Threshold ? 0.0f : v_leak_[i];
    }
  }

  float* state(const std::string& variable) override {
    return variable == "v" ? v_ : variable == "i_syn" ? i_syn_ : nullptr;
  }

  // I, LI and CubaLI do not spike: their v is what the edges after them carry (0 until the group starts, as
  // NIRTorch's zero-initialised previous output).
  const float* graded_output() override { return graded_ ? out_ : nullptr; }

  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    float* ex = in.in_exc;
    float* ih = in.in_inh;
    if (in.step < hold_steps_) {  // not started yet: input (there should be none) is dropped
      for (uint32_t i = begin; i < end; ++i) ex[i] = ih[i] = 0.0f;
      return;
    }
    const bool cuba = kind_ == Kind::CubaLI || kind_ == Kind::CubaLIF;
    for (uint32_t i = begin; i < end; ++i) {
      const float x = ex[i] + ih[i] + bias_[i];
      ex[i] = ih[i] = 0.0f;
      if (kind_ == Kind::Threshold) {
        v_[i] = x;
        continue;
      }
      // Synaptic current first, so input of this step reaches v in this step (snnTorch's order).
      float drive = x;
      if (cuba) drive = i_syn_[i] = i_syn_[i] + k_syn_[i] * (w_in_[i] * x - i_syn_[i]);
      v_[i] += k_leak_[i] * (v_leak_[i] - v_[i]) + k_in_[i] * drive;
    }
    if (graded_) {
      std::copy(v_ + begin, v_ + end, out_ + begin);
      std::fill(out_ + std::max(begin, std::min(end, size_)), out_ + end, 0.0f);  // padding sends nothing
      return;
    }
    for (uint32_t i = begin; i < std::min(end, size_); ++i) {
      if (!(v_[i] > v_th_[i])) continue;
      spikes.push_back(i);
      if (kind_ != Kind::Threshold) v_[i] = subtract_ ? v_[i] - v_th_[i] : v_reset_[i];
    }
  }

 private:
  Kind kind_;
  bool subtract_;
  bool graded_;
  int64_t hold_steps_;
  SoaArrays arrays_;
  float *v_, *i_syn_, *k_leak_, *k_in_, *k_syn_, *w_in_, *v_leak_, *v_th_, *v_reset_, *bias_, *out_;
};

}  // namespace

std::unique_ptr<NeuronGroup> make_nir_group(uint32_t size, const model::NirNeuron& p, double dt_ms) {
  return std::make_unique<NirGroup>(size, p, dt_ms);
}

}  // namespace scx::sim
