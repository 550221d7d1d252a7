#pragma once
// NIR graphs as runnable networks: conversion into model::Network (neuron nodes become model::NirNeuron
// populations, chains of linear nodes become FromList projections), running with input spike trains, and
// export of networks back to NIR. The settled semantics are in docs/nir.md.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "silicortex/io/nir_graph.hpp"
#include "silicortex/model/network.hpp"
#include "silicortex/sim/run_result.hpp"

namespace scx::io::nir {

struct Options {
  double dt_s = 1e-4;
  model::NirNeuron::Reset reset = model::NirNeuron::Reset::ToValue;
  // Unit: a spike is the value 1 during one step (snnTorch, Norse, Lava). Dirac: a spike integrates to 1, so
  // it is 1/dt during its step (the debug note's proposal; what Sinabs' IF layers amount to).
  enum class Spikes { Unit, Dirac } spikes = Spikes::Unit;
};

// An Input or Output node of the top-level graph and the population behind it.
struct Port {
  std::string node;
  std::string population;
  std::vector<int64_t> shape;
  uint32_t size = 0;
  std::string variable;  // outputs: "spikes", or "v" for nodes that do not spike (LI, CubaLI, I)
};

struct Converted {
  model::Network net;  // Input populations hold empty spike-time lists until run()
  std::vector<Port> inputs, outputs;
  std::vector<uint32_t> depth;  // per population: steps between a NIR step and the engine step running it
  std::vector<std::string> warnings;
};

Converted to_network(const Document& doc, const Options& options);

// Input spikes of one Input node: (NIR step, flat neuron index) pairs.
struct SpikeTrain {
  std::vector<int64_t> steps;
  std::vector<uint32_t> neurons;
};

// Puts the spike trains (one per Input node, in `inputs` order) into the Input populations and sets the
// duration to `steps` NIR steps plus the lowering's lag. run() calls it; so does compiling for a chip.
void set_inputs(Converted& c, const std::vector<SpikeTrain>& inputs, int64_t steps);

// Runs `steps` NIR steps with one spike train per Input node (in `inputs` order). The result's times are NIR
// times (step * dt): the latency alignment of the lowering is undone. Every population's spikes are recorded,
// and v of the populations behind Output nodes.
sim::RunResult run(Converted& c, const std::vector<SpikeTrain>& inputs, int64_t steps, unsigned threads = 1);

// Input spikes from a file: CSV (one row per step, one column per input neuron, 0 or 1; or "step,neuron" rows
// with a header `step,neuron`), or HDF5 (NIRData EventData/TimeGriddedData of the Input node, sample 0; or
// datasets `steps` and `neurons`). Returns one train per Input node of `c` and the number of steps.
std::vector<SpikeTrain> read_input_spikes(const std::filesystem::path& path, const Converted& c,
                                          int64_t& steps);

// A NIR document for a network: NirNeuron populations as their NIR node type, lif_curr_exp as CubaLIF (in mV
// and seconds, snnTorch's w_in = tau_syn/dt convention), spike sources as Input nodes, projections as Linear
// nodes.
Document from_network(const model::Network& net, std::vector<std::string>& warnings);

}  // namespace scx::io::nir
