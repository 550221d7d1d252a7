#pragma once
// What a run produces: spikes per population, sampled state traces and run metadata. The HDF5 recorder
// (io/recording.hpp) writes and reads exactly this structure.
#include <cstdint>
#include <string>
#include <vector>

namespace scx::sim {

struct PopulationSpikes {
  std::string population;
  uint32_t size = 0;              // neurons in the population
  std::vector<double> times_ms;   // sorted by time, then by neuron
  std::vector<uint32_t> neurons;  // index within the population
  uint64_t total_spikes = 0;      // all spikes of the population, recorded or not
  bool recorded = false;          // whether a "spikes" probe asked for this population's spike times

  // Recorded spikes per neuron.
  std::vector<uint32_t> counts() const {
    std::vector<uint32_t> c(size, 0);
    for (uint32_t i : neurons) ++c[i];
    return c;
  }
};

struct StateTrace {
  std::string population;
  std::string variable;
  double interval_ms = 0;
  std::vector<uint32_t> neurons;  // which neurons (index within the population)
  std::vector<double> times_ms;   // one per sample
  std::vector<float> values;      // row-major [sample][neuron]
};

struct RunMetadata {
  std::string model_name;
  std::string model_source;  // the description text (e.g. the TOML file), if any
  std::string version;
  uint64_t seed = 0;
  double dt_ms = 0;
  double duration_ms = 0;
  unsigned threads = 1;
  double wall_s = 0;        // whole run, including network construction
  double loop_wall_s = 0;   // simulation loop alone
  double loop_cpu_s = 0;    // CPU time of the process during the loop (all threads; not recorded in files)
  double build_wall_s = 0;  // network construction
  uint64_t neurons = 0;
  uint64_t synapses = 0;
  uint64_t spikes = 0;
  uint64_t synaptic_events = 0;  // spikes delivered to synapses
};

struct RunResult {
  RunMetadata meta;
  std::vector<PopulationSpikes> spikes;  // one entry per population, in network order
  std::vector<StateTrace> traces;

  double mean_rate_hz(size_t pop) const {
    const auto& p = spikes[pop];
    return meta.duration_ms > 0 && p.size > 0 ? p.total_spikes / (p.size * meta.duration_ms * 1e-3) : 0.0;
  }
};

}  // namespace scx::sim
