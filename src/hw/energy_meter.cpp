#include "silicortex/hw/energy_meter.hpp"

#include <fmt/format.h>

namespace scx::hw {

EventCounters& EventCounters::operator+=(const EventCounters& o) {
  synaptic_events += o.synaptic_events;
  neuron_updates += o.neuron_updates;
  spikes_sent += o.spikes_sent;
  hops += o.hops;
  chip_crossings += o.chip_crossings;
  saturations += o.saturations;
  ticks += o.ticks;
  return *this;
}

EnergyReport compute_energy(const ChipProfile& p, const EventCounters& c, uint64_t neurons,
                            uint64_t inferences) {
  constexpr double kPico = 1e-12;
  EnergyReport r;
  r.model_time_s = double(c.ticks) * p.tick_s;
  r.synaptic_j = double(c.synaptic_events) * p.synaptic_event_pj * kPico;
  r.neuron_j = double(c.neuron_updates) * p.neuron_update_pj * kPico;
  r.spike_j = double(c.spikes_sent) * p.spike_sent_pj * kPico;
  r.hop_j = double(c.hops - c.chip_crossings) * p.hop_pj * kPico;
  r.crossing_j = double(c.chip_crossings) * p.chip_crossing_pj * kPico;
  r.static_j = p.static_power_mw * 1e-3 * double(p.chips()) * r.model_time_s;
  r.total_j = r.synaptic_j + r.neuron_j + r.spike_j + r.hop_j + r.crossing_j + r.static_j;
  if (r.model_time_s > 0) {
    r.per_model_second_j = r.total_j / r.model_time_s;
    if (neurons) r.mean_rate_hz = double(c.spikes_sent) / double(neurons) / r.model_time_s;
  }
  if (inferences) r.per_inference_j = r.total_j / double(inferences);
  if (r.total_j > 0) r.synaptic_ops_per_s_per_w = double(c.synaptic_events) / r.total_j;  // SOPS/W = SOP/J
  r.conventional_j =
      double(c.synaptic_events) * (p.conventional_weight_fetch_pj + p.conventional_mac_pj) * kPico;
  return r;
}

std::string format_energy_report(const EnergyReport& r, const ChipProfile& p) {
  std::string out = fmt::format("energy model: {} ({})\n", p.name, p.file.string());
  out += fmt::format("  model time            {:.6g} s\n", r.model_time_s);
  out += fmt::format("  synaptic events       {:.6g} J\n", r.synaptic_j);
  out += fmt::format("  neuron updates        {:.6g} J\n", r.neuron_j);
  out += fmt::format("  spikes sent           {:.6g} J\n", r.spike_j);
  out += fmt::format("  on-chip hops          {:.6g} J\n", r.hop_j);
  out += fmt::format("  chip crossings        {:.6g} J\n", r.crossing_j);
  out += fmt::format("  static                {:.6g} J\n", r.static_j);
  out += fmt::format("  total                 {:.6g} J\n", r.total_j);
  out += fmt::format("  per second of model   {:.6g} J  (average power at real-time speed {:.4g} mW)\n",
                     r.per_model_second_j, r.per_model_second_j * 1e3);
  if (r.per_inference_j > 0) out += fmt::format("  per inference         {:.6g} J\n", r.per_inference_j);
  out += fmt::format("  efficiency            {:.4g} GSOPS/W\n", r.synaptic_ops_per_s_per_w * 1e-9);
  out += fmt::format(
      "  conventional CPU      {:.6g} J for the same synaptic events (DRAM fetch {} pJ + MAC {} pJ"
      " each), {:.3g}x the chip\n",
      r.conventional_j, p.conventional_weight_fetch_pj, p.conventional_mac_pj,
      r.total_j > 0 ? r.conventional_j / r.total_j : 0.0);
  return out;
}

}  // namespace scx::hw
