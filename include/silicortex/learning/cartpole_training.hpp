#pragma once
// Trains a SpikingActorCritic on CartPole-v1 until solved (mean return >= 475 over 100 consecutive episodes)
// or `max_episodes`. The learning reward comes from the environment's termination: -1 when the pole falls or
// the cart leaves the track, 0 otherwise; reaching the time limit ends an episode without a terminal state.
#include <cstdint>
#include <functional>
#include <vector>

#include "silicortex/learning/spiking_actor_critic.hpp"

namespace scx::learning {

struct CartPoleRun {
  std::vector<int> returns;  // per episode
  int solved_after = -1;     // episodes run when the 100-episode mean first reached 475; -1 if never
};

inline constexpr int kSolveWindow = 100;

// Deterministic for (config, seed). `on_episode(episode, return)` is called after each episode.
CartPoleRun train_cartpole(const ActorCriticConfig& config, uint64_t seed, int max_episodes,
                           const std::function<void(int, int)>& on_episode = {});

}  // namespace scx::learning
