#pragma once
// On-chip learning on an analog crossbar: a single-layer classifier on pixel intensities trained with the
// delta rule (Widrow-Hoff / LMS), every weight update written into the devices as programming pulses
// (AnalogCrossbar::apply_update), so levels, the nonlinear pulse response and cycle-to-cycle variation shape
// what is learnt. The forward products during training go through the same crossbar (read noise, DAC, ADC).
#include <cstdint>

#include "silicortex/devices/analog_network.hpp"

namespace scx::devices {

struct DeltaRuleOptions {
  int epochs = 2, batch = 10;
  double lr = 0.005;    // dW = lr / batch * sum over the batch of (target - y) x^T, targets one-hot
  double w_max = 0.05;  // the weight of a full-window conductance difference
  uint64_t seed = 1;    // sample order (and the devices, through AnalogSetup::seed)
};

struct LearningResult {
  double test_accuracy = 0;
  uint64_t pulses = 0;        // programming pulses applied (0 for the float reference)
  double read_energy_pj = 0;  // crossbar reads during training and test
};

// Inputs are intensity / 255 on the DAC plus a constant 1 (the bias row). `analog` null: float weights, the
// software reference of the same rule.
LearningResult train_delta_rule(const train::Dataset& train_set, const train::Dataset& test_set,
                                const AnalogSetup* analog, const DeltaRuleOptions& options);

}  // namespace scx::devices
