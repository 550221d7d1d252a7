#include "toml_neuron_params.hpp"

#include "toml_events.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace scx::io::toml_detail {

namespace {

using namespace scx::model;

template <class M>
struct Param {
  const char* name;
  double M::*member;
};

// One table per model, in the order of the struct; names must equal the C++ field names.
constexpr Param<LifCurrExp> kLifCurrExp[] = {{"c_m_pf", &LifCurrExp::c_m_pf},
                                             {"tau_m_ms", &LifCurrExp::tau_m_ms},
                                             {"tau_syn_exc_ms", &LifCurrExp::tau_syn_exc_ms},
                                             {"tau_syn_inh_ms", &LifCurrExp::tau_syn_inh_ms},
                                             {"t_ref_ms", &LifCurrExp::t_ref_ms},
                                             {"e_l_mv", &LifCurrExp::e_l_mv},
                                             {"v_reset_mv", &LifCurrExp::v_reset_mv},
                                             {"v_th_mv", &LifCurrExp::v_th_mv},
                                             {"i_e_pa", &LifCurrExp::i_e_pa}};
constexpr Param<LifCondExp> kLifCondExp[] = {{"c_m_pf", &LifCondExp::c_m_pf},
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
constexpr Param<Izhikevich> kIzhikevich[] = {{"a", &Izhikevich::a},
                                             {"b", &Izhikevich::b},
                                             {"c_mv", &Izhikevich::c_mv},
                                             {"d", &Izhikevich::d},
                                             {"v_th_mv", &Izhikevich::v_th_mv},
                                             {"i_e", &Izhikevich::i_e},
                                             {"u_init", &Izhikevich::u_init}};
constexpr Param<AdEx> kAdEx[] = {{"c_m_pf", &AdEx::c_m_pf},
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
constexpr Param<PoissonSource> kPoisson[] = {{"rate_hz", &PoissonSource::rate_hz},
                                             {"start_ms", &PoissonSource::start_ms},
                                             {"stop_ms", &PoissonSource::stop_ms}};
constexpr Param<TrueNorthNeuron> kTrueNorth[] = {
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
constexpr Param<LoihiCubaLif> kLoihiCubaLif[] = {{"du", &LoihiCubaLif::du},
                                                 {"dv", &LoihiCubaLif::dv},
                                                 {"vth", &LoihiCubaLif::vth},
                                                 {"bias_mant", &LoihiCubaLif::bias_mant},
                                                 {"bias_exp", &LoihiCubaLif::bias_exp}};

template <class M, size_t N>
NeuronParams read_fields(TableReader& population, const Param<M> (&fields)[N]) {
  static_assert(sizeof(M) == N * sizeof(double), "every field of the model needs a row in its table");
  M m;
  if (auto f = population.get("params")) {
    TableReader t = f->table();
    for (const auto& p : fields)
      if (auto v = t.get(p.name)) m.*p.member = v->number();
    t.finish();
  }
  return m;
}

template <class M, size_t N>
std::vector<std::pair<std::string, double>> defaults_of(const Param<M> (&fields)[N]) {
  const M m;
  std::vector<std::pair<std::string, double>> out;
  for (const auto& p : fields) out.emplace_back(p.name, m.*p.member);
  return out;
}

std::vector<double> read_times(const Field& list) {
  std::vector<double> out;
  for (const auto& e : list.elements()) out.push_back(e.non_negative());
  std::sort(out.begin(), out.end());
  return out;
}

// spike_times_ms = [t, ...] (shared by all neurons) or [[t, ...], ...] (one list per neuron).
NeuronParams read_spike_times(TableReader& population) {
  TableReader t = population.require("params").table();
  const Field times = t.require("spike_times_ms");
  const auto elems = times.elements();
  SpikeTimesSource s;
  if (elems.empty() || !elems[0].node().is_array()) {
    s.times_ms.push_back(read_times(times));
  } else {
    for (const auto& e : elems) s.times_ms.push_back(read_times(e));
  }
  t.finish();
  return s;
}

struct ModelEntry {
  const char* name;
  NeuronParams (*read)(TableReader&);
  std::vector<std::pair<std::string, double>> (*defaults)();
};

constexpr ModelEntry kModels[] = {
    {"lif_curr_exp", [](TableReader& t) { return read_fields(t, kLifCurrExp); },
     [] { return defaults_of(kLifCurrExp); }},
    {"lif_cond_exp", [](TableReader& t) { return read_fields(t, kLifCondExp); },
     [] { return defaults_of(kLifCondExp); }},
    {"izhikevich", [](TableReader& t) { return read_fields(t, kIzhikevich); },
     [] { return defaults_of(kIzhikevich); }},
    {"adex", [](TableReader& t) { return read_fields(t, kAdEx); }, [] { return defaults_of(kAdEx); }},
    {"poisson_source", [](TableReader& t) { return read_fields(t, kPoisson); },
     [] { return defaults_of(kPoisson); }},
    {"spike_times", read_spike_times, [] { return std::vector<std::pair<std::string, double>>{}; }},
    {"events", read_events_source, [] { return std::vector<std::pair<std::string, double>>{}; }},
    {"truenorth", [](TableReader& t) { return read_fields(t, kTrueNorth); },
     [] { return defaults_of(kTrueNorth); }},
    {"loihi_cuba_lif", [](TableReader& t) { return read_fields(t, kLoihiCubaLif); },
     [] { return defaults_of(kLoihiCubaLif); }}};

const ModelEntry* find_model(std::string_view name) {
  for (const auto& m : kModels)
    if (name == m.name) return &m;
  return nullptr;
}

}  // namespace

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const auto& m : kModels) out.emplace_back(m.name);
  return out;
}

NeuronParams read_neuron_params(const Field& model, TableReader& population) {
  const std::string name = model.string();
  const ModelEntry* entry = find_model(name);
  if (!entry) {
    const auto names = model_names();
    model.fail(fmt::format("unknown model '{}'{}; expected one of {}", name, did_you_mean(name, names),
                           fmt::join(names, ", ")));
  }
  return entry->read(population);
}

std::vector<std::pair<std::string, double>> parameter_defaults(std::string_view model) {
  const ModelEntry* entry = find_model(model);
  return entry ? entry->defaults() : std::vector<std::pair<std::string, double>>{};
}

}  // namespace scx::io::toml_detail
