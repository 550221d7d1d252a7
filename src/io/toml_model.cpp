#include "silicortex/io/toml_model.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "silicortex/core/error.hpp"
#include "toml_neuron_params.hpp"
#include "toml_plasticity.hpp"
#include "toml_reader.hpp"
#include "toml_values.hpp"

namespace scx::io {

using namespace toml_detail;

namespace {

void read_simulation(TableReader t, model::SimulationConfig& sim) {
  if (auto f = t.get("dt_ms")) sim.dt_ms = f->positive();
  if (auto f = t.get("duration_ms")) sim.duration_ms = f->non_negative();
  if (auto f = t.get("seed")) {
    const int64_t seed = f->integer();
    if (seed < 0) f->fail(fmt::format("must not be negative, got {}", seed));
    sim.seed = static_cast<uint64_t>(seed);
  }
  if (auto f = t.get("threads")) sim.threads = f->positive_count();
  t.finish();
}

// `neurons = [...]` of stimuli and probes; empty would silently mean "all", so it is refused.
std::vector<uint32_t> read_neuron_subset(const Field& f) {
  auto neurons = read_indices(f);
  if (neurons.empty()) f.fail("must not be empty; leave it out to select all neurons");
  return neurons;
}

// [population.initial]: `variable = ValueSpec` for the model's state variables.
std::vector<model::InitialValue> read_initial(TableReader t, const model::Population& pop) {
  const auto vars = model::state_variables(pop.params);
  const std::string model = model::model_name(pop.params);
  std::vector<model::InitialValue> out;
  for (const auto& [key, value] : t.entries()) {
    const std::string var(key->str());
    if (std::find(vars.begin(), vars.end(), var) == vars.end())
      fail_at(key->source(), pop.origin.file, value.name(),
              vars.empty() ? fmt::format("model {} has no state variables", model)
                           : fmt::format("model {} has no state variable '{}'{}; it has {}", model, var,
                                         did_you_mean(var, vars), fmt::join(vars, ", ")));
    model::ValueSpec spec = read_value_spec(value);
    if (auto* a = std::get_if<model::ValueArray>(&spec); a && a->values.size() != pop.size)
      value.fail(fmt::format("has {} values for {} neurons", a->values.size(), pop.size));
    out.push_back({var, std::move(spec)});
  }
  return out;
}

model::Population read_population(TableReader t) {
  model::Population pop;
  pop.origin = t.origin();
  const Field name = t.require("name");
  pop.name = name.string();
  if (pop.name.empty()) name.fail("must not be empty");
  pop.size = t.require("size").positive_count();
  pop.params = read_neuron_params(t.require("model"), t);
  if (auto init = t.get("initial")) pop.initial = read_initial(init->table(), pop);
  if (auto f = t.get("adaptive_threshold")) pop.adaptive_threshold = read_adaptive_threshold(*f);
  t.finish();
  return pop;
}

model::Receptor read_receptor(const Field& f) {
  const std::string r = f.string();
  if (r == "excitatory") return model::Receptor::Excitatory;
  if (r == "inhibitory") return model::Receptor::Inhibitory;
  f.fail(fmt::format("expected \"excitatory\" or \"inhibitory\", got '{}'{}", r,
                     did_you_mean(r, {"excitatory", "inhibitory"})));
}

model::Projection read_projection(TableReader t, const model::Network& net) {
  model::Projection p;
  p.origin = t.origin();
  p.pre = find_population(net, t.require("pre")).name;
  p.post = find_population(net, t.require("post")).name;
  p.name = p.pre + "->" + p.post;
  if (auto f = t.get("name")) p.name = f->string();
  if (auto f = t.get("receptor")) p.receptor = read_receptor(*f);
  p.connector = read_connector(t.require("connector"));
  if (auto f = t.get("weight")) p.weight = read_value_spec(*f);
  if (auto f = t.get("delay_ms")) p.delay_ms = read_value_spec(*f, Bound::NonNegative);
  if (auto f = t.get("plasticity")) p.plasticity = read_plasticity(*f);
  t.finish();
  return p;
}

model::CurrentStep read_current_step(TableReader t, const model::Network& net) {
  model::CurrentStep s;
  s.origin = t.origin();
  s.population = find_population(net, t.require("population")).name;
  s.amplitude_pa = t.require("amplitude_pa").number();
  if (auto f = t.get("start_ms")) s.start_ms = f->non_negative();
  if (auto f = t.get("stop_ms")) {
    s.stop_ms = f->number();
    if (s.stop_ms < s.start_ms) f->fail(fmt::format("must not be before start_ms ({})", s.start_ms));
  }
  if (auto f = t.get("neurons")) s.neurons = read_neuron_subset(*f);
  t.finish();
  return s;
}

model::Probe read_probe(TableReader t, const model::Network& net) {
  model::Probe p;
  p.origin = t.origin();
  const model::Population& pop = find_population(net, t.require("population"));
  p.population = pop.name;
  if (auto f = t.get("variable")) {
    p.variable = f->string();
    auto vars = model::state_variables(pop);
    vars.insert(vars.begin(), "spikes");
    if (std::find(vars.begin(), vars.end(), p.variable) == vars.end())
      f->fail(fmt::format("population '{}' ({}) has no variable '{}'{}; it has {}", pop.name,
                          model::model_name(pop.params), p.variable, did_you_mean(p.variable, vars),
                          fmt::join(vars, ", ")));
  }
  if (auto f = t.get("interval_ms")) p.interval_ms = f->non_negative();
  if (auto f = t.get("neurons")) p.neurons = read_neuron_subset(*f);
  t.finish();
  return p;
}

model::Network build_network(const toml::table& doc, const std::string& file) {
  TableReader root(doc, file, "");
  // Unknown sections first: a misspelt [[populations]] would otherwise surface as a confusing later error.
  root.expect({"network", "simulation", "population", "projection", "current_step", "probe"});
  root.finish();

  model::Network net;
  net.name = std::filesystem::path(file).stem().string();
  if (net.name.empty()) net.name = "network";
  if (auto f = root.get("network")) {
    TableReader t = f->table();
    if (auto n = t.get("name")) net.name = n->string();
    t.finish();
  }
  if (auto f = root.get("simulation")) read_simulation(f->table(), net.sim);
  // Populations first, so that every reference below can be checked where it is written.
  for (auto& t : tables_of(root, "population")) net.populations.push_back(read_population(t));
  for (auto& t : tables_of(root, "projection")) net.projections.push_back(read_projection(t, net));
  for (auto& t : tables_of(root, "current_step")) net.stimuli.push_back(read_current_step(t, net));
  for (auto& t : tables_of(root, "probe")) net.probes.push_back(read_probe(t, net));
  return net;
}

}  // namespace

model::Network parse_network_toml(std::string_view text, const std::string& source_name) {
  const toml::table doc = parse_document(text, source_name);
  model::Network net = build_network(doc, source_name);
  try {
    model::validate(net);
  } catch (const Error& e) {
    // Network-wide checks (e.g. simulation.threads) carry no origin; every message must still name the file.
    if (source_name.empty() || std::string_view(e.what()).starts_with(source_name + ":")) throw;
    throw Error(fmt::format("{}: {}", source_name, e.what()));
  }
  return net;
}

model::Network read_network_toml(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(fmt::format("{}: is a directory, not a network file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open network file: {}", path.string(), std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("{}: cannot read network file", path.string()));
  return parse_network_toml(text.str(), path.string());
}

}  // namespace scx::io
