// Homeostatic adaptive thresholds and the engine's run-time controls (set_rates, reset_state, set_learning):
// theta follows its closed form, freezing holds it, rates set between runs are realised, a reset forgets
// spikes in flight.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/io/toml_model.hpp"
#include "silicortex/learning/adaptive_threshold.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::sim {
namespace {

using ::testing::HasSubstr;

// theta after `steps` steps from 0 with spikes at the given steps: theta_plus * sum e^{-(steps-1-s) dt/tau}.
double theta_formula(const std::vector<int64_t>& spike_steps, int64_t steps, double theta_plus, double tau_ms,
                     double dt_ms) {
  double sum = 0;
  for (int64_t s : spike_steps) sum += theta_plus * std::exp(-double(steps - 1 - s) * dt_ms / tau_ms);
  return sum;
}

TEST(AdaptiveThreshold, StepFollowsTheClosedForm) {
  const learning::AdaptiveThreshold rule(model::AdaptiveThreshold{0.5, 20.0}, 0.1);
  std::vector<double> theta(16, 0.0);
  std::vector<float> out(16, 0.0f);
  const std::vector<int64_t> spikes{3, 10, 11, 250};
  for (int64_t s = 0; s < 400; ++s) {
    std::vector<uint32_t> now;
    for (int64_t k : spikes)
      if (k == s) now.push_back(2);
    rule.step(theta.data(), out.data(), 0, 16, now);
  }
  EXPECT_NEAR(theta[2], theta_formula(spikes, 400, 0.5, 20.0, 0.1), 1e-12);
  EXPECT_EQ(theta[0], 0.0);
  EXPECT_FLOAT_EQ(out[2], static_cast<float>(theta[2]));
}

// One LIF neuron driven above threshold by a constant current.
model::Network driven_neuron(bool adaptive) {
  model::Network net;
  net.sim.duration_ms = 300;
  auto& pop = net.add_population("n", 1, model::LifCurrExp{});
  if (adaptive) pop.adaptive_threshold = model::AdaptiveThreshold{1.5, 100.0};
  net.stimuli.push_back({"n", 500.0, 0.0, 1e300, {}, {}});
  net.record("n");
  return net;
}

TEST(AdaptiveThreshold, EngineThetaMatchesTheFormulaOnItsOwnSpikes) {
  const model::Network net = driven_neuron(true);
  Engine engine(net);
  const RunResult res = engine.run();
  std::vector<int64_t> steps;
  for (double t : res.spikes[0].times_ms) steps.push_back(std::llround(t / net.sim.dt_ms));
  ASSERT_GT(steps.size(), 5u);
  const auto theta = engine.thresholds("n");
  ASSERT_EQ(theta.size(), 1u);
  EXPECT_NEAR(theta[0], theta_formula(steps, 3000, 1.5, 100.0, 0.1), 1e-9);
  // The raised threshold lengthens the intervals: fewer spikes than without adaptation.
  Engine plain(driven_neuron(false));
  EXPECT_LT(res.spikes[0].times_ms.size(), plain.run().spikes[0].times_ms.size());
  // Later intervals are longer than the first.
  const auto& t = res.spikes[0].times_ms;
  EXPECT_GT(t[t.size() - 1] - t[t.size() - 2], t[1] - t[0]);
}

TEST(AdaptiveThreshold, FrozenThetaStaysAndCanBeSet) {
  Engine engine(driven_neuron(true));
  engine.run();
  const auto before = engine.thresholds("n");
  engine.set_learning(false);
  const RunResult frozen = engine.run();
  EXPECT_GT(frozen.spikes[0].total_spikes, 0u);
  EXPECT_EQ(engine.thresholds("n"), before);
  engine.set_thresholds("n", {100.0});  // unreachable threshold: silence
  EXPECT_EQ(engine.run().spikes[0].total_spikes, 0u);
  EXPECT_EQ(engine.thresholds("n"), std::vector<double>{100.0});
  EXPECT_THROW(engine.set_thresholds("n", {1.0, 2.0}), Error);
  EXPECT_THROW(engine.thresholds("nope"), Error);
}

TEST(AdaptiveThreshold, OnlyLifModelsAndValidParameters) {
  model::Network net;
  net.add_population("z", 1, model::Izhikevich{}).adaptive_threshold = model::AdaptiveThreshold{};
  EXPECT_THAT([&] { model::validate(net); },
              ::testing::ThrowsMessage<Error>(HasSubstr("population 'z'.adaptive_threshold")));
  model::Network bad;
  bad.add_population("n", 1, model::LifCondExp{}).adaptive_threshold = model::AdaptiveThreshold{0.1, -1};
  EXPECT_THAT([&] { model::validate(bad); },
              ::testing::ThrowsMessage<Error>(HasSubstr("adaptive_threshold.tau_theta_ms")));
  Engine no_theta(driven_neuron(false));
  EXPECT_THROW(no_theta.thresholds("n"), Error);
}

TEST(AdaptiveThreshold, TomlTableAndThetaProbe) {
  const std::string text =
      "[simulation]\nduration_ms = 50\n[[population]]\nname = \"n\"\nsize = 2\nmodel = \"lif_cond_exp\"\n"
      "adaptive_threshold = { theta_plus_mv = 0.2, tau_theta_ms = 5e4 }\n"
      "[[probe]]\npopulation = \"n\"\nvariable = \"theta\"\n";
  const model::Network net = io::parse_network_toml(text, "net.toml");
  ASSERT_TRUE(net.populations[0].adaptive_threshold.has_value());
  EXPECT_EQ(net.populations[0].adaptive_threshold->theta_plus_mv, 0.2);
  EXPECT_EQ(net.populations[0].adaptive_threshold->tau_theta_ms, 5e4);
  Engine engine(net);
  EXPECT_EQ(engine.run().traces.at(0).variable, "theta");
  EXPECT_THAT(
      [] {
        io::parse_network_toml(
            "[[population]]\nname = \"n\"\nsize = 1\nmodel = \"lif_curr_exp\"\n"
            "adaptive_threshold = { theta_plus = 1 }\n",
            "net.toml");
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("net.toml:5")));
}

TEST(RunControl, SetRatesChangesTheRealisedRate) {
  model::Network net;
  net.sim.duration_ms = 1000;
  net.add_population("in", 1000, model::PoissonSource{5.0});
  net.record("in");
  Engine engine(net);
  std::vector<double> rates(1000, 20.0);
  for (size_t i = 500; i < 1000; ++i) rates[i] = 80.0;
  engine.set_rates("in", rates);
  const auto counts = engine.run().spikes[0].counts();
  double low = 0, high = 0;
  for (size_t i = 0; i < 1000; ++i) (i < 500 ? low : high) += counts[i];
  // Poisson counts: mean 500 * rate * 1 s, standard deviation its square root; 5 sigma.
  EXPECT_NEAR(low, 10000.0, 5 * std::sqrt(10000.0));
  EXPECT_NEAR(high, 40000.0, 5 * std::sqrt(40000.0));
  engine.set_rates("in", std::vector<double>(1000, 0.0));
  EXPECT_EQ(engine.run().spikes[0].total_spikes, 0u);
  EXPECT_THROW(engine.set_rates("in", {1.0}), Error);
  EXPECT_THROW(engine.set_rates("in", std::vector<double>(1000, -1.0)), Error);
}

TEST(RunControl, SetRatesRejectsNeuronPopulations) {
  Engine engine(driven_neuron(false));
  EXPECT_THAT([&] { engine.set_rates("n", {1.0}); }, ::testing::ThrowsMessage<Error>(HasSubstr("Poisson")));
}

TEST(RunControl, ResetForgetsStateAndSpikesInFlight) {
  model::Network net;
  net.sim.duration_ms = 20;
  net.add_population("in", 10, model::PoissonSource{500.0});
  net.add_population("n", 1, model::LifCurrExp{});
  net.connect("in", "n", model::AllToAll{}, model::Constant{5.0}, model::Constant{5.0});
  net.probes.push_back({"n", "v", 0, {}, {}});
  Engine engine(net);
  ASSERT_EQ(engine.run().spikes[1].total_spikes,
            0u);  // subthreshold, depolarised, spikes on their way (5 ms)
  engine.set_rates("in", std::vector<double>(10, 0.0));
  Engine no_reset_copy(net);
  no_reset_copy.run();
  no_reset_copy.set_rates("in", std::vector<double>(10, 0.0));
  const auto without = no_reset_copy.run().traces.at(0).values;
  EXPECT_TRUE(std::any_of(without.begin(), without.end(), [](float v) { return v > -69.0f; }));
  engine.reset_state();
  const RunResult after = engine.run();
  ASSERT_FALSE(after.traces.at(0).values.empty());
  for (float v : after.traces.at(0).values) EXPECT_EQ(v, -70.0f);  // at rest, nothing arrives
}

}  // namespace
}  // namespace scx::sim
