#pragma once
// What a compiled network needs besides the chip program itself: which chip neuron is which population
// neuron, and the external input (spike-times sources) as axon events. It travels next to the .scxp file as
// `<program>.io`, a small versioned text file, because the chip program format holds only the chip.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "silicortex/hw/loihi_chip.hpp"
#include "silicortex/hw/truenorth_chip.hpp"
#include "silicortex/sim/run_result.hpp"

namespace scx::compiler {

inline constexpr uint32_t kChipIoVersion = 2;  // 2 added the site stride (Loihi cores)

// An external spike arriving at (core, axon) at `tick`.
struct InputEvent {
  uint64_t tick = 0;
  int32_t core = 0;
  int32_t axon = 0;
  bool operator<(const InputEvent& o) const {
    return tick != o.tick ? tick < o.tick : core != o.core ? core < o.core : axon < o.axon;
  }
};

struct PopulationSites {
  std::string name;
  uint32_t size = 0;
  bool source = false;
  std::vector<int64_t> sites;                                // chip neuron per neuron (see site_stride)
  std::vector<std::pair<uint64_t, uint32_t>> source_spikes;  // sources: (engine step, neuron), sorted
};

struct ChipIo {
  std::string network;
  double dt_ms = 1.0;  // the network's engine step, for source spike times
  double tick_ms = 1.0;
  uint64_t steps_per_tick = 1;
  uint64_t ticks = 0;  // ticks the network's duration takes
  uint64_t seed = 0;
  uint32_t site_stride = 256;  // site = core * site_stride + neuron (neurons per core)
  std::vector<PopulationSites> populations;
  std::vector<InputEvent> inputs;  // sorted
};

std::filesystem::path chip_io_path(const std::filesystem::path& program);
void save_chip_io(const ChipIo& io, const std::filesystem::path& path);  // atomically
ChipIo load_chip_io(const std::filesystem::path& path);                  // scx::Error naming file:line

// Runs `ticks` ticks (0: io.ticks), injecting the inputs, and records every population's spikes as a run of
// the reference engine does (times in ms = tick * tick_ms).
sim::RunResult run_on_chip(hw::TrueNorthChip& chip, const ChipIo& io, int threads, uint64_t ticks = 0);
sim::RunResult run_on_chip(hw::LoihiChip& chip, const ChipIo& io, uint64_t ticks = 0);

}  // namespace scx::compiler
