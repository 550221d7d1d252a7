// Plasticity inside the reference engine: the weights it learns match a direct evaluation of the rule on the
// spikes it produced, zero reward leaves reward-modulated weights alone, and learning is identical for 1, 2
// and 3 threads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/learning/synapse_driver.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::sim {
namespace {

std::vector<int64_t> steps_of(const PopulationSpikes& s, double dt_ms) {
  std::vector<int64_t> out;
  for (double t : s.times_ms) out.push_back(std::llround(t / dt_ms));
  return out;
}

// One pre source, one Izhikevich post neuron forced to spike by a strong "kick" source, a weak plastic
// synapse.
model::Network forced_pair(const model::PlasticityRule& rule, std::vector<double> pre_ms,
                           std::vector<double> kick_ms) {
  model::Network net;
  net.sim.duration_ms = 150;
  net.add_population("pre", 1, model::SpikeTimesSource{{std::move(pre_ms)}});
  net.add_population("kick", 1, model::SpikeTimesSource{{std::move(kick_ms)}});
  net.add_population("post", 1, model::Izhikevich{});
  net.connect("kick", "post", model::OneToOne{}, model::Constant{200.0});
  net.connect("pre", "post", model::OneToOne{}, model::Constant{0.5}).plasticity = rule;
  net.record("pre");
  net.record("post");
  return net;
}

void expect_engine_matches_driver(const model::PlasticityRule& rule) {
  const model::Network net = forced_pair(rule, {10, 50, 80, 120}, {20, 45, 90, 95});
  Engine engine(net);
  const RunResult res = engine.run();
  ASSERT_EQ(res.spikes[2].times_ms.size(), 4u);  // every kick made the post neuron spike
  const int64_t steps = std::llround(net.sim.duration_ms / net.sim.dt_ms);
  const learning::Rule r(rule, net.sim.dt_ms);
  const auto direct = learning::drive_synapse(
      r, {0.5, 0},
      {steps_of(res.spikes[0], net.sim.dt_ms), steps_of(res.spikes[2], net.sim.dt_ms), {}, steps});
  const ProjectionWeights w = engine.weights("pre->post");
  ASSERT_EQ(w.weight.size(), 1u);
  EXPECT_NE(w.weight[0], 0.5);
  EXPECT_DOUBLE_EQ(w.weight[0], direct.w);
}

TEST(EngineLearning, PairStdpMatchesTheRuleOnTheSpikesItProduced) {
  model::PairStdp r;
  r.a_plus = 0.1, r.a_minus = 0.12;
  expect_engine_matches_driver(r);
  r.multiplicative = true;
  r.pairing = model::Pairing::Nearest;
  expect_engine_matches_driver(r);
}

TEST(EngineLearning, TripletAndExpressionRulesMatchTheRule) {
  model::TripletStdp t;
  t.a2_plus = t.a3_plus = t.a2_minus = t.a3_minus = 0.05;
  expect_engine_matches_driver(t);
  model::ExpressionRule e;
  e.text = "dw = 0.1*x1*y0*(1 + y2) - 0.05*y1*x0";
  expect_engine_matches_driver(e);
}

TEST(EngineLearning, RewardStdpMatchesTheRuleWithRewardSetBetweenRuns) {
  model::RewardStdp r;
  r.tau_d_ms = 40;
  const model::Network net = forced_pair(r, {10, 50, 80, 120}, {20, 45, 90, 95});
  Engine engine(net);
  const RunResult first = engine.run();
  engine.set_reward(0.002);
  const RunResult second = engine.run();  // no spikes: the eligibility of the first run meets the reward
  const int64_t steps = std::llround(net.sim.duration_ms / net.sim.dt_ms);
  const auto direct = learning::drive_synapse(learning::Rule(r, net.sim.dt_ms), {0.5, 0},
                                              {steps_of(first.spikes[0], net.sim.dt_ms),
                                               steps_of(first.spikes[2], net.sim.dt_ms),
                                               {{steps, 0.002}},
                                               2 * steps});
  EXPECT_EQ(second.spikes[2].total_spikes, 0u);
  const double w = engine.weights("pre->post").weight[0];
  EXPECT_GT(std::abs(w - 0.5), 1e-4);
  EXPECT_DOUBLE_EQ(w, direct.w);
}

// Two projections between the same populations share the default name: asking for it by name is an error,
// not the first one's weights.
TEST(EngineLearning, AnAmbiguousProjectionNameIsAnError) {
  model::Network net = forced_pair(model::PairStdp{}, {10}, {20});
  net.connect("pre", "post", model::OneToOne{}, model::Constant{0.2});  // static, also "pre->post"
  Engine engine(net);
  (void)engine.run();
  EXPECT_THAT([&] { (void)engine.weights("pre->post"); },
              testing::ThrowsMessage<Error>(testing::HasSubstr("'pre->post' is ambiguous")));
  net.projections.back().name = "pre->post static";
  Engine named(net);
  (void)named.run();
  EXPECT_EQ(named.weights("pre->post").weight.size(), 1u);
  const ProjectionWeights fixed = named.weights("pre->post static");
  ASSERT_EQ(fixed.weight.size(), 1u);
  EXPECT_FLOAT_EQ(float(fixed.weight[0]), 0.2f);  // stored in single precision
}

TEST(EngineLearning, SinglePairInTheEngineFollowsTheWindow) {
  model::PairStdp r;
  r.a_plus = 0.1;
  const model::Network net = forced_pair(r, {10}, {20});
  Engine engine(net);
  const RunResult res = engine.run();
  ASSERT_EQ(res.spikes[2].times_ms.size(), 1u);
  const double lag_ms = res.spikes[2].times_ms[0] - 10.0;
  EXPECT_GT(lag_ms, 9.9);
  EXPECT_NEAR(engine.weights("pre->post").weight[0] - 0.5, r.a_plus * std::exp(-lag_ms / r.tau_plus_ms),
              1e-12);
}

// Poisson input onto LIF neurons through pair and triplet STDP, recurrent R-STDP, one static projection.
model::Network learning_network(unsigned threads) {
  model::Network net;
  net.sim.duration_ms = 150;
  net.sim.threads = threads;
  net.sim.seed = 9;
  net.add_population("in", 60, model::PoissonSource{30.0, 0.0, 1e300});
  net.add_population("exc", 45, model::LifCurrExp{});
  model::PairStdp pair;
  pair.a_plus = 10, pair.a_minus = 12, pair.w_max = 400;
  net.connect("in", "exc", model::AllToAll{}, model::Uniform{50, 250}).plasticity = pair;
  model::TripletStdp triplet;
  triplet.a2_plus = triplet.a3_plus = triplet.a2_minus = triplet.a3_minus = 5, triplet.w_max = 100;
  auto& second = net.connect("in", "exc", model::FixedProbability{0.3}, model::Uniform{0, 50});
  second.name = "in->exc triplet";
  second.plasticity = triplet;
  model::RewardStdp reward;
  reward.w_max = 300;
  net.connect("exc", "exc", model::FixedProbability{0.2}, model::Uniform{0, 100}).plasticity = reward;
  // Lava-style three-factor rule: eligibility in the tag, every-step terms that read a post trace and the
  // reward.
  model::ExpressionRule lava;
  lava.text = "dt = 2*x1*y0 - 2*y1*x0 - 2^-8*t; dw = 4*r*t*(1 + y2)";
  lava.tau_r_ms = 50, lava.w_max = 200;
  auto& third = net.connect("in", "exc", model::FixedProbability{0.2}, model::Uniform{0, 100});
  third.name = "in->exc lava";
  third.plasticity = lava;
  auto& fixed = net.connect("in", "exc", model::FixedInDegree{3}, model::Constant{20.0});
  fixed.name = "static";
  net.record("exc");
  return net;
}

struct Learned {
  std::vector<ProjectionWeights> before, after_plain, after_reward;
  RunResult first, second;
};

Learned learn(unsigned threads) {
  Engine engine(learning_network(threads));
  Learned out;
  const char* names[] = {"in->exc", "in->exc triplet", "exc->exc", "static", "in->exc lava"};
  for (const char* n : names) out.before.push_back(engine.weights(n));
  out.first = engine.run();
  for (const char* n : names) out.after_plain.push_back(engine.weights(n));
  engine.set_reward(0.05);
  out.second = engine.run();
  for (const char* n : names) out.after_reward.push_back(engine.weights(n));
  return out;
}

void expect_same(const ProjectionWeights& a, const ProjectionWeights& b, const std::string& what) {
  EXPECT_EQ(a.pre, b.pre) << what;
  EXPECT_EQ(a.post, b.post) << what;
  EXPECT_EQ(a.weight, b.weight) << what;
}

TEST(EngineLearning, RewardGatesRewardStdpAndStaticWeightsStay) {
  const Learned l = learn(1);
  ASSERT_GT(l.first.spikes[1].total_spikes, 100u);
  expect_same(l.before[2], l.after_plain[2], "R-STDP without reward");
  expect_same(l.before[4], l.after_plain[4], "three-factor expression without reward");
  EXPECT_NE(l.after_plain[4].weight, l.after_reward[4].weight)
      << "three-factor expression with reward must learn";
  EXPECT_NE(l.after_plain[2].weight, l.after_reward[2].weight) << "R-STDP with reward must learn";
  EXPECT_NE(l.before[0].weight, l.after_plain[0].weight) << "pair STDP must learn";
  EXPECT_NE(l.before[1].weight, l.after_plain[1].weight) << "triplet STDP must learn";
  expect_same(l.before[3], l.after_reward[3], "static projection");
  for (const auto& w : l.after_reward)
    for (double x : w.weight) EXPECT_TRUE(std::isfinite(x));
  for (double x : l.after_reward[0].weight) EXPECT_TRUE(x >= 0 && x <= 400);
}

TEST(EngineLearning, IdenticalForOneTwoAndThreeThreadsAndRepeatable) {
  const Learned one = learn(1);
  for (unsigned threads : {1u, 2u, 3u}) {
    const Learned many = learn(threads);
    for (size_t p = 0; p < one.after_reward.size(); ++p) {
      expect_same(one.after_plain[p], many.after_plain[p], std::to_string(threads) + " threads, first run");
      expect_same(one.after_reward[p], many.after_reward[p],
                  std::to_string(threads) + " threads, second run");
    }
    EXPECT_EQ(one.second.spikes[1].times_ms, many.second.spikes[1].times_ms) << threads;
    EXPECT_EQ(one.second.spikes[1].neurons, many.second.spikes[1].neurons) << threads;
  }
}

TEST(EngineLearning, NormalisationScalesEachPostNeuronsInputToTheTarget) {
  std::vector<ProjectionWeights> per_threads;
  for (unsigned threads : {1u, 2u, 3u}) {
    Engine engine(learning_network(threads));
    engine.run();
    engine.normalize_weights("in->exc", 78.0);
    per_threads.push_back(engine.weights("in->exc"));
    EXPECT_THROW(engine.normalize_weights("static", 1.0), Error);
    EXPECT_THROW(engine.normalize_weights("nope", 1.0), Error);
  }
  const ProjectionWeights& w = per_threads[0];
  std::vector<double> sum(45, 0.0);
  for (size_t k = 0; k < w.weight.size(); ++k) sum[w.post[k]] += w.weight[k];
  for (double s : sum) EXPECT_NEAR(s, 78.0, 1e-9);
  for (const auto& other : per_threads) EXPECT_EQ(other.weight, w.weight);
}

TEST(EngineLearning, SetWeightsRestoresASavedStateForAnyThreadCount) {
  Engine source(learning_network(1));
  source.run();
  const ProjectionWeights saved = source.weights("in->exc triplet");
  uint64_t spikes_with_input = 0;
  for (unsigned threads : {1u, 3u}) {
    Engine engine(learning_network(threads));
    engine.set_weights("in->exc triplet", saved.weight);
    EXPECT_EQ(engine.weights("in->exc triplet").weight, saved.weight);
    EXPECT_THROW(engine.set_weights("in->exc triplet", {1.0}), Error);
    EXPECT_THROW(engine.set_weights("static", {}), Error);
    std::vector<double> bad(saved.weight);
    bad[3] = std::nan("");
    EXPECT_THROW(engine.set_weights("in->exc triplet", bad), Error);
    // Silencing the main input projection silences the layer: the set weights are the ones that drive.
    engine.set_learning(false);
    const uint64_t before = engine.run().spikes[1].total_spikes;
    engine.set_weights("in->exc", std::vector<double>(engine.weights("in->exc").weight.size(), 0.0));
    engine.set_weights("in->exc triplet", std::vector<double>(saved.weight.size(), 0.0));
    engine.set_weights("in->exc lava",
                       std::vector<double>(engine.weights("in->exc lava").weight.size(), 0.0));
    const uint64_t silent = engine.run().spikes[1].total_spikes;
    EXPECT_GT(before, 0u);
    EXPECT_LT(silent, before / 4);
    engine.set_duration_ms(40);
    EXPECT_DOUBLE_EQ(engine.run().meta.duration_ms, 40.0);
    if (threads == 1) spikes_with_input = before;
    EXPECT_EQ(before, spikes_with_input);  // same seed, same spikes for 1 and 3 threads
  }
  Engine engine(learning_network(1));
  EXPECT_THROW(engine.set_duration_ms(0.01), Error);
}

TEST(EngineLearning, LearningRateScalesEveryWeightChange) {
  // Additive triplet STDP without clipping: each change is independent of w, so half the rate gives half the
  // total change, and rate 0 none.
  model::TripletStdp r;
  r.a2_plus = 0.1, r.a3_plus = 0.05, r.a2_minus = 0.12, r.a3_minus = 0.02, r.w_max = 10;
  const model::Network net = forced_pair(r, {10, 50, 80, 120}, {20, 45, 90, 95});
  auto change = [&](double rate) {
    Engine engine(net);
    engine.set_learning_rate(rate);
    engine.run();
    return engine.weights("pre->post").weight.at(0) - 0.5;
  };
  const double full = change(1);
  ASSERT_NE(full, 0.0);
  EXPECT_NEAR(change(0.5), full / 2, 1e-12);
  EXPECT_EQ(change(0), 0.0);
  Engine engine(net);
  EXPECT_THROW(engine.set_learning_rate(-1), Error);
  EXPECT_THROW(engine.set_learning_rate(std::nan("")), Error);
}

TEST(EngineLearning, WeightsNeedAKnownProjectionInAPlasticNetwork) {
  Engine engine(learning_network(1));
  EXPECT_THROW(engine.weights("nope"), Error);
  model::Network net = learning_network(1);
  for (auto& p : net.projections) p.plasticity.reset();
  Engine fixed(net);
  EXPECT_THROW(fixed.weights("static"), Error);
}

}  // namespace
}  // namespace scx::sim
