#include "toml_neuron_params.hpp"

#include "silicortex/model/param_fields.hpp"
#include "toml_events.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace scx::io::toml_detail {

namespace {

using namespace scx::model;

template <class M>
NeuronParams read_fields(TableReader& population) {
  M m;
  if (auto f = population.get("params")) {
    TableReader t = f->table();
    for (const auto& p : param_fields<M>)
      if (auto v = t.get(p.name)) m.*p.member = v->number();
    t.finish();
  }
  return m;
}

template <class M>
std::vector<std::pair<std::string, double>> defaults_of() {
  const M m;
  std::vector<std::pair<std::string, double>> out;
  for (const auto& p : param_fields<M>) out.emplace_back(p.name, m.*p.member);
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
    {"lif_curr_exp", [](TableReader& t) { return read_fields<LifCurrExp>(t); },
     [] { return defaults_of<LifCurrExp>(); }},
    {"lif_cond_exp", [](TableReader& t) { return read_fields<LifCondExp>(t); },
     [] { return defaults_of<LifCondExp>(); }},
    {"izhikevich", [](TableReader& t) { return read_fields<Izhikevich>(t); },
     [] { return defaults_of<Izhikevich>(); }},
    {"adex", [](TableReader& t) { return read_fields<AdEx>(t); }, [] { return defaults_of<AdEx>(); }},
    {"poisson_source", [](TableReader& t) { return read_fields<PoissonSource>(t); },
     [] { return defaults_of<PoissonSource>(); }},
    {"spike_times", read_spike_times, [] { return std::vector<std::pair<std::string, double>>{}; }},
    {"events", read_events_source, [] { return std::vector<std::pair<std::string, double>>{}; }},
    {"truenorth", [](TableReader& t) { return read_fields<TrueNorthNeuron>(t); },
     [] { return defaults_of<TrueNorthNeuron>(); }},
    {"loihi_cuba_lif", [](TableReader& t) { return read_fields<LoihiCubaLif>(t); },
     [] { return defaults_of<LoihiCubaLif>(); }}};

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
