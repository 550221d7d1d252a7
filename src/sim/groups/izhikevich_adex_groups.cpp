// Izhikevich and AdEx populations: nonlinear models integrated with forward Euler, as NEST does.
#include <algorithm>
#include <cmath>

#include "sim/groups/groups.hpp"
#include "sim/groups/soa_arrays.hpp"

namespace scx::sim {
namespace {

class IzhikevichGroup final : public NeuronGroup {
 public:
  IzhikevichGroup(uint32_t size, const model::Izhikevich& p, double h)
      : NeuronGroup(size), p_(p), h_(h), arrays_(padded_size()) {
    v_ = arrays_.add("v", static_cast<float>(p.c_mv));
    u_ = arrays_.add("u", static_cast<float>(p.u_init));
  }
  float* state(const std::string& variable) override { return arrays_.find(variable); }

  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    const float h = static_cast<float>(h_), a = static_cast<float>(p_.a), b = static_cast<float>(p_.b);
    const float i_e = static_cast<float>(p_.i_e), v_th = static_cast<float>(p_.v_th_mv);
    const float c = static_cast<float>(p_.c_mv), d = static_cast<float>(p_.d);
    for (uint32_t i = begin; i < std::min(end, size_); ++i) {
      const float v = v_[i], u = u_[i];
      const float drive = i_e + (in.i_stim ? in.i_stim[i] : 0.0f);
      // Delta synapses: the input is a voltage jump in mV.
      float v_new = v + h * (0.04f * v * v + 5.0f * v + 140.0f - u + drive) + in.in_exc[i] + in.in_inh[i];
      in.in_exc[i] = in.in_inh[i] = 0.0f;
      float u_new = u + h * a * (b * v - u);
      if (v_new >= v_th) {
        v_new = c;
        u_new += d;
        spikes.push_back(i);
      }
      v_[i] = v_new;
      u_[i] = u_new;
    }
  }

 private:
  model::Izhikevich p_;
  double h_;
  SoaArrays arrays_;
  float* v_;
  float* u_;
};

class AdExGroup final : public NeuronGroup {
 public:
  AdExGroup(uint32_t size, const model::AdEx& p, double h)
      : NeuronGroup(size), p_(p), arrays_(padded_size()) {
    substeps_ = std::max(1, static_cast<int>(std::ceil(h / 0.01 - 1e-9)));
    hs_ = h / substeps_;
    decay_exc_ = std::exp(-hs_ / p.tau_syn_exc_ms);
    decay_inh_ = std::exp(-hs_ / p.tau_syn_inh_ms);
    ref_steps_ = refractory_updates(p.t_ref_ms, h);
    v_ = arrays_.add("v", static_cast<float>(p.e_l_mv));
    w_ = arrays_.add("w", 0.0f);
    ie_ = arrays_.add("i_exc", 0.0f);
    ii_ = arrays_.add("i_inh", 0.0f);
    ref_ = arrays_.add("ref_steps_left", 0.0f);
  }
  float* state(const std::string& variable) override { return arrays_.find(variable); }

  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    const auto& p = p_;
    for (uint32_t i = begin; i < std::min(end, size_); ++i) {
      double v = v_[i], w = w_[i], ie = ie_[i] + in.in_exc[i], ii = ii_[i] + in.in_inh[i];
      in.in_exc[i] = in.in_inh[i] = 0.0f;
      const double drive = p.i_e_pa + (in.i_stim ? in.i_stim[i] : 0.0);
      bool spiked = false;
      for (int k = 0; k < substeps_; ++k) {
        const bool refractory = ref_[i] > 0;
        const double exp_arg =
            std::min((v - p.v_t_mv) / p.delta_t_mv, 20.0);  // bounded: v is reset at v_peak
        const double dv = refractory ? 0.0
                                     : (-p.g_l_ns * (v - p.e_l_mv) +
                                        p.g_l_ns * p.delta_t_mv * std::exp(exp_arg) - w + ie + ii + drive) /
                                           p.c_m_pf;
        const double dw = (p.a_ns * (v - p.e_l_mv) - w) / p.tau_w_ms;
        v += hs_ * dv;
        w += hs_ * dw;
        ie *= decay_exc_;
        ii *= decay_inh_;
        if (!refractory && v >= p.v_peak_mv && !spiked) {
          v = p.v_reset_mv;
          w += p.b_pa;
          spiked = true;
          ref_[i] = ref_steps_ + 1;  // decremented below for this step
        }
      }
      if (ref_[i] > 0) ref_[i] -= 1;
      if (spiked) spikes.push_back(i);
      v_[i] = static_cast<float>(v);
      w_[i] = static_cast<float>(w);
      ie_[i] = static_cast<float>(ie);
      ii_[i] = static_cast<float>(ii);
    }
  }

 private:
  model::AdEx p_;
  int substeps_;
  double hs_, decay_exc_, decay_inh_;
  float ref_steps_;
  SoaArrays arrays_;
  float *v_, *w_, *ie_, *ii_, *ref_;
};

}  // namespace

std::unique_ptr<NeuronGroup> make_izhikevich(uint32_t size, const model::Izhikevich& p, double dt_ms) {
  return std::make_unique<IzhikevichGroup>(size, p, dt_ms);
}

std::unique_ptr<NeuronGroup> make_adex(uint32_t size, const model::AdEx& p, double dt_ms) {
  return std::make_unique<AdExGroup>(size, p, dt_ms);
}

}  // namespace scx::sim
