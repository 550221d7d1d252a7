#pragma once
// Deployment of a trained network onto a Loihi-class chip (hw::LoihiChip, Lava's bit-accurate CUBA LIF).
//
// Every block with neurons becomes one layer of cores; blocks without neurons (pools, flatten) are linear and
// are folded into the next layer's synapses, and convolutions become explicit sparse connections. Per layer,
// with the composite float weights w = m 2^e (m: the profile's signed mantissa; exact after Loihi QAT) and a
// power-of-two scale s = 2^(x - e) (x >= 0 the shared weight exponent on chip):
//   chip weight = m << x,  u_chip = 64 s u,  v_chip = 64 s v,  vth_chip = s vth,  bias_chip = 64 s bias,
//   du_chip = 4096 du - 1,  dv_chip = 4096 dv     (so that the decay factors equal 1 - du and 1 - dv).
// s is the largest power of two with vth_chip < 2^17 and no u wrap-around even if every input fires. The
// chip then computes the float equations exactly except for the decays' rounding toward zero (at most one
// unit of 64 s per step in u and in v) and the rounding of vth_chip and of the bias (13-bit mantissa).
//
// A spike crosses one layer per tick, so layer l (0-based) runs `l` ticks behind the input; its cores are
// held at rest for those ticks (LoihiChip::set_start_delay) so that biases start with the first input. A
// sample takes steps + layers - 1 ticks; the result is the last layer's spike count per class. (Earlier
// layers run on while the pipeline drains; their late spikes reach the output only after the last tick.)
// With the direct encoding the input spikes are graded (Loihi 2): each step every non-zero pixel sends
// payload = pixel >> (8 - bits), and the first layer's weights are scaled by 2^-bits to match.
// Pools and flatten before a layer are not neurons: their sources share input axons (one axon per pooled
// position, a spike message per source), which sums them exactly as the pool does.
#include <cstdint>
#include <string>
#include <vector>

#include "silicortex/hw/loihi_chip.hpp"
#include "silicortex/train/spec.hpp"

namespace scx::train {

struct DeployedLayer {
  std::string origin;  // "file.toml: layers[2]"
  int neurons = 0;
  int first_core = 0, cores = 0;
  uint64_t synapses = 0;
  int weight_exp = 0;  // x: chip weight = mantissa << x
  double scale = 0;    // s: chip current / float current
  int32_t vth = 0;     // chip threshold (compared as v > vth << 6)
  bool exact = false;  // the composite weights are exactly on the chip's grid
  int max_axons = 0;   // the largest number of input axons of one of its cores
  int64_t max_synapse_bits = 0;
};

class LoihiDeployment {
 public:
  // Throws scx::Error naming the layer (its origin) if it cannot be mapped or does not fit the profile.
  LoihiDeployment(const TrainConfig& cfg, const std::vector<float>& params, const hw::ChipProfile& profile);

  int steps() const { return steps_; }
  int ticks_per_sample() const { return steps_ + int(layers_.size()) - 1; }
  int cores_used() const { return cores_used_; }
  uint64_t neurons_used() const { return chip_.neurons(); }
  const std::vector<DeployedLayer>& layers() const { return layers_; }
  const hw::LoihiChip& chip() const { return chip_; }
  hw::LoihiChip& chip() { return chip_; }  // e.g. to store its weights in a device memory
  // Synapse memory per synapse: a weight and a target neuron index.
  int synapse_bits() const { return synapse_bits_; }

  // Runs one sample from rest. x: steps x pixels input, as train::encode writes it for one sample: spikes
  // (0/1), or with the direct encoding graded spikes whose payload is x * 2^bits. Returns one score per
  // output neuron whose argmax is the prediction: its spike count, or with a membrane loss the sum (mean
  // loss) or maximum (max loss) of its chip voltage over the output layer's steps, read after each tick
  // as a Loihi voltage probe would. `on_tick` sees every tick's spikes.
  std::vector<int32_t> run(const float* x, const hw::TrueNorthChip::SpikeSink& on_tick = {});

  // The layer (index into layers()) and neuron of a chip (core, neuron), for rasters.
  std::pair<int, int> locate(uint32_t core, uint32_t neuron) const;

 private:
  int steps_ = 0, cores_used_ = 0, synapse_bits_ = 0, pixels_ = 0;
  bool graded_ = false;  // direct encoding: the first layer's input spikes carry the pixels
  float payload_scale_ = 1;
  LossKind readout_ = LossKind::Count;
  std::vector<std::pair<int32_t, int32_t>> out_place_;  // output neuron -> (core, neuron)
  std::vector<DeployedLayer> layers_;
  std::vector<int> core_layer_;                     // per used core: its layer
  std::vector<std::vector<int32_t>> core_neurons_;  // per used core: the layer's index of each neuron
  std::vector<std::vector<std::pair<int32_t, int32_t>>> input_axons_;  // per pixel: (core, axon)
  hw::LoihiChip chip_;
};

// argmax with ties to the lower class, as the trainer predicts.
int predicted_class(const std::vector<int32_t>& counts);

}  // namespace scx::train
