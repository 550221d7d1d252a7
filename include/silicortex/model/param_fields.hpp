#pragma once
// The numeric parameters of each neuron model as (name, member) rows in struct order. The names are the C++
// field names, which the TOML format (io/toml_model.hpp) and the Python module both use.
#include <iterator>
#include <span>

#include "silicortex/model/neuron_models.hpp"

namespace scx::model {

template <class M>
struct ParamField {
  const char* name;
  double M::*member;
};

inline constexpr ParamField<LifCurrExp> kLifCurrExpFields[] = {
    {"c_m_pf", &LifCurrExp::c_m_pf},
    {"tau_m_ms", &LifCurrExp::tau_m_ms},
    {"tau_syn_exc_ms", &LifCurrExp::tau_syn_exc_ms},
    {"tau_syn_inh_ms", &LifCurrExp::tau_syn_inh_ms},
    {"t_ref_ms", &LifCurrExp::t_ref_ms},
    {"e_l_mv", &LifCurrExp::e_l_mv},
    {"v_reset_mv", &LifCurrExp::v_reset_mv},
    {"v_th_mv", &LifCurrExp::v_th_mv},
    {"i_e_pa", &LifCurrExp::i_e_pa}};
inline constexpr ParamField<LifCondExp> kLifCondExpFields[] = {
    {"c_m_pf", &LifCondExp::c_m_pf},
    {"g_l_ns", &LifCondExp::g_l_ns},
    {"tau_syn_exc_ms", &LifCondExp::tau_syn_exc_ms},
    {"tau_syn_inh_ms", &LifCondExp::tau_syn_inh_ms},
    {"t_ref_ms", &LifCondExp::t_ref_ms},
    {"e_l_mv", &LifCondExp::e_l_mv},
    {"e_exc_mv", &LifCondExp::e_exc_mv},
    {"e_inh_mv", &LifCondExp::e_inh_mv},
    {"v_reset_mv", &LifCondExp::v_reset_mv},
    {"v_th_mv", &LifCondExp::v_th_mv},
    {"i_e_pa", &LifCondExp::i_e_pa}};
inline constexpr ParamField<Izhikevich> kIzhikevichFields[] = {{"a", &Izhikevich::a},
                                                               {"b", &Izhikevich::b},
                                                               {"c_mv", &Izhikevich::c_mv},
                                                               {"d", &Izhikevich::d},
                                                               {"v_th_mv", &Izhikevich::v_th_mv},
                                                               {"i_e", &Izhikevich::i_e},
                                                               {"u_init", &Izhikevich::u_init}};
inline constexpr ParamField<AdEx> kAdExFields[] = {{"c_m_pf", &AdEx::c_m_pf},
                                                   {"g_l_ns", &AdEx::g_l_ns},
                                                   {"e_l_mv", &AdEx::e_l_mv},
                                                   {"v_t_mv", &AdEx::v_t_mv},
                                                   {"delta_t_mv", &AdEx::delta_t_mv},
                                                   {"v_peak_mv", &AdEx::v_peak_mv},
                                                   {"v_reset_mv", &AdEx::v_reset_mv},
                                                   {"tau_w_ms", &AdEx::tau_w_ms},
                                                   {"a_ns", &AdEx::a_ns},
                                                   {"b_pa", &AdEx::b_pa},
                                                   {"tau_syn_exc_ms", &AdEx::tau_syn_exc_ms},
                                                   {"tau_syn_inh_ms", &AdEx::tau_syn_inh_ms},
                                                   {"t_ref_ms", &AdEx::t_ref_ms},
                                                   {"i_e_pa", &AdEx::i_e_pa}};
inline constexpr ParamField<PoissonSource> kPoissonFields[] = {{"rate_hz", &PoissonSource::rate_hz},
                                                               {"start_ms", &PoissonSource::start_ms},
                                                               {"stop_ms", &PoissonSource::stop_ms}};
inline constexpr ParamField<TrueNorthNeuron> kTrueNorthFields[] = {
    {"leak", &TrueNorthNeuron::leak},
    {"leak_reversal", &TrueNorthNeuron::leak_reversal},
    {"stochastic_leak", &TrueNorthNeuron::stochastic_leak},
    {"stochastic_synapses", &TrueNorthNeuron::stochastic_synapses},
    {"threshold", &TrueNorthNeuron::threshold},
    {"neg_threshold", &TrueNorthNeuron::neg_threshold},
    {"threshold_mask_bits", &TrueNorthNeuron::threshold_mask_bits},
    {"neg_saturate", &TrueNorthNeuron::neg_saturate},
    {"reset_mode", &TrueNorthNeuron::reset_mode},
    {"reset_value", &TrueNorthNeuron::reset_value},
    {"potential_bits", &TrueNorthNeuron::potential_bits},
    {"tick_ms", &TrueNorthNeuron::tick_ms}};
inline constexpr ParamField<LoihiCubaLif> kLoihiCubaLifFields[] = {{"du", &LoihiCubaLif::du},
                                                                   {"dv", &LoihiCubaLif::dv},
                                                                   {"vth", &LoihiCubaLif::vth},
                                                                   {"bias_mant", &LoihiCubaLif::bias_mant},
                                                                   {"bias_exp", &LoihiCubaLif::bias_exp}};

// param_fields<M>: the rows of model M (every field of M is a double with a row).
template <class M>
inline constexpr std::span<const ParamField<M>> param_fields{};
template <>
inline constexpr std::span<const ParamField<LifCurrExp>> param_fields<LifCurrExp> = kLifCurrExpFields;
template <>
inline constexpr std::span<const ParamField<LifCondExp>> param_fields<LifCondExp> = kLifCondExpFields;
template <>
inline constexpr std::span<const ParamField<Izhikevich>> param_fields<Izhikevich> = kIzhikevichFields;
template <>
inline constexpr std::span<const ParamField<AdEx>> param_fields<AdEx> = kAdExFields;
template <>
inline constexpr std::span<const ParamField<PoissonSource>> param_fields<PoissonSource> = kPoissonFields;
template <>
inline constexpr std::span<const ParamField<TrueNorthNeuron>> param_fields<TrueNorthNeuron> =
    kTrueNorthFields;
template <>
inline constexpr std::span<const ParamField<LoihiCubaLif>> param_fields<LoihiCubaLif> = kLoihiCubaLifFields;

static_assert(sizeof(LifCurrExp) == std::size(kLifCurrExpFields) * sizeof(double),
              "a field of LifCurrExp has no row");
static_assert(sizeof(LifCondExp) == std::size(kLifCondExpFields) * sizeof(double),
              "a field of LifCondExp has no row");
static_assert(sizeof(Izhikevich) == std::size(kIzhikevichFields) * sizeof(double),
              "a field of Izhikevich has no row");
static_assert(sizeof(AdEx) == std::size(kAdExFields) * sizeof(double), "a field of AdEx has no row");
static_assert(sizeof(PoissonSource) == std::size(kPoissonFields) * sizeof(double),
              "a field of PoissonSource has no row");
static_assert(sizeof(TrueNorthNeuron) == std::size(kTrueNorthFields) * sizeof(double),
              "a field of TrueNorthNeuron has no row");
static_assert(sizeof(LoihiCubaLif) == std::size(kLoihiCubaLifFields) * sizeof(double),
              "a field of LoihiCubaLif has no row");

}  // namespace scx::model
