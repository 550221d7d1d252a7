// `silicortex bench coba|cuba`: the Brette et al. 2007 benchmark networks, timed. The last line is the
// figure.
#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "silicortex/core/system.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::cli {
namespace {

struct BenchArgs {
  std::string model;
  std::string duration = "10";
  unsigned threads = 1;
  uint64_t seed = 1;
  int repeats = 1;
};

void bench_network(const std::string& builtin_name, const BenchArgs& a,
                   const std::shared_ptr<dist::Communicator>& comm) {
  model::Network net = load_model(a.model.empty() ? builtin_name : a.model);
  net.sim.threads = a.threads;
  net.sim.seed = a.seed;
  net.sim.duration_ms = parse_duration_s(a.duration, "--duration") * 1e3;
  net.probes.clear();  // spike counts are kept regardless; recording would only add work
  sim::Engine engine(net, comm);
  // Repeats replay the same run (the clock back to 0 resets the state; random streams are keyed by step).
  sim::RunResult r;
  std::vector<double> events_per_s;
  for (int i = 0; i < a.repeats; ++i) {
    if (i > 0) engine.set_step(0);
    r = engine.run();
    events_per_s.push_back(r.meta.loop_wall_s > 0 ? r.meta.synaptic_events / r.meta.loop_wall_s : 0.0);
  }
  if (comm->rank() != 0) return;
  if (comm->size() > 1) fmt::print("ranks={}\n", comm->size());
  for (size_t p = 0; p < r.spikes.size(); ++p)
    fmt::print("rate_hz[{}]={:.4f}\n", r.spikes[p].population, r.mean_rate_hz(p));
  fmt::print("neurons={}\nsynapses={}\nspikes={}\nsynaptic_events={}\nthreads={}\n", r.meta.neurons,
             r.meta.synapses, r.meta.spikes, r.meta.synaptic_events, r.meta.threads);
  fmt::print("build_wall_s={:.4f}\nloop_wall_s={:.4f}\nloop_cpu_s={:.4f}\n", r.meta.build_wall_s,
             r.meta.loop_wall_s, r.meta.loop_cpu_s);
  warn_if_threads_starved(r.meta);
  // The host's core-to-core latency right after the run: what a barrier per step costs at the moment.
  if (const double ns = core_to_core_round_trip_ns(); ns > 0) fmt::print("core_to_core_ns={:.0f}\n", ns);
  // ... and how much of a busy core the host takes away: multi-threaded steps pay every core's share.
  fmt::print("interruption_loss_pct={:.1f}\n", interruption_loss_pct());
  print_figure("events_per_s", events_per_s);
}

}  // namespace

void register_bench_network(CommandGroups& groups) {
  for (const char* name : {"coba", "cuba"}) {
    auto args = std::make_shared<BenchArgs>();
    const std::string n = name;
    CLI::App* cmd = groups.bench->add_subcommand(
        n, "Brette et al. 2007 " + std::string(n == "coba" ? "Benchmark 1 (COBA)" : "Benchmark 2 (CUBA)") +
               ": 4,000 LIF neurons; prints events_per_s (synaptic events per wall second of the loop) last");
    cmd->add_option("-d,--duration", args->duration, "Simulated time, e.g. 10 (seconds), 500ms")
        ->capture_default_str();
    cmd->add_option("-t,--threads", args->threads, "Threads")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cmd->add_option("-s,--seed", args->seed, "Random seed")->capture_default_str();
    cmd->add_option("--model", args->model, "Use this TOML file instead of the built-in network");
    cmd->add_option("--repeats", args->repeats,
                    "Run it this many times in this process; prints every figure, their median, and the best "
                    "last")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->callback([args, n, &groups] { bench_network(n, *args, groups.comm); });
  }
}

}  // namespace scx::cli
