// The logical network in Python: neuron parameter classes, value specs, connectors and model::Network with
// the same builder calls as the C++ API; TOML files load into the same object.
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "bindings.hpp"
#include "silicortex/builtin_models.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/toml_model.hpp"
#include "silicortex/model/network.hpp"
#include "silicortex/model/param_fields.hpp"

namespace scx::py_bind {
namespace {

using namespace scx::model;

// A parameter struct of doubles as a Python class: attributes from its field table, keyword construction
// and a repr that can be pasted back.
template <class T>
void bind_params(py::module_& m, const char* name, const char* doc) {
  py::class_<T> c(m, name, doc);
  for (const auto& f : param_fields<T>) c.def_readwrite(f.name, f.member);
  keyword_init(c, name);
  c.def("__repr__", [name](const T& t) {
    std::string s = std::string(name) + "(";
    for (size_t i = 0; i < param_fields<T>.size(); ++i)
      s += (i ? ", " : "") + std::string(param_fields<T>[i].name) + "=" +
           py::repr(py::float_(t.*(param_fields<T>[i].member))).cast<std::string>();
    return s + ")";
  });
}

void bind_neuron_models(py::module_& m) {
  bind_params<LifCurrExp>(m, "LifCurrExp",
                          "LIF with exponential current synapses, exact integration (NEST iaf_psc_exp)");
  bind_params<LifCondExp>(m, "LifCondExp", "LIF with exponential conductances (NEST iaf_cond_exp)");
  bind_params<Izhikevich>(m, "Izhikevich", "Izhikevich 2003, forward Euler as NEST's izhikevich");
  bind_params<AdEx>(m, "AdEx", "Adaptive exponential integrate-and-fire (Brette & Gerstner 2005)");
  bind_params<PoissonSource>(m, "PoissonSource",
                             "Independent Poisson spike trains at rate_hz in [start_ms, stop_ms)");
  bind_params<TrueNorthNeuron>(m, "TrueNorthNeuron",
                               "The chip-native TrueNorth neuron (Cassidy et al. 2013)");
  bind_params<LoihiCubaLif>(m, "LoihiCubaLif", "Loihi's CUBA LIF in Lava's bit-accurate fixed point");
  py::class_<SpikeTimesSource>(m, "SpikeTimesSource",
                               "Explicit spike times (ms): one list per neuron, or one list for every neuron")
      .def(py::init([](std::vector<std::vector<double>> times_ms) {
             return SpikeTimesSource{std::move(times_ms)};
           }),
           py::arg("times_ms"))
      .def_readwrite("times_ms", &SpikeTimesSource::times_ms);
}

void bind_values_and_connectors(py::module_& m) {
  py::class_<Uniform>(m, "Uniform", "Per-neuron or per-synapse values drawn uniformly from [low, high)")
      .def(py::init([](double low, double high) {
             return Uniform{low, high};
           }),
           py::arg("low"), py::arg("high"))
      .def_readwrite("low", &Uniform::low)
      .def_readwrite("high", &Uniform::high);
  py::class_<Normal>(m, "Normal", "Per-neuron or per-synapse values drawn from a normal distribution")
      .def(py::init([](double mean, double sd) {
             return Normal{mean, sd};
           }),
           py::arg("mean"), py::arg("sd"))
      .def_readwrite("mean", &Normal::mean)
      .def_readwrite("sd", &Normal::sd);
  py::class_<AllToAll>(m, "AllToAll")
      .def(py::init([](bool allow_self) { return AllToAll{allow_self}; }), py::arg("allow_self") = true);
  py::class_<OneToOne>(m, "OneToOne").def(py::init<>());
  py::class_<FixedProbability>(m, "FixedProbability")
      .def(py::init([](double p, bool allow_self) {
             return FixedProbability{p, allow_self};
           }),
           py::arg("p"), py::arg("allow_self") = true);
  py::class_<FixedInDegree>(m, "FixedInDegree", "Each post neuron draws n pre neurons")
      .def(py::init([](uint32_t n, bool allow_self) {
             return FixedInDegree{n, allow_self};
           }),
           py::arg("n"), py::arg("allow_self") = true);
  py::class_<FixedOutDegree>(m, "FixedOutDegree", "Each pre neuron draws n post neurons")
      .def(py::init([](uint32_t n, bool allow_self) {
             return FixedOutDegree{n, allow_self};
           }),
           py::arg("n"), py::arg("allow_self") = true);
  py::class_<FromList>(m, "FromList", "Explicit (pre, post) pairs")
      .def(py::init([](std::vector<uint32_t> pre, std::vector<uint32_t> post) {
             return FromList{std::move(pre), std::move(post)};
           }),
           py::arg("pre"), py::arg("post"));
}

// A value from Python: a number, Uniform, Normal, or a sequence (one value per neuron or synapse).
ValueSpec to_value_spec(const py::handle& v, const char* what) {
  if (py::isinstance<Uniform>(v)) return v.cast<Uniform>();
  if (py::isinstance<Normal>(v)) return v.cast<Normal>();
  if (py::isinstance<py::float_>(v) || py::isinstance<py::int_>(v)) return Constant{v.cast<double>()};
  try {
    return ValueArray{v.cast<std::vector<double>>()};
  } catch (const py::cast_error&) {
    throw py::type_error(std::string(what) +
                         ": expected a number, Uniform, Normal or a sequence of numbers, got " +
                         py::repr(v).cast<std::string>());
  }
}

// The first of Ts that v holds, as the variant Target; a TypeError naming `what` otherwise.
template <class Target, class T, class... Rest>
Target one_of(const py::handle& v, const char* what, const char* expected) {
  if (py::isinstance<T>(v)) return v.cast<T>();
  if constexpr (sizeof...(Rest) > 0)
    return one_of<Target, Rest...>(v, what, expected);
  else
    throw py::type_error(std::string(what) + ": expected " + expected + ", got " +
                         py::repr(v).cast<std::string>());
}

Receptor to_receptor(const std::string& r) {
  return choice(r, "receptor", "excitatory", "inhibitory") ? Receptor::Inhibitory : Receptor::Excitatory;
}

py::list population_list(const Network& n) {
  py::list out;
  for (const auto& p : n.populations)
    out.append(py::dict(py::arg("name") = p.name, py::arg("size") = p.size,
                        py::arg("model") = model_name(p.params)));
  return out;
}

py::list projection_list(const Network& n) {
  py::list out;
  for (const auto& p : n.projections)
    out.append(
        py::dict(py::arg("name") = p.name, py::arg("pre") = p.pre, py::arg("post") = p.post,
                 py::arg("receptor") = p.receptor == Receptor::Excitatory ? "excitatory" : "inhibitory",
                 py::arg("plastic") = p.plasticity.has_value()));
  return out;
}

void bind_network(py::module_& m) {
  py::class_<SimulationConfig>(m, "SimulationConfig")
      .def_readwrite("dt_ms", &SimulationConfig::dt_ms)
      .def_readwrite("duration_ms", &SimulationConfig::duration_ms)
      .def_readwrite("seed", &SimulationConfig::seed)
      .def_readwrite("threads", &SimulationConfig::threads)
      .def("__repr__", [](const SimulationConfig& s) {
        return "SimulationConfig(dt_ms=" + py::repr(py::float_(s.dt_ms)).cast<std::string>() +
               ", duration_ms=" + py::repr(py::float_(s.duration_ms)).cast<std::string>() +
               ", seed=" + std::to_string(s.seed) + ", threads=" + std::to_string(s.threads) + ")";
      });

  using Params = NeuronParams;
  py::class_<Network>(m, "Network",
                      "A spiking network description (populations, projections, stimuli, probes)")
      .def(py::init([](std::string name) {
             Network n;
             n.name = std::move(name);
             return n;
           }),
           py::arg("name") = "network")
      .def_readwrite("name", &Network::name)
      .def_readwrite("sim", &Network::sim, "Time step, duration, seed and threads")
      .def(
          "add_population",
          [](Network& n, std::string name, uint32_t size, const py::object& params, const py::dict& initial,
             const std::optional<AdaptiveThreshold>& adaptive_threshold) {
            const Params p =
                one_of<Params, LifCurrExp, LifCondExp, Izhikevich, AdEx, PoissonSource, SpikeTimesSource,
                       TrueNorthNeuron, LoihiCubaLif>(params, "params", "a neuron model or source");
            Population& pop = n.add_population(std::move(name), size, p);
            for (const auto& [var, value] : initial)
              pop.initial.push_back({py::str(var), to_value_spec(value, "initial")});
            pop.adaptive_threshold = adaptive_threshold;
          },
          py::arg("name"), py::arg("size"), py::arg("params"), py::arg("initial") = py::dict(),
          py::arg("adaptive_threshold") = py::none(),
          "Adds a population; `initial` maps state variables to values, e.g. {'v': sc.Uniform(-60, -50)}")
      .def(
          "connect",
          [](Network& n, std::string pre, std::string post, const py::object& connector,
             const py::object& weight, const py::object& delay_ms, const std::string& receptor,
             const std::string& name, const py::object& plasticity) {
            const Connector c = one_of<Connector, AllToAll, OneToOne, FixedProbability, FixedInDegree,
                                       FixedOutDegree, FromList>(
                connector, "connector",
                "AllToAll, OneToOne, FixedProbability, FixedInDegree, FixedOutDegree or FromList");
            Projection& p = n.connect(std::move(pre), std::move(post), c, to_value_spec(weight, "weight"),
                                      to_value_spec(delay_ms, "delay_ms"), to_receptor(receptor));
            if (!name.empty()) p.name = name;
            if (!plasticity.is_none())
              p.plasticity = one_of<PlasticityRule, PairStdp, TripletStdp, RewardStdp, ExpressionRule>(
                  plasticity, "plasticity", "PairStdp, TripletStdp, RewardStdp or ExpressionRule");
          },
          py::arg("pre"), py::arg("post"), py::arg("connector"), py::arg("weight") = 1.0,
          py::arg("delay_ms") = 0.1, py::arg("receptor") = "excitatory", py::arg("name") = "",
          py::arg("plasticity") = py::none(),
          "Adds a projection. Weights are in the post model's units (pA, nS or mV); delays are rounded to "
          "steps")
      .def(
          "record",
          [](Network& n, std::string population, std::string variable, double interval_ms,
             std::vector<uint32_t> neurons) {
            Probe& p = n.record(std::move(population), std::move(variable));
            p.interval_ms = interval_ms;
            p.neurons = std::move(neurons);
          },
          py::arg("population"), py::arg("variable") = "spikes", py::arg("interval_ms") = 0.0,
          py::arg("neurons") = std::vector<uint32_t>{},
          "Records spikes (the default) or a state variable every interval_ms (0: every step)")
      .def(
          "inject_current",
          [](Network& n, std::string population, double amplitude_pa, double start_ms, double stop_ms,
             std::vector<uint32_t> neurons) {
            n.stimuli.push_back(
                {std::move(population), amplitude_pa, start_ms, stop_ms, std::move(neurons), {}});
          },
          py::arg("population"), py::arg("amplitude_pa"), py::arg("start_ms") = 0.0,
          py::arg("stop_ms") = std::numeric_limits<double>::infinity(),
          py::arg("neurons") = std::vector<uint32_t>{},
          "A current step into a population (or some of its neurons) for [start_ms, stop_ms)")
      .def(
          "clear_probes", [](Network& n) { n.probes.clear(); },
          "Records nothing (spike counts and rates are kept regardless)")
      .def_property_readonly("populations", &population_list, "[{'name', 'size', 'model'}, ...]")
      .def_property_readonly("projections", &projection_list)
      .def_property_readonly("neuron_count", &Network::neuron_count)
      .def(
          "validate", [](const Network& n) { validate(n); },
          "Raises silicortex.Error naming the object at fault")
      .def("copy", [](const Network& n) { return Network(n); })
      .def("__copy__", [](const Network& n) { return Network(n); })
      .def("__repr__", [](const Network& n) {
        return "<silicortex.Network '" + n.name + "': " + std::to_string(n.populations.size()) +
               " populations, " + std::to_string(n.neuron_count()) + " neurons, " +
               std::to_string(n.projections.size()) + " projections>";
      });

  m.def(
      "parse_model",
      [](const std::string& text, const std::string& source) { return io::parse_network_toml(text, source); },
      py::arg("text"), py::arg("source_name") = "<string>",
      "A network from TOML text (docs/model-format.md)");
  m.def(
      "read_model", [](const std::string& path) { return io::read_network_toml(path); }, py::arg("path"),
      "A network from a TOML file (docs/model-format.md); errors name file:line and field");
  m.def(
      "builtin_model",
      [](const std::string& name) {
        std::string known;
        for (const auto& b : builtin::kModels) {
          if (b.name == name) return io::parse_network_toml(b.toml, "<builtin " + name + ">");
          known += std::string(known.empty() ? "" : ", ") + std::string(b.name);
        }
        throw Error("no built-in model '" + name + "' (there are: " + known + ")");
      },
      py::arg("name"), "A network compiled into the library: coba, cuba (Brette et al. 2007) or showcase");
}

}  // namespace

void bind_model(py::module_& m) {
  bind_neuron_models(m);
  bind_values_and_connectors(m);
  bind_network(m);
}

}  // namespace scx::py_bind
