// The spiking actor-critic for CartPole: repeatable for a seed, learns nothing without a reward signal,
// beats a random policy after a short training, and `app cartpole` runs end to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "../cli/cli_runner.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/learning/cartpole.hpp"
#include "silicortex/learning/cartpole_training.hpp"

namespace scx::learning {
namespace {

double mean(const std::vector<int>& v, size_t from, size_t to) {
  return double(std::accumulate(v.begin() + ptrdiff_t(from), v.begin() + ptrdiff_t(to), 0)) /
         double(to - from);
}

TEST(SpikingActorCritic, IsDeterministicForASeed) {
  const ActorCriticConfig c;
  const auto a = train_cartpole(c, 5, 15), b = train_cartpole(c, 5, 15), other = train_cartpole(c, 6, 15);
  EXPECT_EQ(a.returns, b.returns);
  EXPECT_NE(a.returns, other.returns);
}

TEST(SpikingActorCritic, WithoutARewardSignalNoWeightChanges) {
  SpikingActorCritic agent(ActorCriticConfig{}, 3);
  const auto before = agent.weights();
  CartPole env(3);
  for (int e = 0; e < 5; ++e) {
    env.reset();
    CartPole::Step s;
    do s = env.step(agent.act(env.observation()));
    while (!s.terminated && !s.truncated);
    agent.truncate();  // the episode ends without a TD error: eligibility is dropped unused
  }
  EXPECT_EQ(agent.weights(), before);
}

TEST(SpikingActorCritic, AShortTrainingBeatsARandomPolicy) {
  CartPole env(11);
  RandomStream rng(11, 0xC0);
  std::vector<int> random_returns;
  for (int e = 0; e < 200; ++e) {
    env.reset();
    int steps = 0;
    CartPole::Step s;
    do s = env.step(int(rng.next_u32() & 1)), ++steps;
    while (!s.terminated && !s.truncated);
    random_returns.push_back(steps);
  }
  const double random_mean = mean(random_returns, 0, random_returns.size());  // about 22
  const auto run = train_cartpole(ActorCriticConfig{}, 11, 150);
  EXPECT_GT(mean(run.returns, 100, 150), 3 * random_mean) << "random policy " << random_mean;
}

TEST(SpikingActorCritic, AppRunsEndToEnd) {
  const auto help = test::run_cli("app cartpole --help");
  ASSERT_EQ(help.exit_code, 0) << help.output;
  EXPECT_NE(help.output.find("--seeds"), std::string::npos);
  const auto dir = test::fresh_dir("app_cartpole");
  const auto svg = (dir / "curves.svg").string();
  const auto r = test::run_cli("app cartpole --seeds 2 --episodes 3 --svg " + svg);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("seed 2: not solved in 3 episodes"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("solved on 0 of 2 seeds"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(svg));
  const auto bad = test::run_cli("app cartpole --seeds 0 --svg " + svg);
  EXPECT_NE(bad.exit_code, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scx::learning
