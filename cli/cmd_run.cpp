// `silicortex run`: simulate a network described in TOML, print a summary, optionally record to HDF5.
#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "silicortex/core/progress.hpp"
#include "silicortex/io/recording.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::cli {
namespace {

struct RunArgs {
  std::string model;
  std::string out;
  unsigned threads = 0;
  uint64_t seed = 0;
  bool seed_set = false;
  std::string duration;
  bool quiet = false;
};

void print_summary(const sim::RunResult& r) {
  const auto& m = r.meta;
  fmt::print("network {}: {} neurons, {} synapses, dt {} ms, {} ms simulated, seed {}, {} thread{}\n", m.model_name,
             thousands(m.neurons), thousands(m.synapses), m.dt_ms, m.duration_ms, m.seed, m.threads,
             m.threads == 1 ? "" : "s");
  fmt::print("  {:<16} {:>10} {:>12} {:>14}\n", "population", "neurons", "spikes", "mean rate (Hz)");
  for (size_t p = 0; p < r.spikes.size(); ++p)
    fmt::print("  {:<16} {:>10} {:>12} {:>14.3f}\n", r.spikes[p].population, thousands(r.spikes[p].size),
               thousands(r.spikes[p].total_spikes), r.mean_rate_hz(p));
  const double eps = m.loop_wall_s > 0 ? m.synaptic_events / m.loop_wall_s : 0;
  fmt::print("wall time {:.3f} s (build {:.3f} s, simulation loop {:.3f} s, {:.2f}x real time)\n", m.wall_s,
             m.build_wall_s, m.loop_wall_s, m.loop_wall_s > 0 ? m.duration_ms * 1e-3 / m.loop_wall_s : 0.0);
  fmt::print("{} spikes, {} synaptic events, {:.4g} synaptic events per second\n", thousands(m.spikes),
             thousands(m.synaptic_events), eps);
}

void run_command(const RunArgs& a) {
  model::Network net = load_model(a.model);
  if (a.threads) net.sim.threads = a.threads;
  if (a.seed_set) net.sim.seed = a.seed;
  if (!a.duration.empty()) net.sim.duration_ms = parse_duration_s(a.duration, "--duration") * 1e3;
  sim::Engine engine(net);
  sim::RunOptions opt;
  std::unique_ptr<ProgressBar> live;  // created at the first callback, which brings the total
  if (!a.quiet)
    opt.progress = [&live](uint64_t done, uint64_t total) {
      if (!live) live = std::make_unique<ProgressBar>("simulating", total);
      live->update(done);
    };
  sim::RunResult result = engine.run(opt);
  live.reset();
  result.meta.model_source = model_text(a.model);
  print_summary(result);
  if (!a.out.empty()) {
    io::write_run_h5(a.out, result);
    fmt::print("wrote {}\n", a.out);
  }
}

}  // namespace

void register_run(CLI::App& root) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = root.add_subcommand("run", "Simulate a network described in a TOML file and print a summary");
  cmd->add_option("model", args->model, "Model file (TOML), or a built-in model: coba, cuba, showcase")->required();
  cmd->add_option("-o,--out", args->out, "Write spikes, traces and metadata to this HDF5 file");
  cmd->add_option("-t,--threads", args->threads, "Threads (default: the file's simulation.threads, else 1)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("-s,--seed", args->seed, "Random seed (default: the file's simulation.seed)")
      ->each([args](const std::string&) { args->seed_set = true; });
  cmd->add_option("-d,--duration", args->duration, "Simulated time, e.g. 10 (seconds), 10s, 500ms");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([args] { run_command(*args); });
}

}  // namespace scx::cli
