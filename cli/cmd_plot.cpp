#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/recording.hpp"
#include "silicortex/io/svg_plot.hpp"

namespace scx::cli {
namespace {

struct PlotArgs {
  std::string input, raster, rates, traces;
  io::PlotOptions opt;
};

void run_plot(const PlotArgs& a) {
  if (a.raster.empty() && a.rates.empty() && a.traces.empty())
    throw Error("plot: nothing to draw; give at least one of --raster, --rates, --traces (see --help)");
  const sim::RunResult run = io::read_run_h5(a.input);
  // Render everything before writing anything, so that a bad option leaves no partial set of figures.
  std::vector<std::pair<std::string, std::string>> outputs;
  if (!a.raster.empty()) outputs.emplace_back(a.raster, io::svg_raster(run, a.opt));
  if (!a.rates.empty()) outputs.emplace_back(a.rates, io::svg_rates(run, a.opt));
  if (!a.traces.empty()) outputs.emplace_back(a.traces, io::svg_traces(run, a.opt));
  for (const auto& [path, svg] : outputs) {
    write_text_atomically(path, svg);
    std::printf("wrote %s\n", path.c_str());
  }
}

}  // namespace

void register_plot(CLI::App& root) {
  auto args = std::make_shared<PlotArgs>();
  CLI::App* cmd = root.add_subcommand("plot", "Render SVG figures from a recording (run.h5)");
  cmd->footer(
      "At least one of --raster, --rates, --traces is required. Times are in ms; the window is\n"
      "[--t-start, --t-stop), by default the whole run. Each figure is written atomically.\n"
      "Example: silicortex plot run.h5 --raster raster.svg --rates rates.svg --bin-ms 10");
  cmd->add_option("recording", args->input, "HDF5 recording written by `silicortex run` (run.h5)")
      ->required();
  cmd->add_option("--raster", args->raster,
                  "Spike raster SVG: time vs neuron, one colour per population (above 200000 spikes in the "
                  "window, every k-th spike is drawn and the figure says so)");
  cmd->add_option("--rates", args->rates,
                  "Population firing-rate SVG: spikes per neuron per second in bins of --bin-ms");
  cmd->add_option("--traces", args->traces,
                  "State-trace SVG: one panel per recorded trace, up to 10 neurons per panel");
  cmd->add_option("--t-start", args->opt.t_start_ms, "Start of the time window in ms")->capture_default_str();
  cmd->add_option("--t-stop", args->opt.t_stop_ms, "End of the time window in ms (-1: end of the run)")
      ->capture_default_str();
  cmd->add_option("--bin-ms", args->opt.bin_ms, "Bin width of the rate histogram in ms")
      ->capture_default_str();
  cmd->add_option("--max-neurons", args->opt.max_neurons,
                  "Raster: draw neurons 0..N-1 of each population; traces: at most N neurons per panel "
                  "(0: all for the raster, 10 for traces)")
      ->capture_default_str();
  cmd->callback([args] { run_plot(*args); });
}

}  // namespace scx::cli
