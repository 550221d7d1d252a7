// The reference engine and its results in Python. Runs release the GIL; spike times, neurons and traces come
// back as read-only numpy views of the result (no copy), kept alive by it.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/recording.hpp"
#include "silicortex/sim/connectivity.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::py_bind {
namespace {

using sim::PopulationSpikes;
using sim::RunMetadata;
using sim::RunResult;
using sim::StateTrace;

void bind_results(py::module_& m) {
  py::class_<RunMetadata>(m, "RunMetadata")
      .def_readonly("model_name", &RunMetadata::model_name)
      .def_readonly("version", &RunMetadata::version)
      .def_readonly("seed", &RunMetadata::seed)
      .def_readonly("dt_ms", &RunMetadata::dt_ms)
      .def_readonly("duration_ms", &RunMetadata::duration_ms)
      .def_readonly("threads", &RunMetadata::threads)
      .def_readonly("wall_s", &RunMetadata::wall_s)
      .def_readonly("loop_wall_s", &RunMetadata::loop_wall_s)
      .def_readonly("build_wall_s", &RunMetadata::build_wall_s)
      .def_readonly("neurons", &RunMetadata::neurons)
      .def_readonly("synapses", &RunMetadata::synapses)
      .def_readonly("spikes", &RunMetadata::spikes)
      .def_readonly("synaptic_events", &RunMetadata::synaptic_events)
      .def_property_readonly("synaptic_events_per_s", [](const RunMetadata& r) {
        return r.loop_wall_s > 0 ? double(r.synaptic_events) / r.loop_wall_s : 0.0;
      });

  py::class_<PopulationSpikes>(m, "PopulationSpikes", "Spikes of one population, sorted by time, then neuron")
      .def_readonly("population", &PopulationSpikes::population)
      .def_readonly("size", &PopulationSpikes::size)
      .def_readonly("total_spikes", &PopulationSpikes::total_spikes, "All spikes, recorded or not")
      .def_readonly("recorded", &PopulationSpikes::recorded, "Whether a spike probe recorded the times")
      .def_property_readonly("times_ms", view_of(&PopulationSpikes::times_ms))
      .def_property_readonly("neurons", view_of(&PopulationSpikes::neurons))
      .def(
          "counts", [](const PopulationSpikes& p) { return owned(p.counts()); }, "Recorded spikes per neuron")
      .def("__len__", [](const PopulationSpikes& p) { return p.times_ms.size(); })
      .def("__repr__", [](const PopulationSpikes& p) {
        return "<PopulationSpikes '" + p.population + "': " + std::to_string(p.total_spikes) +
               " spikes from " + std::to_string(p.size) + " neurons>";
      });

  py::class_<StateTrace>(m, "StateTrace", "A sampled state variable: values[sample, neuron]")
      .def_readonly("population", &StateTrace::population)
      .def_readonly("variable", &StateTrace::variable)
      .def_readonly("interval_ms", &StateTrace::interval_ms)
      .def_property_readonly("neurons", view_of(&StateTrace::neurons))
      .def_property_readonly("times_ms", view_of(&StateTrace::times_ms))
      .def_property_readonly("values", [](py::object self) {
        const auto& t = self.cast<const StateTrace&>();
        const size_t cols = t.neurons.size(), rows = cols ? t.values.size() / cols : 0;
        return view(t.values, self).reshape({rows, cols});
      });

  py::class_<RunResult>(m, "RunResult", "What a run recorded: spikes per population, traces and metadata")
      .def_readonly("meta", &RunResult::meta)
      .def_property_readonly(
          "spikes",
          [](py::object self) {
            py::dict out;
            for (auto& p : self.cast<RunResult&>().spikes)
              out[py::str(p.population)] = py::cast(&p, py::return_value_policy::reference_internal, self);
            return out;
          },
          "{population name: PopulationSpikes}")
      .def_property_readonly("traces",
                             [](py::object self) {
                               py::list out;
                               for (auto& t : self.cast<RunResult&>().traces)
                                 out.append(py::cast(&t, py::return_value_policy::reference_internal, self));
                               return out;
                             })
      .def(
          "mean_rate_hz",
          [](const RunResult& r, const std::string& population) {
            for (size_t i = 0; i < r.spikes.size(); ++i)
              if (r.spikes[i].population == population) return r.mean_rate_hz(i);
            throw Error("no population '" + population + "' in this run");
          },
          py::arg("population"))
      .def(
          "save", [](const RunResult& r, const std::string& path) { io::write_run_h5(path, r); },
          py::arg("path"), "Writes the HDF5 recording (docs/recording-format.md) atomically")
      .def("__repr__", [](const RunResult& r) {
        return "<RunResult '" + r.meta.model_name + "': " + std::to_string(r.meta.spikes) + " spikes in " +
               std::to_string(r.meta.duration_ms) + " ms>";
      });

  m.def(
      "read_run", [](const std::string& path) { return io::read_run_h5(path); }, py::arg("path"),
      "A recording written by `silicortex run --out` or RunResult.save()");
}

void bind_engine(py::module_& m) {
  py::class_<sim::Engine>(
      m, "Engine", "The reference engine: builds the network once, then runs it from its current state")
      .def(py::init([](const model::Network& net) {
             py::gil_scoped_release unlocked;
             return sim::Engine(net);
           }),
           py::arg("network"))
      .def_property_readonly("neuron_count", &sim::Engine::neuron_count)
      .def_property_readonly("synapse_count", &sim::Engine::synapse_count)
      .def_property_readonly("build_wall_s", &sim::Engine::build_wall_s)
      .def(
          "run",
          [](sim::Engine& e, const py::object& progress) {
            GuardedCallback call(progress);
            sim::RunOptions opt;
            if (!progress.is_none())
              opt.progress = [&call](uint64_t done, uint64_t total) { call(done, total); };
            RunResult r;
            {
              py::gil_scoped_release unlocked;
              r = e.run(opt);
            }
            call.rethrow_if_failed();
            return r;
          },
          py::arg("progress") = py::none(),
          "Runs for sim.duration_ms; progress(done_steps, total_steps) is called every few hundred steps")
      .def_property(
          "step", &sim::Engine::step, &sim::Engine::set_step,
          "Steps simulated so far; setting it also resets the state (random streams are keyed by step)")
      .def("reset_state", &sim::Engine::reset_state,
           "Back to the state after building; weights and clock stay")
      .def("set_duration_ms", &sim::Engine::set_duration_ms, py::arg("duration_ms"))
      .def("set_rates", &sim::Engine::set_rates, py::arg("population"), py::arg("rates_hz"),
           "Per-neuron rates of a Poisson source population, from the next step on")
      .def("set_reward", &sim::Engine::set_reward, py::arg("value"))
      .def("set_learning", &sim::Engine::set_learning, py::arg("enabled"))
      .def("set_learning_rate", &sim::Engine::set_learning_rate, py::arg("scale"))
      .def(
          "weights",
          [](const sim::Engine& e, const std::string& projection) {
            sim::ProjectionWeights w = e.weights(projection);
            return py::dict(py::arg("pre") = owned(std::move(w.pre)),
                            py::arg("post") = owned(std::move(w.post)),
                            py::arg("weight") = owned(std::move(w.weight)));
          },
          py::arg("projection"), "A plastic projection's synapses: {'pre', 'post', 'weight'} arrays")
      .def("set_weights", &sim::Engine::set_weights, py::arg("projection"), py::arg("weights"))
      .def("normalize_weights", &sim::Engine::normalize_weights, py::arg("projection"), py::arg("target_sum"))
      .def(
          "thresholds", [](const sim::Engine& e, const std::string& p) { return owned(e.thresholds(p)); },
          py::arg("population"))
      .def("set_thresholds", &sim::Engine::set_thresholds, py::arg("population"), py::arg("theta_mv"));
}

void bind_connectivity(py::module_& m) {
  m.def(
      "synapses",
      [](const model::Network& net, const std::string& projection) {
        sim::SynapseList s = sim::network_synapses(net, projection);
        std::vector<double> delay_ms(s.size());
        for (size_t k = 0; k < s.size(); ++k) delay_ms[k] = s.delay_steps[k] * net.sim.dt_ms;
        py::dict out;
        out["pre"] = owned(std::move(s.pre));
        out["post"] = owned(std::move(s.post));
        out["weight"] = owned(std::move(s.weight));
        out["delay_ms"] = owned(std::move(delay_ms));
        return out;
      },
      py::arg("network"), py::arg("projection"),
      "A projection's synapses as the engine builds them ({'pre', 'post', 'weight', 'delay_ms'} arrays, "
      "delays "
      "rounded to steps), without building or running; plastic projections give their initial weights");
}

}  // namespace

void bind_sim(py::module_& m) {
  bind_connectivity(m);
  bind_results(m);
  bind_engine(m);
}

}  // namespace scx::py_bind
