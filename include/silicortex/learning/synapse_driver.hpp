#pragma once
// Runs one rule on one synapse for given pre and post spike steps, with the engine's timing convention. For
// formula tests and for checking the engine against a direct evaluation.
#include <cstdint>
#include <utility>
#include <vector>

#include "silicortex/learning/rule.hpp"

namespace scx::learning {

struct SynapseState {
  double w = 0;
  double tag = 0;
};

struct SynapseDrive {
  std::vector<int64_t> pre_steps, post_steps;  // spike steps, any order
  std::vector<std::pair<int64_t, double>>
      reward_events;  // (step, value): Engine::set_reward before that step
  int64_t steps = 0;  // run steps [0, steps)
};

SynapseState drive_synapse(const Rule& rule, SynapseState start, const SynapseDrive& drive);

}  // namespace scx::learning
