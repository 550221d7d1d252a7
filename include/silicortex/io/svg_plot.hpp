#pragma once
// SVG figures of a run: spike raster, population rate histogram, state traces.
#include <string>

#include "silicortex/sim/run_result.hpp"

namespace scx::io {

struct PlotOptions {
  double t_start_ms = 0;
  double t_stop_ms = -1;   // -1: the whole run
  double bin_ms = 5;       // rate histogram bin
  size_t max_neurons = 0;  // raster: 0 = all recorded neurons
};

std::string svg_raster(const sim::RunResult& run, const PlotOptions& opt = {});
std::string svg_rates(const sim::RunResult& run, const PlotOptions& opt = {});
std::string svg_traces(const sim::RunResult& run, const PlotOptions& opt = {});

}  // namespace scx::io
