// `app cartpole`: trains the spiking actor-critic (reward-modulated STDP only) on CartPole-v1 for several
// seeds, prints episodes until solved per seed and writes the learning curves as SVG.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/progress.hpp"
#include "silicortex/io/svg_learning.hpp"
#include "silicortex/learning/cartpole.hpp"
#include "silicortex/learning/cartpole_training.hpp"

namespace scx::cli {
namespace {

struct CartPoleOptions {
  int seeds = 10, episodes = 1000, threads = 2;
  uint64_t first_seed = 1;
  std::string svg = "cartpole.svg";
};

void run_cartpole(const CartPoleOptions& o) {
  if (o.seeds < 1 || o.episodes < 1 || o.threads < 1)
    throw Error(fmt::format("app cartpole: --seeds {}, --episodes {}, --threads {}: each must be at least 1",
                            o.seeds, o.episodes, o.threads));
  if (!o.svg.empty()) check_writable(o.svg);
  const learning::ActorCriticConfig config;
  std::vector<learning::CartPoleRun> runs(size_t(o.seeds));
  std::atomic<int> next{0};
  std::atomic<uint64_t> episodes_done{0};
  const auto t0 = std::chrono::steady_clock::now();
  // Seeds are independent and each is deterministic, so threads only change the wall time.
  auto worker = [&] {
    for (int k; (k = next++) < o.seeds;)
      runs[size_t(k)] = learning::train_cartpole(config, o.first_seed + uint64_t(k), o.episodes,
                                                 [&](int, int) { ++episodes_done; });
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::min(o.threads, o.seeds); ++t) pool.emplace_back(worker);
  {
    ProgressBar bar("cartpole", uint64_t(o.seeds) * uint64_t(o.episodes));
    // Every worker takes one index past the last seed when it stops, so this counts finished workers.
    while (next.load() < o.seeds + std::min(o.threads, o.seeds)) {
      bar.update(episodes_done.load());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (auto& t : pool) t.join();
    bar.finish();
  }
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  int solved = 0;
  std::vector<io::LearningCurve> curves;
  for (int k = 0; k < o.seeds; ++k) {
    const auto& r = runs[size_t(k)];
    const uint64_t seed = o.first_seed + uint64_t(k);
    size_t best_at = 0;
    double best = 0, sum = 0;
    for (size_t e = 0; e < r.returns.size(); ++e) {
      sum += r.returns[e];
      if (e >= size_t(learning::kSolveWindow)) sum -= r.returns[e - learning::kSolveWindow];
      if (e + 1 >= size_t(learning::kSolveWindow) && sum / learning::kSolveWindow > best)
        best = sum / learning::kSolveWindow, best_at = e + 1;
    }
    if (r.solved_after > 0) {
      ++solved;
      fmt::print("seed {}: solved after {} episodes\n", seed, r.solved_after);
    } else if (best_at > 0) {
      fmt::print("seed {}: not solved in {} episodes (best 100-episode mean {:.1f}, after episode {})\n",
                 seed, r.returns.size(), best, best_at);
    } else {
      fmt::print("seed {}: not solved in {} episodes (mean return {:.1f}; solving needs 100 episodes)\n",
                 seed, r.returns.size(), sum / double(r.returns.size()));
    }
    curves.push_back({fmt::format("seed {}", seed), std::vector<double>(r.returns.begin(), r.returns.end())});
  }
  if (!o.svg.empty())
    write_text_atomically(
        o.svg, io::svg_learning_curves(curves, "CartPole-v1, spiking actor-critic (R-STDP)",
                                       size_t(learning::kSolveWindow), learning::CartPole::kSolvedReturn));
  fmt::print("solved on {} of {} seeds within {} episodes; {:.1f} s wall on {} threads\n", solved, o.seeds,
             o.episodes, wall_s, std::min(o.threads, o.seeds));
}

}  // namespace

void register_app_cartpole(CommandGroups& groups) {
  auto opt = std::make_shared<CartPoleOptions>();
  auto* cmd = groups.app->add_subcommand(
      "cartpole",
      "Train a spiking actor-critic on CartPole-v1 with reward-modulated STDP only; report episodes until "
      "solved (mean return >= 475 over 100 episodes) per seed and plot the learning curves");
  cmd->add_option("--seeds", opt->seeds, "Number of seeds")->capture_default_str();
  cmd->add_option("--first-seed", opt->first_seed, "First seed")->capture_default_str();
  cmd->add_option("--episodes", opt->episodes, "Episodes per seed at most")->capture_default_str();
  cmd->add_option("--threads", opt->threads, "Seeds trained in parallel")->capture_default_str();
  cmd->add_option("--svg", opt->svg, "Learning-curve figure (empty: none)")->capture_default_str();
  cmd->callback([opt] { run_cartpole(*opt); });
}

}  // namespace scx::cli
