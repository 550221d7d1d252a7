#pragma once
// A TrueNorth-model chip filled with random crossbars and neurons whose activity sustains itself near a
// chosen mean rate: the benchmark workload and the realistic-activity case of the energy check.
//
// Every neuron has a leak of +1 per tick, linear reset, and a threshold alpha = 1/(r * tick) with its own
// rate r uniform in [0.8, 1.2] x `rate_hz`: on its own it fires at r, and the chip at about `rate_hz`. The
// crossbar adds balanced input (axon types 0 and 1 excitatory, 2 and 3 inhibitory, with the same per-neuron
// magnitude 1 or 2, so every neuron's input has zero mean: unequal magnitudes let the excitation-biased
// neurons run away) that makes the spike trains irregular. The negative threshold is far
// (2^(threshold_bits-1)), so the mean rate stays near leak/alpha whatever the input. Destinations are uniform
// over the board (worst-case routing), with delays 1..15; initial potentials are uniform in [0, alpha) so the
// chip does not fire in step.
#include <cstdint>

#include "silicortex/hw/truenorth_chip.hpp"

namespace scx::hw {

struct RandomChipOptions {
  double rate_hz = 20.0;
  double density = 0.5;  // probability that a crossbar bit is set (0.5 = 128 synapses per neuron)
  int32_t cores = 0;     // 0: every core of the board; else only the first `cores` are used
  uint64_t seed = 1;
};

// Fills `chip` (its first options.cores cores). Throws scx::Error for options out of range.
void fill_random_chip(TrueNorthChip& chip, const RandomChipOptions& options);

}  // namespace scx::hw
