#pragma once
// SVG figures of a run: spike raster, population rate histogram, state traces. Time windows and bins are in
// ms; an empty or unrecorded run gives a figure with a note rather than an error.
#include <string>
#include <vector>

#include "silicortex/sim/run_result.hpp"

namespace scx::io {

struct PlotOptions {
  double t_start_ms = 0;
  double t_stop_ms = -1;   // -1: the whole run
  double bin_ms = 5;       // rate histogram bin
  size_t max_neurons = 0;  // raster: neurons 0..N-1 of each population (0 = all); traces: at most N per panel
};

// Firing rate of each population with recorded spikes, in bins of bin_ms over the window [t_start, t_stop)
// (the last bin may be shorter): rates_hz[p][b] = spikes in bin b / (population size * bin width in s).
struct RateHistogram {
  std::vector<double> edges_ms;               // bins + 1 edges
  std::vector<std::string> populations;       // recorded populations, in network order
  std::vector<std::vector<double>> rates_hz;  // [population][bin]
};
RateHistogram rate_histogram(const sim::RunResult& run, const PlotOptions& opt = {});

std::string svg_raster(const sim::RunResult& run, const PlotOptions& opt = {});
std::string svg_rates(const sim::RunResult& run, const PlotOptions& opt = {});
std::string svg_traces(const sim::RunResult& run, const PlotOptions& opt = {});

}  // namespace scx::io
