// `silicortex run`: simulate a network described in TOML, print a summary, optionally record to HDF5.
#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "cli_util.hpp"
#include "commands.hpp"
#include "silicortex/compiler/chip_io.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/progress.hpp"
#include "silicortex/hw/chip_program.hpp"
#include "silicortex/hw/energy_meter.hpp"
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
  fmt::print("network {}: {} neurons, {} synapses, dt {} ms, {} ms simulated, seed {}, {} thread{}\n",
             m.model_name, thousands(m.neurons), thousands(m.synapses), m.dt_ms, m.duration_ms, m.seed,
             m.threads, m.threads == 1 ? "" : "s");
  fmt::print("  {:<16} {:>10} {:>12} {:>14}\n", "population", "neurons", "spikes", "mean rate (Hz)");
  for (size_t p = 0; p < r.spikes.size(); ++p)
    fmt::print("  {:<16} {:>10} {:>12} {:>14.3f}\n", r.spikes[p].population, thousands(r.spikes[p].size),
               thousands(r.spikes[p].total_spikes), r.mean_rate_hz(p));
  const double eps = m.loop_wall_s > 0 ? m.synaptic_events / m.loop_wall_s : 0;
  fmt::print("wall time {:.3f} s (build {:.3f} s, simulation loop {:.3f} s, {:.2f}x real time)\n", m.wall_s,
             m.build_wall_s, m.loop_wall_s, m.loop_wall_s > 0 ? m.duration_ms * 1e-3 / m.loop_wall_s : 0.0);
  fmt::print("{} spikes, {} synaptic events, {:.4g} synaptic events per second\n", thousands(m.spikes),
             thousands(m.synaptic_events), eps);
  warn_if_threads_starved(m);
}

// A compiled network (.scxp and its .io): run on the emulated chip, record as any run, and report energy.
void run_chip_program(const RunArgs& a) {
  if (!a.out.empty()) check_writable(a.out);
  const auto t0 = std::chrono::steady_clock::now();
  const bool loihi = hw::chip_program_kind(a.model) == hw::ChipProgramKind::kLoihi;
  std::unique_ptr<hw::TrueNorthChip> truenorth;
  std::unique_ptr<hw::LoihiChip> loihi_chip;
  if (loihi)
    loihi_chip = hw::load_loihi_program(a.model);
  else
    truenorth = hw::load_chip_program(a.model);
  const auto io = compiler::load_chip_io(compiler::chip_io_path(a.model));
  const uint64_t ticks =
      a.duration.empty()
          ? io.ticks
          : uint64_t(std::ceil(parse_duration_s(a.duration, "--duration") * 1e3 / io.tick_ms - 1e-9));
  const auto t1 = std::chrono::steady_clock::now();
  sim::RunResult result = loihi
                              ? compiler::run_on_chip(*loihi_chip, io, ticks)
                              : compiler::run_on_chip(*truenorth, io, int(a.threads ? a.threads : 1), ticks);
  const auto t2 = std::chrono::steady_clock::now();
  result.meta.build_wall_s = std::chrono::duration<double>(t1 - t0).count();
  result.meta.loop_wall_s = std::chrono::duration<double>(t2 - t1).count();
  result.meta.wall_s = std::chrono::duration<double>(t2 - t0).count();
  print_summary(result);
  const auto& profile = loihi ? loihi_chip->profile() : truenorth->profile();
  const auto energy = loihi ? hw::compute_energy(profile, loihi_chip->counters(), loihi_chip->neurons(), 0)
                            : hw::compute_energy(profile, truenorth->counters(), truenorth->neurons(), 0);
  fmt::print("{}", hw::format_energy_report(energy, profile));
  if (!a.out.empty()) {
    io::write_run_h5(a.out, result);
    fmt::print("wrote {}\n", a.out);
  }
}

void run_command(const RunArgs& a, const std::shared_ptr<dist::Communicator>& comm) {
  if (a.model.ends_with(".scxp")) return run_chip_program(a);
  const bool lead = comm->rank() == 0;        // under mpirun, rank 0 speaks for all
  if (!a.out.empty()) check_writable(a.out);  // fail now, not after the simulation
  model::Network net = load_model(a.model);
  if (a.threads) net.sim.threads = a.threads;
  if (a.seed_set) net.sim.seed = a.seed;
  if (!a.duration.empty()) net.sim.duration_ms = parse_duration_s(a.duration, "--duration") * 1e3;
  sim::Engine engine(net, comm);
  sim::RunOptions opt;
  std::unique_ptr<ProgressBar> live;  // created at the first callback, which brings the total
  if (!a.quiet && lead)
    opt.progress = [&live](uint64_t done, uint64_t total) {
      if (!live) live = std::make_unique<ProgressBar>("simulating", total);
      live->update(done);
    };
  sim::RunResult result = engine.run(opt);
  live.reset();
  if (!lead) return;
  result.meta.model_source = model_text(a.model);
  print_summary(result);
  if (!a.out.empty()) {
    io::write_run_h5(a.out, result);
    fmt::print("wrote {}\n", a.out);
  }
}

}  // namespace

void register_run(CLI::App& root, CommandGroups& groups) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd =
      root.add_subcommand("run", "Simulate a network described in a TOML file and print a summary");
  cmd->add_option(
         "model", args->model,
         "Model file (TOML), a built-in model (coba, cuba, showcase) or a compiled chip program (.scxp)")
      ->required();
  cmd->add_option("-o,--out", args->out, "Write spikes, traces and metadata to this HDF5 file");
  cmd->add_option("-t,--threads", args->threads, "Threads (default: the file's simulation.threads, else 1)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("-s,--seed", args->seed, "Random seed (default: the file's simulation.seed)")
      ->each([args](const std::string&) { args->seed_set = true; });
  cmd->add_option("-d,--duration", args->duration, "Simulated time, e.g. 10 (seconds), 10s, 500ms");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([args, &groups] { run_command(*args, groups.comm); });
}

}  // namespace scx::cli
