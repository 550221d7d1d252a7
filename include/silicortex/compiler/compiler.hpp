#pragma once
// The chip compiler: model::Network -> an inert TrueNorth-model chip program. Passes
// (docs/design/chip-compiler.md): validate against the profile -> quantise weights -> partition populations
// into cores (a fan-in above the core's axons is split over cores) -> fan-out splitter cores for the
// one-destination rule -> place cores on the mesh (Hilbert curve, splitters beside their source) -> route
// (each neuron's dx, dy, axon, delay). A network that does not fit throws scx::Error naming the limit, by how
// much, and the population or projection.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "silicortex/compiler/chip_io.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/hw/loihi_chip.hpp"
#include "silicortex/hw/truenorth_chip.hpp"
#include "silicortex/model/network.hpp"

namespace scx::compiler {

struct CoreUsage {
  int32_t core = 0;  // index on the compiled chip
  int32_t x = 0, y = 0;
  std::string population;
  bool splitter = false;
  int32_t neurons = 0, axons = 0;
  int64_t synapses = 0;  // crossbar bits set
};

struct QuantisationError {
  std::string projection;
  uint64_t synapses = 0;
  double max_abs_weight = 0;
  double max_error = 0, rms_error = 0;  // relative to max_abs_weight
};

struct CompileReport {
  std::string chip;
  int32_t mesh_w = 0, mesh_h = 0;
  int64_t neurons_per_core = 256, axons_per_core = 256;  // the profile's per-core limits
  int64_t synapses_per_core = 65536;                     // synapse memory in synapses
  std::vector<CoreUsage> cores;
  std::vector<QuantisationError> quantisation;
  uint64_t routed_neurons = 0;  // neurons with a destination, splitters included
  uint64_t total_hops = 0;      // sum of |dx| + |dy| over every routed neuron
  double hops_per_spike = 0;    // mean over population neurons with targets (splitter legs included)
};

struct CompiledNetwork {
  std::unique_ptr<hw::TrueNorthChip> chip;
  ChipIo io;
  CompileReport report;
};

CompiledNetwork compile_network(const model::Network& net, const hw::ChipProfile& profile);

// The Loihi-class path (loihi.cpp): `loihi_cuba_lif` populations and spike_times sources onto hw::LoihiChip;
// weights as the profile's signed mantissas with one exponent per projection, many destinations per neuron,
// delays of exactly one tick.
struct CompiledLoihi {
  std::unique_ptr<hw::LoihiChip> chip;
  ChipIo io;
  CompileReport report;
};
// Plastic projections (pair_stdp or expression rules) learn on chip in fixed point (learning::
// FixedPointLearner, one rule per core) with `learning`'s epoch, rounding and seed.
CompiledLoihi compile_loihi(const model::Network& net, const hw::ChipProfile& profile,
                            const learning::FixedPointOptions& learning = {});

// Writes the chip program (hw::save_chip_program) and its `.io` file, both atomically; nothing on failure.
void save_compiled(const CompiledNetwork& c, const std::filesystem::path& program);
void save_compiled(const CompiledLoihi& c, const std::filesystem::path& program);

// The --report text: per core and in total, neurons, axons, synapse memory, splitters, hops, quantisation.
std::string format_compile_report(const CompileReport& r);

}  // namespace scx::compiler
