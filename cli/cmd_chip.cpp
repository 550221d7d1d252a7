// Chip commands: `bench truenorth` (a full chip of random crossbars), `chip info` (a profile with sources)
// and `chip run` (a chip program).
#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "cli_util.hpp"
#include "commands.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/data_dir.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/system.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/hw/chip_program.hpp"
#include "silicortex/hw/energy_meter.hpp"
#include "silicortex/hw/random_chip.hpp"
#include "silicortex/hw/truenorth_chip.hpp"

namespace scx::cli {
namespace {

struct BenchOptions {
  std::string chip = "truenorth";
  int cores = 0;
  double rate_hz = 20.0;
  double density = 0.5;
  uint64_t ticks = 1000;
  int threads = 1;
  uint64_t seed = 1;
  std::string links_csv;
  std::string save;
  int repeats = 1;
};

// A smaller single-chip run uses a cores_x-wide rectangle when it divides evenly, else one row.
hw::ChipProfile shrink_profile(hw::ChipProfile p, int cores) {
  if (cores <= 0 || cores == p.total_cores()) return p;
  if (p.chips() != 1)
    throw Error(
        fmt::format("--cores {}: '{}' is a board of {} chips; --cores applies to one chip (run the board "
                    "whole)",
                    cores, p.name, p.chips()));
  if (cores > p.total_cores())
    throw Error(fmt::format("--cores {}: chip '{}' has {} cores", cores, p.name, p.total_cores()));
  if (cores % p.cores_x == 0) {
    p.cores_y = cores / p.cores_x;
  } else {
    p.cores_x = cores;
    p.cores_y = 1;
  }
  return p;
}

// Runs `chip` for `ticks`, `repeats` times in a row (the counters add up), and prints counters, energy,
// traffic and, last, ticks_per_s.
void run_and_report(hw::TrueNorthChip& chip, uint64_t ticks, int threads, const std::string& links_csv,
                    uint64_t inferences = 0, int repeats = 1) {
  if (threads < 1) throw Error(fmt::format("--threads {}: must be at least 1", threads));
  std::vector<double> ticks_per_s;
  double cpu_s = 0, run_s = 0;
  for (int i = 0; i < repeats; ++i) {
    const auto t1 = std::chrono::steady_clock::now();
    const double cpu0 = process_cpu_s();
    chip.run(ticks, threads);
    cpu_s = process_cpu_s() - cpu0;
    run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    ticks_per_s.push_back(double(ticks) / run_s);
  }
  const auto& c = chip.counters();
  const auto energy = hw::compute_energy(chip.profile(), c, chip.neurons(), inferences);
  std::printf("%llu ticks on %d threads in %.3f s wall, %.3f s CPU (%.1f ticks per CPU-second)%s\n",
              static_cast<unsigned long long>(ticks), threads, run_s, cpu_s, double(ticks) / cpu_s,
              repeats > 1 ? fmt::format(", the last of {} runs; counters over all", repeats).c_str() : "");
  std::printf(
      "measured mean rate %.2f Hz; spikes %llu, synaptic events %llu (%.3g per tick), hops %llu, chip "
      "crossings %llu, saturations %llu\n",
      energy.mean_rate_hz, static_cast<unsigned long long>(c.spikes_sent),
      static_cast<unsigned long long>(c.synaptic_events), double(c.synaptic_events) / double(c.ticks),
      static_cast<unsigned long long>(c.hops), static_cast<unsigned long long>(c.chip_crossings),
      static_cast<unsigned long long>(c.saturations));
  std::fputs(hw::format_energy_report(energy, chip.profile()).c_str(), stdout);
  std::fputs(hw::format_traffic_report(chip.traffic(), chip.mesh(), double(c.ticks), 3).c_str(), stdout);
  if (!links_csv.empty()) write_text_atomically(links_csv, hw::format_traffic_csv(chip.traffic()));
  // What a random miss costs on this host right now: the chip's rows and routes are random misses, so this
  // says whether a slow figure is the host's minute or the emulator.
  if (const double ns = memory_latency_ns(); ns > 0) std::printf("memory_latency_ns=%.0f\n", ns);
  print_figure("ticks_per_s", ticks_per_s);
}

void bench_truenorth(const BenchOptions& o) {
  if (o.threads < 1) throw Error(fmt::format("--threads {}: must be at least 1", o.threads));
  const auto profile =
      shrink_profile(hw::read_chip_profile(hw::find_chip_profile(o.chip, data_dir() / "chips")), o.cores);
  const auto t0 = std::chrono::steady_clock::now();
  hw::TrueNorthChip chip(profile, o.seed);
  hw::fill_random_chip(chip, {o.rate_hz, o.density, 0, o.seed});
  const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "chip %s: %d cores (%dx%d), %llu neurons, crossbar density %.2f, target rate %.1f Hz, seed %llu; "
      "set up in %.2f s\n",
      profile.name.c_str(), chip.cores(), chip.mesh().width(), chip.mesh().height(),
      static_cast<unsigned long long>(chip.neurons()), o.density, o.rate_hz,
      static_cast<unsigned long long>(o.seed), setup_s);
  if (!o.save.empty()) hw::save_chip_program(chip, o.save);
  run_and_report(chip, o.ticks, o.threads, o.links_csv, 0, o.repeats);
}

void chip_run(const std::string& program, uint64_t ticks, int threads, const std::string& links_csv,
              uint64_t inferences) {
  auto chip = hw::load_chip_program(program);
  std::printf("chip program %s: chip %s, %d cores, %llu neurons\n", program.c_str(),
              chip->profile().name.c_str(), chip->cores(), static_cast<unsigned long long>(chip->neurons()));
  run_and_report(*chip, ticks, threads, links_csv, inferences);
}

void chip_info(const std::string& name) {
  const auto path = hw::find_chip_profile(name, data_dir() / "chips");
  const auto p = hw::read_chip_profile(path);
  std::printf("%s (%s): %s\n", p.name.c_str(), path.string().c_str(), p.description.c_str());
  std::printf("board %lldx%lld chips of %lldx%lld cores = %lld cores\n", static_cast<long long>(p.chips_x),
              static_cast<long long>(p.chips_y), static_cast<long long>(p.cores_x),
              static_cast<long long>(p.cores_y), static_cast<long long>(p.total_cores()));
  for (const auto& [field, source] : p.sources) std::printf("  %-28s %s\n", field.c_str(), source.c_str());
}

}  // namespace

void register_chip(CLI::App& root, CommandGroups& groups) {
  auto opts = std::make_shared<BenchOptions>();
  auto* bench =
      groups.bench->add_subcommand("truenorth", "A TrueNorth-model chip of random crossbars at a set rate");
  bench->add_option("--chip", opts->chip, "Chip profile name (chips/<name>.toml) or path")
      ->capture_default_str();
  bench->add_option("--cores", opts->cores, "Cores to use (default: the whole chip)");
  bench->add_option("--rate", opts->rate_hz, "Target mean firing rate, Hz")->capture_default_str();
  bench->add_option("--density", opts->density, "Crossbar density")->capture_default_str();
  bench->add_option("--ticks", opts->ticks, "Ticks to run")->capture_default_str();
  bench->add_option("--threads", opts->threads, "Worker threads (results do not depend on it)")
      ->capture_default_str();
  bench->add_option("--seed", opts->seed, "Random seed")->capture_default_str();
  bench->add_option("--links-csv", opts->links_csv, "Write per-link traffic as CSV");
  bench->add_option("--save", opts->save, "Also write the configured chip as a chip program (.scxp)");
  bench
      ->add_option(
          "--repeats", opts->repeats,
          "Run --ticks this many times in a row; prints every figure, their median, and the best last")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  bench->callback([opts] { bench_truenorth(*opts); });

  auto* chip = root.add_subcommand("chip", "Chip profiles");
  chip->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto* info = chip->add_subcommand("info", "Show a chip profile and the source of every number");
  info->add_option("profile", *name, "Profile name or path")->required();
  info->callback([name] { chip_info(*name); });

  auto run_opts = std::make_shared<BenchOptions>();
  auto program = std::make_shared<std::string>();
  auto* run = chip->add_subcommand("run", "Run a chip program (.scxp) and report energy and traffic");
  run->add_option("program", *program, "Chip program file")->required();
  run->add_option("--ticks", run_opts->ticks, "Ticks to run")->capture_default_str();
  run->add_option("--threads", run_opts->threads, "Worker threads")->capture_default_str();
  run->add_option("--links-csv", run_opts->links_csv, "Write per-link traffic as CSV");
  auto inferences = std::make_shared<uint64_t>(0);
  run->add_option("--inferences", *inferences, "Inferences the run performs, to report energy per inference");
  run->callback([run_opts, program, inferences] {
    chip_run(*program, run_opts->ticks, run_opts->threads, run_opts->links_csv, *inferences);
  });
}

}  // namespace scx::cli
