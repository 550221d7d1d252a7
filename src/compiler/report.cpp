// The --report text and saving a compiled network.
#include <fmt/format.h>

#include <filesystem>

#include "silicortex/compiler/compiler.hpp"
#include "silicortex/hw/chip_program.hpp"

namespace scx::compiler {

std::string format_compile_report(const CompileReport& r) {
  std::string out =
      fmt::format("chip {}: {} cores used on a {}x{} mesh\n", r.chip, r.cores.size(), r.mesh_w, r.mesh_h);
  out += fmt::format("  {:>6} {:>9} {:<16} {:>13} {:>11} {:>17}\n", "core", "(x, y)", "population",
                     fmt::format("neurons/{}", r.neurons_per_core), fmt::format("axons/{}", r.axons_per_core),
                     fmt::format("synapses/{}", r.synapses_per_core));
  int64_t neurons = 0, axons = 0, synapses = 0, splitters = 0;
  for (const auto& c : r.cores) {
    const std::string name = c.splitter ? c.population + " (splitter)" : c.population;
    out += fmt::format("  {:>6} {:>9} {:<16} {:>13} {:>11} {:>17}\n", c.core,
                       fmt::format("({}, {})", c.x, c.y), name, c.neurons, c.axons, c.synapses);
    neurons += c.neurons;
    axons += c.axons;
    synapses += c.synapses;
    splitters += c.splitter;
  }
  const auto cores = int64_t(r.cores.size());
  out += fmt::format(
      "total: {} cores ({} splitter), {} neurons ({:.1f}%), {} axons ({:.1f}%), {} synapses "
      "({:.2f}% of synapse memory)\n",
      cores, splitters, neurons, cores ? 100.0 * double(neurons) / double(cores * r.neurons_per_core) : 0.0,
      axons, cores ? 100.0 * double(axons) / double(cores * r.axons_per_core) : 0.0, synapses,
      cores ? 100.0 * double(synapses) / double(cores * r.synapses_per_core) : 0.0);
  out +=
      fmt::format("routes: {} neurons with a destination, {} hops in all; expected {:.3f} hops per spike\n",
                  r.routed_neurons, r.total_hops, r.hops_per_spike);
  out += "quantisation error (relative to the projection's largest |w|):\n";
  out += fmt::format("  {:<24} {:>10} {:>10} {:>10} {:>10}\n", "projection", "synapses", "max |w|", "max err",
                     "rms err");
  for (const auto& q : r.quantisation)
    out += fmt::format("  {:<24} {:>10} {:>10.4g} {:>10.4g} {:>10.4g}\n", q.projection, q.synapses,
                       q.max_abs_weight, q.max_error, q.rms_error);
  return out;
}

namespace {
template <typename Chip>
void save_program_and_io(const Chip& chip, const ChipIo& io, const std::filesystem::path& program) {
  const auto io_path = chip_io_path(program);
  save_chip_io(io, io_path);
  try {
    hw::save_chip_program(chip, program);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(io_path, ec);  // no half of a compiled network
    throw;
  }
}
}  // namespace

void save_compiled(const CompiledNetwork& c, const std::filesystem::path& program) {
  save_program_and_io(*c.chip, c.io, program);
}

void save_compiled(const CompiledLoihi& c, const std::filesystem::path& program) {
  save_program_and_io(*c.chip, c.io, program);
}

}  // namespace scx::compiler
