// Chips in Python: compile a Network onto a chip profile (or load a .scxp program), run it, read its event
// counters and the energy model. The same compiler and chips as `silicortex compile` / `silicortex run`.
#include <pybind11/stl.h>

#include <chrono>
#include <optional>

#include "bindings.hpp"
#include "silicortex/compiler/compiler.hpp"
#include "silicortex/core/data_dir.hpp"
#include "silicortex/hw/chip_program.hpp"
#include "silicortex/hw/energy_meter.hpp"

namespace scx::py_bind {
namespace {

// One compiled network on either kind of chip.
struct Compiled {
  std::optional<compiler::CompiledNetwork> truenorth;
  std::optional<compiler::CompiledLoihi> loihi;

  const compiler::ChipIo& io() const { return truenorth ? truenorth->io : loihi->io; }
  const compiler::CompileReport& report() const { return truenorth ? truenorth->report : loihi->report; }
  const hw::ChipProfile& profile() const {
    return truenorth ? truenorth->chip->profile() : loihi->chip->profile();
  }
  const hw::EventCounters& counters() const {
    return truenorth ? truenorth->chip->counters() : loihi->chip->counters();
  }
  uint64_t neurons() const { return truenorth ? truenorth->chip->neurons() : loihi->chip->neurons(); }

  sim::RunResult run(uint64_t ticks, int threads) {
    const auto t0 = std::chrono::steady_clock::now();
    sim::RunResult r = truenorth ? compiler::run_on_chip(*truenorth->chip, io(), threads, ticks)
                                 : compiler::run_on_chip(*loihi->chip, io(), ticks);
    r.meta.loop_wall_s = r.meta.wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }
};

Compiled compile_onto(const model::Network& net, const std::string& chip) {
  const hw::ChipProfile profile = hw::read_chip_profile(hw::find_chip_profile(chip, data_dir() / "chips"));
  Compiled c;
  if (profile.neuron_kind == hw::NeuronKind::kLoihiCuba)
    c.loihi = compiler::compile_loihi(net, profile);
  else
    c.truenorth = compiler::compile_network(net, profile);
  return c;
}

Compiled load_program(const std::string& path) {
  Compiled c;
  auto io = compiler::load_chip_io(compiler::chip_io_path(path));
  if (hw::chip_program_kind(path) == hw::ChipProgramKind::kLoihi)
    c.loihi = compiler::CompiledLoihi{hw::load_loihi_program(path), std::move(io), {}};
  else
    c.truenorth = compiler::CompiledNetwork{hw::load_chip_program(path), std::move(io), {}};
  return c;
}

}  // namespace

py::dict counters_dict(const hw::EventCounters& c) {
  return py::dict(py::arg("synaptic_events") = c.synaptic_events,
                  py::arg("neuron_updates") = c.neuron_updates, py::arg("spikes_sent") = c.spikes_sent,
                  py::arg("hops") = c.hops, py::arg("chip_crossings") = c.chip_crossings,
                  py::arg("saturations") = c.saturations, py::arg("ticks") = c.ticks);
}

py::dict energy_dict(const hw::EnergyReport& e) {
  return py::dict(py::arg("model_time_s") = e.model_time_s, py::arg("synaptic_j") = e.synaptic_j,
                  py::arg("neuron_j") = e.neuron_j, py::arg("spike_j") = e.spike_j,
                  py::arg("hop_j") = e.hop_j, py::arg("crossing_j") = e.crossing_j,
                  py::arg("static_j") = e.static_j, py::arg("total_j") = e.total_j,
                  py::arg("power_w") = e.per_model_second_j, py::arg("per_inference_j") = e.per_inference_j,
                  py::arg("synaptic_ops_per_s_per_w") = e.synaptic_ops_per_s_per_w,
                  py::arg("conventional_j") = e.conventional_j, py::arg("mean_rate_hz") = e.mean_rate_hz);
}

void bind_chip(py::module_& m) {
  py::class_<Compiled>(m, "CompiledNetwork", "A network compiled onto an emulated chip")
      .def_property_readonly("chip", [](const Compiled& c) { return c.profile().name; })
      .def_property_readonly(
          "cores_used", [](const Compiled& c) { return c.report().cores.size(); },
          "Cores the compiler placed (0 for a program loaded from a file, which carries no report)")
      .def_property_readonly(
          "ticks", [](const Compiled& c) { return c.io().ticks; },
          "Ticks the network's duration takes (what run() does by default)")
      .def_property_readonly("tick_ms", [](const Compiled& c) { return c.io().tick_ms; })
      .def(
          "report", [](const Compiled& c) { return compiler::format_compile_report(c.report()); },
          "Cores, axons, neurons, synapse memory, hops and quantisation error (`compile --report`)")
      .def(
          "run",
          [](Compiled& c, uint64_t ticks, int threads) {
            py::gil_scoped_release unlocked;
            return c.run(ticks, threads);
          },
          py::arg("ticks") = 0, py::arg("threads") = 1,
          "Runs `ticks` ticks (0: the network's duration) from the chip's current tick, injecting the inputs")
      .def_property_readonly(
          "counters", [](const Compiled& c) { return counters_dict(c.counters()); },
          "Event counters summed over every run so far")
      .def(
          "energy",
          [](const Compiled& c, uint64_t inferences) {
            return energy_dict(hw::compute_energy(c.profile(), c.counters(), c.neurons(), inferences));
          },
          py::arg("inferences") = 0,
          "The energy model over the runs so far (J, W; coefficients from the profile)")
      .def("energy_report",
           [](const Compiled& c) {
             return hw::format_energy_report(hw::compute_energy(c.profile(), c.counters(), c.neurons(), 0),
                                             c.profile());
           })
      .def(
          "save",
          [](const Compiled& c, const std::string& path) {
            if (c.truenorth)
              compiler::save_compiled(*c.truenorth, path);
            else
              compiler::save_compiled(*c.loihi, path);
          },
          py::arg("path"), "Writes the chip program and its .io file (what `silicortex run` executes)");

  m.def(
      "compile",
      [](const model::Network& net, const std::string& chip) {
        py::gil_scoped_release unlocked;
        return compile_onto(net, chip);
      },
      py::arg("network"), py::arg("chip") = "truenorth",
      "Compiles onto a chip profile: a name under chips/ (truenorth, ns16e, loihi, ...) or a profile file");
  m.def("load_program", &load_program, py::arg("path"),
        "A chip program written by `silicortex compile` or save()");
}

}  // namespace scx::py_bind
