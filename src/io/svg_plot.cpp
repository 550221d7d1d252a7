#include "silicortex/io/svg_plot.hpp"

namespace scx::io {
std::string svg_raster(const sim::RunResult&, const PlotOptions&) { return "<svg/>"; }
std::string svg_rates(const sim::RunResult&, const PlotOptions&) { return "<svg/>"; }
std::string svg_traces(const sim::RunResult&, const PlotOptions&) { return "<svg/>"; }
}  // namespace scx::io
