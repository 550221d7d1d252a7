#pragma once
// A Loihi-class core's synapse memory held in multi-level synaptic devices: each core's (neurons x axons)
// integer weights are programmed into an AnalogCrossbar, read back at config.time_s (levels, variation,
// programming error, drift, stuck-at faults; no read noise) and quantised as an ideal ADC would for the
// digital core: to the nearest multiple of the core's weight step (the largest power of two dividing all its
// weights) within the chip's signed mantissa range. An ideal device leaves every weight unchanged.
#include <cstdint>

#include "silicortex/devices/analog_crossbar.hpp"
#include "silicortex/hw/loihi_chip.hpp"

namespace scx::devices {

struct ChipMemoryResult {
  uint64_t synapses = 0, changed = 0;  // weights stored, and those that read back different
  int cores = 0;                       // cores with synapses
};

// Rewrites the chip's weights in place. Crossbar id = core index, so the same seed gives the same devices.
// Throws scx::Error naming the core if it has plastic synapses or two synapses on one (axon, neuron) cell.
ChipMemoryResult store_in_devices(hw::LoihiChip& chip, const DeviceProfile& profile,
                                  const CrossbarConfig& cfg, uint64_t seed);

}  // namespace scx::devices
