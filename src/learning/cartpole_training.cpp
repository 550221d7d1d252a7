#include "silicortex/learning/cartpole_training.hpp"

#include "silicortex/learning/cartpole.hpp"

namespace scx::learning {

CartPoleRun train_cartpole(const ActorCriticConfig& config, uint64_t seed, int max_episodes,
                           const std::function<void(int, int)>& on_episode) {
  SpikingActorCritic agent(config, seed);
  CartPole env(seed);
  CartPoleRun run;
  int64_t window_sum = 0;
  for (int e = 0; e < max_episodes; ++e) {
    env.reset();
    CartPole::Step step;
    int ret = 0;
    do {
      step = env.step(agent.act(env.observation()));
      ret += int(step.reward);
      if (step.terminated)
        agent.reward(-1.0, true);
      else if (step.truncated)
        agent.truncate();
      else
        agent.reward(0.0, false);
    } while (!step.terminated && !step.truncated);
    run.returns.push_back(ret);
    if (on_episode) on_episode(e, ret);
    window_sum += ret;
    if (e >= kSolveWindow) window_sum -= run.returns[size_t(e - kSolveWindow)];
    if (e + 1 >= kSolveWindow && window_sum >= int64_t(CartPole::kSolvedReturn * kSolveWindow)) {
      run.solved_after = e + 1;
      break;
    }
  }
  return run;
}

}  // namespace scx::learning
