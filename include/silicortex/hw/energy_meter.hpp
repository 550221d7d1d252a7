#pragma once
// Event counters of a chip run and the energy and time model built on them (coefficients from the profile):
//   E = synaptic_events*E_syn + neuron_updates*E_neuron + spikes_sent*E_spike + on_chip_hops*E_hop
//     + chip_crossings*E_cross + static_power * chips * ticks * tick_s
// and, for comparison, a conventional processor doing the same work: each synaptic event is one DRAM weight
// fetch plus one multiply-accumulate (Horowitz 2014).
#include <cstdint>
#include <string>

#include "silicortex/hw/chip_profile.hpp"

namespace scx::hw {

struct EventCounters {
  uint64_t synaptic_events = 0;  // (active axon, connected neuron) pairs integrated
  uint64_t neuron_updates = 0;
  uint64_t spikes_sent = 0;  // spikes that left a neuron (routed or not)
  uint64_t hops = 0;         // all router hops, including those that cross a chip boundary
  uint64_t chip_crossings = 0;
  // Arithmetic limits hit: TrueNorth V clamped; Loihi u wrapped, v or input clipped.
  uint64_t saturations = 0;
  uint64_t ticks = 0;

  EventCounters& operator+=(const EventCounters& o);
};

struct EnergyReport {
  double model_time_s = 0;
  double synaptic_j = 0, neuron_j = 0, spike_j = 0, hop_j = 0, crossing_j = 0, static_j = 0;
  double total_j = 0;
  double per_model_second_j = 0;  // = average power at real-time speed, in W
  double per_inference_j = 0;     // total / inferences (0 if none given)
  double synaptic_ops_per_s_per_w = 0;
  double conventional_j = 0;  // same synaptic events on a von Neumann processor
  double mean_rate_hz = 0;    // spikes per neuron per model second
};

EnergyReport compute_energy(const ChipProfile& profile, const EventCounters& counters, uint64_t neurons,
                            uint64_t inferences = 0);
std::string format_energy_report(const EnergyReport& report, const ChipProfile& profile);

}  // namespace scx::hw
