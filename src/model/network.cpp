#include "silicortex/model/network.hpp"

#include <cmath>
#include <set>
#include <tuple>

#include "silicortex/core/error.hpp"
#include "silicortex/core/overloaded.hpp"

namespace scx::model {

std::string model_name(const NeuronParams& p) {
  return std::visit(
      Overloaded{[](const LifCurrExp&) { return "lif_curr_exp"; },
                 [](const LifCondExp&) { return "lif_cond_exp"; },
                 [](const Izhikevich&) { return "izhikevich"; }, [](const AdEx&) { return "adex"; },
                 [](const PoissonSource&) { return "poisson_source"; },
                 [](const SpikeTimesSource&) { return "spike_times"; },
                 [](const NirNeuron&) { return "nir"; }, [](const TrueNorthNeuron&) { return "truenorth"; },
                 [](const LoihiCubaLif&) { return "loihi_cuba_lif"; }},
      p);
}

bool is_source(const NeuronParams& p) {
  return std::holds_alternative<PoissonSource>(p) || std::holds_alternative<SpikeTimesSource>(p);
}

std::vector<std::string> state_variables(const NeuronParams& p) {
  return std::visit(Overloaded{[](const LifCurrExp&) -> std::vector<std::string> {
                                 return {"v", "i_exc", "i_inh"};
                               },
                               [](const LifCondExp&) -> std::vector<std::string> {
                                 return {"v", "g_exc", "g_inh"};
                               },
                               [](const Izhikevich&) -> std::vector<std::string> {
                                 return {"v", "u"};
                               },
                               [](const AdEx&) -> std::vector<std::string> {
                                 return {"v", "w", "i_exc", "i_inh"};
                               },
                               [](const PoissonSource&) -> std::vector<std::string> { return {}; },
                               [](const SpikeTimesSource&) -> std::vector<std::string> { return {}; },
                               [](const NirNeuron&) -> std::vector<std::string> {
                                 return {"v", "i_syn"};
                               },
                               [](const TrueNorthNeuron&) -> std::vector<std::string> { return {"v"}; },
                               [](const LoihiCubaLif&) -> std::vector<std::string> {
                                 return {"v", "u"};
                               }},
                    p);
}

std::vector<std::string> state_variables(const Population& pop) {
  auto vars = state_variables(pop.params);
  if (pop.adaptive_threshold) vars.push_back("theta");
  return vars;
}

Population& Network::add_population(std::string pop_name, uint32_t size, NeuronParams params) {
  populations.push_back(Population{std::move(pop_name), size, std::move(params), {}, {}, {}});
  return populations.back();
}

Projection& Network::connect(std::string pre, std::string post, Connector connector, ValueSpec weight,
                             ValueSpec delay_ms, Receptor receptor) {
  Projection p;
  p.name = pre + "->" + post;
  p.pre = std::move(pre);
  p.post = std::move(post);
  p.connector = std::move(connector);
  p.weight = std::move(weight);
  p.delay_ms = std::move(delay_ms);
  p.receptor = receptor;
  projections.push_back(std::move(p));
  return projections.back();
}

Probe& Network::record(std::string population, std::string variable) {
  probes.push_back(Probe{std::move(population), std::move(variable), 0, {}, {}});
  return probes.back();
}

const Population* Network::find_population(const std::string& pop_name) const {
  for (const auto& p : populations)
    if (p.name == pop_name) return &p;
  return nullptr;
}

uint64_t Network::neuron_count() const {
  uint64_t n = 0;
  for (const auto& p : populations) n += p.size;
  return n;
}

namespace {

[[noreturn]] void fail(const Origin& o, const std::string& object, const std::string& msg) {
  throw_error_at(o.file, o.line, 0, object, msg);
}

void require(bool ok, const Origin& o, const std::string& object, const std::string& msg) {
  if (!ok) fail(o, object, msg);
}

void check_positive(double v, const Origin& o, const std::string& object, const char* field) {
  require(std::isfinite(v) && v > 0, o, object + "." + field,
          "must be a positive number, got " + std::to_string(v));
}

void check_finite(double v, const Origin& o, const std::string& object, const char* field) {
  require(std::isfinite(v), o, object + "." + field, "must be a finite number");
}

void check_nir_params(const NirNeuron& m, uint32_t size, const Origin& o, const std::string& obj) {
  const std::pair<const char*, const std::vector<double>*> arrays[] = {{"tau_s", &m.tau_s},
                                                                       {"tau_syn_s", &m.tau_syn_s},
                                                                       {"r", &m.r},
                                                                       {"v_leak", &m.v_leak},
                                                                       {"v_threshold", &m.v_threshold},
                                                                       {"v_reset", &m.v_reset},
                                                                       {"w_in", &m.w_in},
                                                                       {"bias", &m.bias}};
  for (const auto& [name, values] : arrays) {
    require(values->size() <= 1 || values->size() == size, o, obj + "." + name,
            "has " + std::to_string(values->size()) + " values for " + std::to_string(size) + " neurons");
    for (double x : *values) check_finite(x, o, obj, name);
  }
  for (double t : m.tau_s) check_positive(t, o, obj, "tau_s");
  for (double t : m.tau_syn_s) check_positive(t, o, obj, "tau_syn_s");
}

void check_truenorth_params(const TrueNorthNeuron& m, const Origin& o, const std::string& obj) {
  const std::pair<const char*, double> ints[] = {{"leak", m.leak},
                                                 {"threshold", m.threshold},
                                                 {"neg_threshold", m.neg_threshold},
                                                 {"threshold_mask_bits", m.threshold_mask_bits},
                                                 {"reset_mode", m.reset_mode},
                                                 {"reset_value", m.reset_value},
                                                 {"potential_bits", m.potential_bits}};
  for (const auto& [name, v] : ints)
    require(std::isfinite(v) && v == std::round(v) && std::fabs(v) < 2147483648.0, o, obj + "." + name,
            "must be an integer, got " + std::to_string(v));
  const std::pair<const char*, double> flags[] = {{"leak_reversal", m.leak_reversal},
                                                  {"stochastic_leak", m.stochastic_leak},
                                                  {"stochastic_synapses", m.stochastic_synapses},
                                                  {"neg_saturate", m.neg_saturate}};
  for (const auto& [name, v] : flags) require(v == 0 || v == 1, o, obj + "." + name, "must be 0 or 1");
  require(m.neg_threshold >= 0, o, obj + ".neg_threshold", "must not be negative");
  require(std::fabs(m.leak) <= 32767, o, obj + ".leak", "must fit 16 bits");
  require(m.threshold_mask_bits >= 0 && m.threshold_mask_bits <= 30, o, obj + ".threshold_mask_bits",
          "must be in 0..30");
  require(m.reset_mode >= 0 && m.reset_mode <= 2, o, obj + ".reset_mode",
          "must be 0 (normal), 1 (linear) or 2 (none)");
  require(m.potential_bits >= 2 && m.potential_bits <= 30, o, obj + ".potential_bits", "must be in 2..30");
  check_positive(m.tick_ms, o, obj, "tick_ms");
}

void check_loihi_params(const LoihiCubaLif& m, const Population& pop, const Origin& o,
                        const std::string& obj) {
  const std::tuple<const char*, double, double, double> fields[] = {{"du", m.du, 0, 4095},
                                                                    {"dv", m.dv, 0, 4095},
                                                                    {"vth", m.vth, 0, 131071},
                                                                    {"bias_mant", m.bias_mant, -4096, 4095},
                                                                    {"bias_exp", m.bias_exp, -7, 7}};
  for (const auto& [name, v, lo, hi] : fields)
    require(std::isfinite(v) && v == std::round(v) && v >= lo && v <= hi, o, obj + "." + name,
            "must be an integer in " + std::to_string(int(lo)) + ".." + std::to_string(int(hi)) + ", got " +
                std::to_string(v));
  require(pop.initial.empty(), o, obj + ".initial", "loihi_cuba_lif starts at u = v = 0 (no initial values)");
}

void check_params(const Population& pop) {
  const std::string obj = "population '" + pop.name + "'";
  const Origin& o = pop.origin;
  std::visit(
      Overloaded{[&](const LifCurrExp& m) {
                   check_positive(m.c_m_pf, o, obj, "c_m_pf");
                   check_positive(m.tau_m_ms, o, obj, "tau_m_ms");
                   check_positive(m.tau_syn_exc_ms, o, obj, "tau_syn_exc_ms");
                   check_positive(m.tau_syn_inh_ms, o, obj, "tau_syn_inh_ms");
                   require(m.t_ref_ms >= 0, o, obj + ".t_ref_ms", "must not be negative");
                   for (double v : {m.e_l_mv, m.v_reset_mv, m.v_th_mv, m.i_e_pa})
                     check_finite(v, o, obj, "voltage");
                   require(m.v_reset_mv < m.v_th_mv, o, obj + ".v_reset_mv", "must be below v_th_mv");
                 },
                 [&](const LifCondExp& m) {
                   check_positive(m.c_m_pf, o, obj, "c_m_pf");
                   check_positive(m.g_l_ns, o, obj, "g_l_ns");
                   check_positive(m.tau_syn_exc_ms, o, obj, "tau_syn_exc_ms");
                   check_positive(m.tau_syn_inh_ms, o, obj, "tau_syn_inh_ms");
                   require(m.t_ref_ms >= 0, o, obj + ".t_ref_ms", "must not be negative");
                   require(m.v_reset_mv < m.v_th_mv, o, obj + ".v_reset_mv", "must be below v_th_mv");
                 },
                 [&](const Izhikevich& m) {
                   for (double v : {m.a, m.b, m.c_mv, m.d, m.v_th_mv, m.i_e})
                     check_finite(v, o, obj, "parameter");
                 },
                 [&](const AdEx& m) {
                   check_positive(m.c_m_pf, o, obj, "c_m_pf");
                   check_positive(m.g_l_ns, o, obj, "g_l_ns");
                   check_positive(m.delta_t_mv, o, obj, "delta_t_mv");
                   check_positive(m.tau_w_ms, o, obj, "tau_w_ms");
                   check_positive(m.tau_syn_exc_ms, o, obj, "tau_syn_exc_ms");
                   check_positive(m.tau_syn_inh_ms, o, obj, "tau_syn_inh_ms");
                   require(m.t_ref_ms >= 0, o, obj + ".t_ref_ms", "must not be negative");
                   require(m.v_peak_mv > m.v_t_mv, o, obj + ".v_peak_mv", "must be above v_t_mv");
                 },
                 [&](const PoissonSource& m) {
                   require(std::isfinite(m.rate_hz) && m.rate_hz >= 0, o, obj + ".rate_hz",
                           "must be a non-negative number");
                   require(m.stop_ms >= m.start_ms, o, obj + ".stop_ms", "must not be before start_ms");
                 },
                 [&](const SpikeTimesSource& m) {
                   require(m.times_ms.size() == 1 || m.times_ms.size() == pop.size, o,
                           obj + ".spike_times_ms",
                           "needs one list for all neurons or one list per neuron (" +
                               std::to_string(pop.size) + "), got " + std::to_string(m.times_ms.size()));
                   for (const auto& list : m.times_ms)
                     for (double t : list)
                       require(std::isfinite(t) && t >= 0, o, obj + ".spike_times_ms",
                               "spike times must be finite and non-negative");
                 },
                 [&](const NirNeuron& m) { check_nir_params(m, pop.size, o, obj); },
                 [&](const TrueNorthNeuron& m) { check_truenorth_params(m, o, obj); },
                 [&](const LoihiCubaLif& m) { check_loihi_params(m, pop, o, obj); }},
      pop.params);
  if (pop.adaptive_threshold) {
    require(std::holds_alternative<LifCurrExp>(pop.params) || std::holds_alternative<LifCondExp>(pop.params),
            o, obj + ".adaptive_threshold",
            "is supported for lif_curr_exp and lif_cond_exp only, not " + model_name(pop.params));
    validate_adaptive_threshold(*pop.adaptive_threshold, o, obj);
  }
  const auto vars = state_variables(pop.params);
  for (const auto& init : pop.initial) {
    bool known = false;
    for (const auto& v : vars) known |= v == init.variable;
    require(known, o, obj + ".initial." + init.variable,
            "model " + model_name(pop.params) + " has no such variable");
    if (auto* arr = std::get_if<ValueArray>(&init.value))
      require(arr->values.size() == pop.size, o, obj + ".initial." + init.variable,
              "array has " + std::to_string(arr->values.size()) + " values for " + std::to_string(pop.size) +
                  " neurons");
  }
}

void check_value_spec(const ValueSpec& v, const Origin& o, const std::string& field) {
  std::visit(
      Overloaded{[&](const Constant& c) { require(std::isfinite(c.value), o, field, "must be finite"); },
                 [&](const Uniform& u) {
                   require(std::isfinite(u.low) && std::isfinite(u.high) && u.low <= u.high, o, field,
                           "uniform needs finite low <= high");
                 },
                 [&](const Normal& n) {
                   require(std::isfinite(n.mean) && std::isfinite(n.sd) && n.sd >= 0, o, field,
                           "normal needs a finite mean and sd >= 0");
                 },
                 [&](const ValueArray& a) {
                   for (double x : a.values)
                     require(std::isfinite(x), o, field, "array values must be finite");
                 }},
      v);
}

}  // namespace

void validate(const Network& net) {
  const Origin none;
  check_positive(net.sim.dt_ms, none, "simulation", "dt_ms");
  require(std::isfinite(net.sim.duration_ms) && net.sim.duration_ms >= 0, none, "simulation.duration_ms",
          "must be a non-negative number");
  require(net.sim.threads >= 1 && net.sim.threads <= 256, none, "simulation.threads", "must be in 1..256");
  require(!net.populations.empty(), none, "network", "has no populations");

  std::set<std::string> names;
  for (const auto& pop : net.populations) {
    require(!pop.name.empty(), pop.origin, "population", "needs a name");
    require(names.insert(pop.name).second, pop.origin, "population '" + pop.name + "'", "is defined twice");
    require(pop.size > 0, pop.origin, "population '" + pop.name + "'.size", "must be at least 1");
    check_params(pop);
  }

  for (const auto& proj : net.projections) {
    const std::string obj = "projection '" + proj.name + "'";
    const Population* pre = net.find_population(proj.pre);
    const Population* post = net.find_population(proj.post);
    require(pre != nullptr, proj.origin, obj + ".pre", "no population named '" + proj.pre + "'");
    require(post != nullptr, proj.origin, obj + ".post", "no population named '" + proj.post + "'");
    require(!is_source(post->params), proj.origin, obj + ".post",
            "'" + proj.post + "' is a spike source and cannot receive synapses");
    check_value_spec(proj.weight, proj.origin, obj + ".weight");
    check_value_spec(proj.delay_ms, proj.origin, obj + ".delay_ms");
    if (proj.plasticity) validate_plasticity(*proj.plasticity, proj.origin, obj);
    auto delay_ok = std::visit(Overloaded{[](const Constant& c) { return c.value >= 0; },
                                          [](const Uniform& u) { return u.low >= 0; },
                                          [](const Normal&) { return true; },  // clipped to one step at build
                                          [](const ValueArray& a) {
                                            for (double x : a.values)
                                              if (x < 0) return false;
                                            return true;
                                          }},
                               proj.delay_ms);
    require(delay_ok, proj.origin, obj + ".delay_ms", "delays must not be negative");
    std::visit(Overloaded{[&](const AllToAll&) {},
                          [&](const OneToOne&) {
                            require(pre->size == post->size, proj.origin, obj + ".connector",
                                    "one_to_one needs equal sizes, got " + std::to_string(pre->size) +
                                        " and " + std::to_string(post->size));
                          },
                          [&](const FixedProbability& c) {
                            require(c.p >= 0 && c.p <= 1, proj.origin, obj + ".p", "must be in [0, 1]");
                          },
                          [&](const FixedInDegree& c) {
                            require(c.n <= pre->size, proj.origin, obj + ".n",
                                    "in-degree " + std::to_string(c.n) + " exceeds the pre population size " +
                                        std::to_string(pre->size));
                          },
                          [&](const FixedOutDegree& c) {
                            require(c.n <= post->size, proj.origin, obj + ".n",
                                    "out-degree " + std::to_string(c.n) +
                                        " exceeds the post population size " + std::to_string(post->size));
                          },
                          [&](const FromList& c) {
                            require(c.pre.size() == c.post.size(), proj.origin, obj + ".connections",
                                    "pre and post lists differ in length");
                            for (size_t i = 0; i < c.pre.size(); ++i) {
                              require(c.pre[i] < pre->size, proj.origin, obj + ".connections",
                                      "pre index " + std::to_string(c.pre[i]) + " out of range");
                              require(c.post[i] < post->size, proj.origin, obj + ".connections",
                                      "post index " + std::to_string(c.post[i]) + " out of range");
                            }
                          }},
               proj.connector);
  }

  for (const auto& st : net.stimuli) {
    const Population* pop = net.find_population(st.population);
    require(pop != nullptr, st.origin, "current_step.population",
            "no population named '" + st.population + "'");
    require(!is_source(pop->params), st.origin, "current_step.population",
            "'" + st.population + "' is a spike source");
    require(std::isfinite(st.amplitude_pa), st.origin, "current_step.amplitude_pa", "must be finite");
    require(st.stop_ms >= st.start_ms, st.origin, "current_step.stop_ms", "must not be before start_ms");
    for (uint32_t i : st.neurons)
      require(i < pop->size, st.origin, "current_step.neurons",
              "index " + std::to_string(i) + " out of range");
  }

  for (const auto& pr : net.probes) {
    const Population* pop = net.find_population(pr.population);
    require(pop != nullptr, pr.origin, "probe.population", "no population named '" + pr.population + "'");
    if (pr.variable != "spikes") {
      bool known = false;
      for (const auto& v : state_variables(*pop)) known |= v == pr.variable;
      require(known, pr.origin, "probe.variable",
              "population '" + pr.population + "' (" + model_name(pop->params) + ") has no variable '" +
                  pr.variable + "'");
    }
    require(pr.interval_ms >= 0, pr.origin, "probe.interval_ms", "must not be negative");
    for (uint32_t i : pr.neurons)
      require(i < pop->size, pr.origin, "probe.neurons", "index " + std::to_string(i) + " out of range");
  }
}

}  // namespace scx::model
