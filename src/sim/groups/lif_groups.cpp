// Lowered LIF populations (current- and conductance-based): SoA state plus precomputed propagators; the
// update itself is a SIMD kernel (sim/kernels/lif_kernels).
#include <cmath>

#include "sim/groups/groups.hpp"
#include "sim/groups/soa_arrays.hpp"
#include "sim/kernels/lif_kernels.hpp"

namespace scx::sim {
namespace {

// Propagator from an exponentially decaying current (time constant tau_s) into the membrane over one step h:
// (1/C) * integral_0^h e^{-(h-s)/tau_m} e^{-s/tau_s} ds, with the tau_s == tau_m limit handled.
double current_to_membrane(double tau_m, double tau_s, double c_m, double h) {
  if (std::fabs(tau_m - tau_s) < 1e-9 * tau_m) return h / c_m * std::exp(-h / tau_m);
  return tau_m * tau_s / (c_m * (tau_s - tau_m)) * (std::exp(-h / tau_s) - std::exp(-h / tau_m));
}

class LifGroupBase : public NeuronGroup {
 public:
  // With an adaptive threshold the group holds "theta" (written by the engine's learning::AdaptiveThreshold);
  // without, there is no array and the kernel skips the add.
  LifGroupBase(uint32_t size, double e_l, const char* syn_exc, const char* syn_inh, bool adaptive)
      : NeuronGroup(size), arrays_(padded_size()), syn_exc_name_(syn_exc), syn_inh_name_(syn_inh) {
    lif_.v = arrays_.add("v", static_cast<float>(e_l));
    lif_.syn_exc = arrays_.add(syn_exc, 0.0f);
    lif_.syn_inh = arrays_.add(syn_inh, 0.0f);
    lif_.ref_steps_left = arrays_.add("ref_steps_left", 0.0f);
    lif_.theta = adaptive ? arrays_.add("theta", 0.0f) : nullptr;
  }
  float* state(const std::string& variable) override { return arrays_.find(variable); }
  bool can_keep_input_in_state() const override { return true; }  // input adds to the current / conductance
  void keep_input_in_state(float* exc, float* inh) override {
    lif_.syn_exc = arrays_.move_to(syn_exc_name_, exc);
    lif_.syn_inh = arrays_.move_to(syn_inh_name_, inh);
    lif_.input_in_state = true;
  }

 protected:
  // Padding neurons beyond size() are simulated (whole vectors are cheaper) but their spikes are dropped.
  void collect(const uint32_t* spiked, uint32_t n, std::vector<uint32_t>& spikes) const {
    for (uint32_t k = 0; k < n; ++k)
      if (spiked[k] < size_) spikes.push_back(spiked[k]);
  }
  SoaArrays arrays_;
  const char* syn_exc_name_;
  const char* syn_inh_name_;
  LifArrays lif_{};
};

class LifCurrExpGroup final : public LifGroupBase {
 public:
  LifCurrExpGroup(uint32_t size, const model::LifCurrExp& p, double h, bool adaptive)
      : LifGroupBase(size, p.e_l_mv, "i_exc", "i_inh", adaptive) {
    c_.leak = static_cast<float>(-std::expm1(-h / p.tau_m_ms));
    c_.p21_exc = static_cast<float>(current_to_membrane(p.tau_m_ms, p.tau_syn_exc_ms, p.c_m_pf, h));
    c_.p21_inh = static_cast<float>(current_to_membrane(p.tau_m_ms, p.tau_syn_inh_ms, p.c_m_pf, h));
    c_.p20 = static_cast<float>(-p.tau_m_ms / p.c_m_pf * std::expm1(-h / p.tau_m_ms));
    c_.decay_exc = static_cast<float>(std::exp(-h / p.tau_syn_exc_ms));
    c_.decay_inh = static_cast<float>(std::exp(-h / p.tau_syn_inh_ms));
    c_.e_l = static_cast<float>(p.e_l_mv);
    c_.v_th = static_cast<float>(p.v_th_mv);
    c_.v_reset = static_cast<float>(p.v_reset_mv);
    c_.i_e = static_cast<float>(p.i_e_pa);
    c_.ref_steps = refractory_updates(p.t_ref_ms, h);
  }
  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    collect(in.scratch, lif_curr_exp_step(c_, lif_, in, begin, end, in.scratch), spikes);
  }

 private:
  LifCurrExpCoeffs c_{};
};

class LifCondExpGroup final : public LifGroupBase {
 public:
  LifCondExpGroup(uint32_t size, const model::LifCondExp& p, double h, bool adaptive)
      : LifGroupBase(size, p.e_l_mv, "g_exc", "g_inh", adaptive) {
    c_.g_l = static_cast<float>(p.g_l_ns);
    c_.e_l = static_cast<float>(p.e_l_mv);
    c_.e_exc = static_cast<float>(p.e_exc_mv);
    c_.e_inh = static_cast<float>(p.e_inh_mv);
    c_.neg_dt_over_c =
        static_cast<float>(-h / p.c_m_pf);  // ms / pF times nS gives the dimensionless exponent
    c_.decay_exc = static_cast<float>(std::exp(-h / p.tau_syn_exc_ms));
    c_.decay_inh = static_cast<float>(std::exp(-h / p.tau_syn_inh_ms));
    c_.v_th = static_cast<float>(p.v_th_mv);
    c_.v_reset = static_cast<float>(p.v_reset_mv);
    c_.i_e = static_cast<float>(p.i_e_pa);
    c_.ref_steps = refractory_updates(p.t_ref_ms, h);
  }
  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    collect(in.scratch, lif_cond_exp_step(c_, lif_, in, begin, end, in.scratch), spikes);
  }

 private:
  LifCondExpCoeffs c_{};
};

}  // namespace

std::unique_ptr<NeuronGroup> make_lif_curr_exp(uint32_t size, const model::LifCurrExp& p, double dt_ms,
                                               bool adaptive) {
  return std::make_unique<LifCurrExpGroup>(size, p, dt_ms, adaptive);
}

std::unique_ptr<NeuronGroup> make_lif_cond_exp(uint32_t size, const model::LifCondExp& p, double dt_ms,
                                               bool adaptive) {
  return std::make_unique<LifCondExpGroup>(size, p, dt_ms, adaptive);
}

}  // namespace scx::sim
