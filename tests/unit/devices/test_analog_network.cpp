#include <gtest/gtest.h>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/devices/analog_network.hpp"
#include "silicortex/devices/onchip_learning.hpp"

using namespace scx;
using namespace scx::devices;

namespace {

// A small dense CUBA network with random weights (no training needed: the comparison is digital vs analog on
// the same weights) and random images.
train::TrainedNetwork tiny_network() {
  train::TrainConfig cfg;
  cfg.source = "tiny";
  cfg.input = {20, 1, 1};
  cfg.classes = 4;
  train::LayerSpec hidden, out;
  hidden.out = 16;
  out.out = 4;
  cfg.layers = {hidden, out};
  cfg.encoding.steps = 8;
  const train::SnnNetwork net(cfg.layers, cfg.input, cfg.classes);
  train::TrainedNetwork t{cfg, net.init_params(11, 3.0f)};
  for (const train::Block& b : net.blocks())
    for (size_t k = 0; k < b.b_size; ++k) t.params[b.b_off + k] = 0.05f * float(k % 3);
  return t;
}

train::Dataset noise_images(size_t count, int pixels, int classes) {
  train::Dataset d;
  d.shape = {pixels, 1, 1};
  d.classes = classes;
  d.count = count;
  RandomStream rng(5, 5);
  for (size_t i = 0; i < count * pixels; ++i) d.images.push_back(uint8_t(rng.below(256)));
  for (size_t i = 0; i < count; ++i) d.labels.push_back(uint8_t(rng.below(classes)));
  return d;
}

// Four classes of 16-pixel images: class c lights pixels 4c..4c+3, plus noise everywhere.
train::Dataset blocks_data(size_t count, uint64_t seed) {
  train::Dataset d;
  d.shape = {16, 1, 1};
  d.classes = 4;
  d.count = count;
  RandomStream rng(seed, 1);
  for (size_t i = 0; i < count; ++i) {
    const int c = int(rng.below(4));
    d.labels.push_back(uint8_t(c));
    for (int p = 0; p < 16; ++p)
      d.images.push_back(uint8_t(p / 4 == c ? 150 + rng.below(100) : rng.below(120)));
  }
  return d;
}

}  // namespace

TEST(AnalogNetwork, IdealDeviceGivesExactlyTheDigitalResult) {
  const train::TrainedNetwork net = tiny_network();
  const train::Dataset data = noise_images(300, 20, 4);
  const EvalResult digital = evaluate_network(net, data, nullptr);
  AnalogSetup ideal{ideal_device_profile(), {}, 3};
  ideal.profile.g_min_us = 0.3;  // any window: the mapping decodes exactly
  ideal.profile.g_max_us = 7.7;
  const EvalResult analog = evaluate_network(net, data, &ideal);
  EXPECT_EQ(analog.predictions, digital.predictions);
  EXPECT_EQ(analog.logits, digital.logits);  // the output spike counts, bit for bit
  EXPECT_GT(analog.read_energy_pj, 0);
  double spikes = 0;
  for (double v : digital.logits) spikes += v;
  EXPECT_GT(spikes, 100);  // the comparison is not between silent networks

  // The digital path is the trainer's own evaluation.
  train::Trainer trainer(net.config);
  trainer.params() = net.params;
  EXPECT_EQ(trainer.evaluate(data).correct, digital.correct);
}

TEST(AnalogNetwork, FewLevelsChangeTheResult) {
  const train::TrainedNetwork net = tiny_network();
  const train::Dataset data = noise_images(300, 20, 4);
  const EvalResult digital = evaluate_network(net, data, nullptr);
  AnalogSetup coarse{ideal_device_profile(), {}, 3};
  coarse.profile.levels = 3;
  EXPECT_NE(evaluate_network(net, data, &coarse).logits, digital.logits);
}

TEST(AnalogNetwork, WrongInputSizeIsAnError) {
  EXPECT_THROW(evaluate_network(tiny_network(), noise_images(10, 21, 4), nullptr), scx::Error);
}

TEST(OnChipLearning, IdealDeviceLearnsLikeFloatAndCoarseDevicesLearnWorse) {
  const train::Dataset train_set = blocks_data(400, 1), test_set = blocks_data(400, 2);
  DeltaRuleOptions o;
  o.epochs = 2;
  o.lr = 0.01;
  o.w_max = 0.5;
  const LearningResult fp = train_delta_rule(train_set, test_set, nullptr, o);
  AnalogSetup ideal{ideal_device_profile(), {}, 1};
  const LearningResult an = train_delta_rule(train_set, test_set, &ideal, o);
  EXPECT_GT(fp.test_accuracy, 0.9);
  EXPECT_NEAR(an.test_accuracy, fp.test_accuracy, 0.01);
  // Two-level devices with a strongly nonlinear, noisy update cannot hold the small weight differences.
  AnalogSetup bad{ideal_device_profile(), {}, 1};
  bad.profile.levels = 3;
  bad.profile.a_ltp = bad.profile.a_ltd = 0.05;
  bad.profile.c2c_sigma = 0.2;
  const LearningResult poor = train_delta_rule(train_set, test_set, &bad, o);
  EXPECT_GT(poor.pulses, 0u);
  EXPECT_LT(poor.test_accuracy, an.test_accuracy);
}
