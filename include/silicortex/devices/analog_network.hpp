#pragma once
// A trained network (silicortex train) evaluated with every dense layer's matrix product on an analog
// crossbar: the synapse memory of a chip core made of devices, while neurons, biases and the input encoding
// stay digital and identical to the trainer's evaluation. Other layers (conv, pooling) stay digital.
#include <cstdint>
#include <vector>

#include "silicortex/devices/analog_crossbar.hpp"
#include "silicortex/train/trainer.hpp"

namespace scx::devices {

struct AnalogSetup {
  DeviceProfile profile;
  CrossbarConfig crossbar;
  uint64_t seed = 1;  // device draws; crossbar i (dense layer i) uses id i
};

struct EvalResult {
  size_t samples = 0, correct = 0;
  std::vector<int> predictions;  // argmax of the logits, ties to the lower class
  std::vector<double> logits;    // samples x classes (spike counts x scale for the count loss)
  double read_energy_pj = 0;     // all crossbar reads, all samples
  double accuracy() const { return samples ? double(correct) / samples : 0; }
  double energy_pj_per_sample() const { return samples ? read_energy_pj / samples : 0; }
};

// Runs `net` on `data` with the trainer's evaluation encoding; `analog` null: the digital forward pass.
// Data whose sample size differs from the network's input give scx::Error.
EvalResult evaluate_network(const train::TrainedNetwork& net, const train::Dataset& data,
                            const AnalogSetup* analog);

}  // namespace scx::devices
