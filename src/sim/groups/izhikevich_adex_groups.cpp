// Izhikevich and AdEx populations: nonlinear models integrated with forward Euler, as NEST does.
#include <algorithm>
#include <cmath>

#include "sim/groups/groups.hpp"
#include "sim/groups/soa_arrays.hpp"
#include "sim/kernels/adex_kernel.hpp"

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
  AdExGroup(uint32_t size, const model::AdEx& p, double h) : NeuronGroup(size), arrays_(padded_size()) {
    c_.substeps = std::max(1, static_cast<int>(std::ceil(h / 0.01 - 1e-9)));
    c_.h_sub = h / c_.substeps;
    c_.decay_exc = std::exp(-c_.h_sub / p.tau_syn_exc_ms);
    c_.decay_inh = std::exp(-c_.h_sub / p.tau_syn_inh_ms);
    c_.ref_steps = refractory_updates(p.t_ref_ms, h);
    c_.g_l = p.g_l_ns;
    c_.e_l = p.e_l_mv;
    c_.v_t = p.v_t_mv;
    c_.delta_t = p.delta_t_mv;
    c_.v_peak = p.v_peak_mv;
    c_.v_reset = p.v_reset_mv;
    c_.inv_c_m = 1.0 / p.c_m_pf;
    c_.inv_tau_w = 1.0 / p.tau_w_ms;
    c_.a = p.a_ns;
    c_.b = p.b_pa;
    c_.i_e = p.i_e_pa;
    s_.v = arrays_.add("v", static_cast<float>(p.e_l_mv));
    s_.w = arrays_.add("w", 0.0f);
    s_.i_exc = arrays_.add("i_exc", 0.0f);
    s_.i_inh = arrays_.add("i_inh", 0.0f);
    s_.ref_steps_left = arrays_.add("ref_steps_left", 0.0f);
  }
  float* state(const std::string& variable) override { return arrays_.find(variable); }

  // Forward Euler over sub-steps of at most 0.01 ms (the exponential term is stiff near threshold), in
  // double precision, a vector of neurons at a time (kernels/adex_kernel.hpp).
  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    const uint32_t n = adex_step(c_, s_, in, begin, end, in.scratch);
    for (uint32_t k = 0; k < n; ++k)
      if (in.scratch[k] < size_) spikes.push_back(in.scratch[k]);  // padding neurons run but do not spike
  }

 private:
  AdExCoeffs c_{};
  SoaArrays arrays_;
  AdExArrays s_{};
};

}  // namespace

std::unique_ptr<NeuronGroup> make_izhikevich(uint32_t size, const model::Izhikevich& p, double dt_ms) {
  return std::make_unique<IzhikevichGroup>(size, p, dt_ms);
}

std::unique_ptr<NeuronGroup> make_adex(uint32_t size, const model::AdEx& p, double dt_ms) {
  return std::make_unique<AdExGroup>(size, p, dt_ms);
}

}  // namespace scx::sim
