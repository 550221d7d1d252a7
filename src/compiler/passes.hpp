#pragma once
// The compiler's working state between passes: cores as lists of axons (keyed by source neuron and delay),
// neuron slots and crossbar bits, before they are placed on the mesh.
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "silicortex/compiler/compiler.hpp"

namespace scx::compiler::detail {

struct Bit {
  int32_t axon, slot;
  double weight;  // the model's weight (summed over duplicate synapses), before quantisation
  uint32_t proj;
};

// Where a spike goes: core (compile order), axon, delay (ticks; engine steps for external sources).
struct Target {
  int32_t core = -1, axon = 0, delay = 0;
};

struct Core {
  uint32_t pop = 0;  // the population whose neurons it holds, or whose spikes a splitter forwards
  bool splitter = false;
  std::vector<uint32_t> neurons;  // population-local index per slot (splitters: unused entries)
  std::vector<uint64_t> axon_keys;
  std::vector<uint32_t> axon_proj;  // a projection feeding each axon, for messages
  std::vector<Bit> bits;
  std::vector<int8_t> axon_type;
  std::vector<std::array<int32_t, 4>> weights;  // per slot and axon type
  std::vector<std::array<bool, 4>> weight_set;
  std::vector<Target> forward;  // splitters: per slot
};

struct Site {
  int32_t core = -1, slot = -1;
};

struct Plan {
  double dt_ms = 1;
  int64_t steps_per_tick = 1;
  std::vector<uint64_t> pop_offset;  // global neuron index of each population's first neuron
  std::vector<bool> is_source;
  std::vector<Site> site;                     // per global neuron (chip neurons only)
  std::vector<Target> route;                  // per global neuron: its one destination (core -1: none)
  std::vector<std::vector<Target>> external;  // per global neuron of a source: the axons it feeds
  std::vector<Core> cores;
  std::unordered_map<std::string, uint32_t> by_name;

  void index_populations(const model::Network& net);
  uint32_t pop_index(const std::string& name) const { return by_name.at(name); }
};

// Pass 5: cores in population order (splitters after their population), and their places on the mesh: `at`
// maps a core (compile order) to its mesh index under `profile`, the profile shrunk to the sub-mesh used.
struct Placement {
  hw::ChipProfile profile;
  std::vector<int32_t> at;
};
std::vector<int32_t> population_order(const std::vector<Core>& cores, uint32_t populations);
Placement place_cores(const hw::ChipProfile& p, const std::vector<int32_t>& order, int32_t n);

// The engine steps at which neuron i of a spike-times source fires (rounded, sorted, one per step), below
// `steps`.
std::vector<int64_t> source_steps(const model::SpikeTimesSource& src, uint32_t i, double dt_ms,
                                  int64_t steps);

// Pass 4: one destination per neuron; a neuron that feeds several (core, axon) pairs goes through splitters.
void add_splitters(const model::Network& net, const hw::ChipProfile& p, Plan& plan);
// Passes 5 and 6: place cores on the mesh, route every neuron, build the chip, the io and the report.
void place_and_build(const model::Network& net, const hw::ChipProfile& p, const Plan& plan,
                     CompiledNetwork& out);

}  // namespace scx::compiler::detail
