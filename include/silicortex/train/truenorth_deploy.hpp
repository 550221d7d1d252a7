#pragma once
// Deployment of a trained network onto a TrueNorth-class chip (hw::TrueNorthChip, the bit-exact neuron of
// Cassidy et al. 2013), in the manner of Eedn (Esser et al. 2016).
//
// Neurons: integrate-and-fire without multiplicative leak (trainer model "lif" with dv = 0, or "cuba" with du
// = 1 and dv = 0): v[t] = v[t-1] + input + bias, a spike and v = 0 when v > vth. TrueNorth integrates, adds
// its leak and resets to R when V >= alpha, so with the weights of neuron j on the trainer's TrueNorth grid,
// w = k a_j (k in {-L/2..L/2}, `[quantization] kind = "truenorth"`), and an integer c_j (the chip weight of
// level 1), V = c_j v / a_j exactly:
//   axon type of level k -> s_j[type] = k c_j,  leak = round(c_j bias / a_j),  alpha = floor(c_j vth / a_j) +
//   1,
// reset to R = 0, and a negative threshold at the largest value the profile allows (never reached in
// practice; layers where the worst case could reach it are marked inexact). c_j is chosen per neuron (at most
// the weight width allows) to make the leak exact, or its rounding smallest.
//
// Axons: a source used with several levels on one core gets one axon per level (type = level). Pools and
// flatten before a layer fold into its weights, but unlike on Loihi the pooled sources cannot share an axon:
// a TrueNorth axon ORs the spikes that reach it in one tick, so each source keeps its own axon. Every neuron
// has at most 256 input axons.
// Fan-out: a neuron has one destination (core, axon), so a neuron needed on k (core, axon) pairs of the next
// layer is placed k times in its own core (same crossbar column and parameters: identical spikes), and the
// copies count against the core's 256 neurons. Layers are therefore placed from the last to the first; each
// layer's cores are filled greedily, all outputs of one position together (they share their inputs), while
// neurons with their copies and distinct input axons fit.
// Input: binary spikes (rate or latency encoding) injected by the host into every axon of each pixel.
// Timing: one tick per layer hop (delay 1), so layer l runs l ticks behind the input; its neurons start at
// V = -l * leak, which the first l ticks of leak bring to 0 as the first input arrives. A sample takes
// steps + layers - 1 ticks. Trailing pools and flatten (no neurons) are applied by the host to the last
// layer's spike counts (Eedn's population read-out: a class's score is the spike count of its neurons).
// Only the cores the network uses are emulated (on a one-chip profile, the rows of the mesh that hold them).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "silicortex/hw/truenorth_chip.hpp"
#include "silicortex/train/spec.hpp"

namespace scx::train {

struct TnDeployedLayer {
  std::string origin;    // "file.toml: layers[2]"
  int neurons = 0;       // the trainer's neurons
  int chip_neurons = 0;  // with the fan-out copies
  int first_core = 0, cores = 0;
  uint64_t synapses = 0;                           // crossbar bits set
  int max_axons = 0;                               // the most input axons of one of its cores
  int max_fan_in = 0;                              // the most input axons of one neuron
  int max_copies = 0;                              // the most copies of one neuron
  int min_weight_scale = 0, max_weight_scale = 0;  // c_j
  bool exact = true;                               // every leak exact and the negative threshold out of reach
};

class TrueNorthDeployment {
 public:
  // Throws scx::Error naming the layer (its origin) and field if it cannot be mapped or does not fit.
  TrueNorthDeployment(const TrainConfig& cfg, const std::vector<float>& params,
                      const hw::ChipProfile& profile);

  int steps() const { return steps_; }
  int ticks_per_sample() const { return steps_ + int(layers_.size()) - 1; }
  int cores_used() const { return cores_used_; }
  uint64_t neurons_used() const { return neurons_used_; }  // chip neurons configured, copies included
  const std::vector<TnDeployedLayer>& layers() const { return layers_; }
  const hw::TrueNorthChip& chip() const { return *chip_; }
  hw::TrueNorthChip& chip() { return *chip_; }

  // Runs one sample from rest. x: steps x pixels binary input spikes, as train::encode writes them for one
  // sample. Returns the class scores: the last layer's spike counts through the trailing pools, if any.
  std::vector<int32_t> run(const float* x, const hw::TrueNorthChip::SpikeSink& on_tick = {});

  // The layer (index into layers()) and trainer neuron of a chip (core, neuron); the neuron is -1 for a
  // fan-out copy or an unused slot.
  std::pair<int, int> locate(uint32_t core, uint32_t neuron) const;

 private:
  int steps_ = 0, cores_used_ = 0, pixels_ = 0;
  uint64_t neurons_used_ = 0;
  std::vector<TnDeployedLayer> layers_;
  std::vector<int> core_layer_;                     // per used core: its layer
  std::vector<std::vector<int32_t>> core_neurons_;  // per used core and slot: trainer neuron, -1 for copies
  std::vector<std::vector<std::pair<int32_t, int32_t>>> input_axons_;  // per pixel: (core, axon)
  std::vector<std::vector<std::pair<int32_t, double>>> readout_;       // per last-layer neuron: (class, w)
  int classes_ = 0;
  double readout_scale_ = 1;  // makes the trailing average pools' weights integers
  std::optional<hw::TrueNorthChip> chip_;
};

}  // namespace scx::train
