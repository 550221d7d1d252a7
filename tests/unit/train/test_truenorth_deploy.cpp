// Deployment of trained networks onto the TrueNorth-class chip: the chip's spikes against the float
// trainer's for integer-exact networks, the core limits (axons, neurons with fan-out copies, cores), clear
// errors, and `app image --chip truenorth` end to end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "../cli/cli_runner.hpp"
#include "deploy_compare.hpp"
#include "idx_writer.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/train/config.hpp"
#include "silicortex/train/loihi_deploy.hpp"
#include "silicortex/train/trainer.hpp"
#include "silicortex/train/truenorth_deploy.hpp"

namespace scx::test {
namespace {

using train::TrueNorthDeployment;

hw::ChipProfile truenorth() {
  return hw::read_chip_profile(std::string(SCX_SOURCE_DIR) + "/chips/truenorth.toml");
}

// tiny_deploy_config on the TrueNorth grid with `levels`, ending in a dense layer of 3 or in `extra`.
train::TrainConfig tiny_config(const std::string& neuron, int levels = 4, const std::string& extra = "") {
  return tiny_deploy_config("[quantization]\nkind = \"truenorth\"\nlevels = " + std::to_string(levels) + "\n",
                            neuron, "", extra.empty() ? "[[layers]]\ntype = \"dense\"\nout = 3\n" : extra);
}

// Weights k a_j with a_j = 2^-e per output neuron (per channel for a convolution) and biases on an a_j / 8
// grid: every float sum of the trainer is exact, and so is the chip's integer image of it.
std::vector<float> grid_params(const train::TrainConfig& c, uint64_t seed) {
  const train::SnnNetwork net(c.layers, c.input, c.classes);
  std::vector<float> p(net.param_count(), 0.0f);
  RandomStream rng(seed, 7);
  for (const auto& b : net.blocks()) {
    if (b.w_size == 0) continue;
    const int kmax = train::layer_levels(b.spec, c.quant) / 2;
    const size_t rows = size_t(b.spec.out), cols = b.w_size / rows;
    for (size_t r = 0; r < rows; ++r) {
      const float a = std::ldexp(1.0f, -int(2 + rng.below(2)));  // 1/4 or 1/8
      for (size_t i = 0; i < cols; ++i) {
        const int k = int(rng.below(uint64_t(2 * kmax + 1))) - kmax;
        p[b.w_off + r * cols + i] = float(k) * a;
      }
      p[b.w_off + r * cols] = float(kmax) * a;  // a_j is max |w| / kmax, as the trainer's quantiser has it
      if (r < b.b_size) p[b.b_off + r] = float(int(rng.below(9)) - 3) * a / 8;
    }
  }
  return p;
}

void expect_identical(const train::TrainConfig& c, const std::vector<float>& p, TrueNorthDeployment& dep,
                      int samples) {
  size_t spikes = 0;
  for (int sample = 0; sample < samples; ++sample) {
    const Spikes s = compare(c, p, dep, random_input(c, uint64_t(sample)));
    for (size_t l = 0; l < s.chip.size(); ++l) {
      EXPECT_EQ(s.chip[l], s.trainer[l]) << "sample " << sample << " layer " << l;
      for (uint8_t v : s.chip[l]) spikes += v;
    }
    for (int k = 0; k < c.classes; ++k) EXPECT_EQ(float(s.chip_scores[size_t(k)]), s.out[size_t(k)]);
  }
  EXPECT_GT(spikes, size_t(samples) * 10);  // the comparison is not vacuous
}

TEST(TrueNorthDeploy, IntegrateAndFireOnTheGridIsBitExact) {
  for (const int levels : {2, 4}) {
    const auto c = tiny_config("model = \"lif\"\ndv = 0.0\nvth = 1.0", levels);
    const auto p = grid_params(c, 11);
    TrueNorthDeployment dep(c, p, truenorth());
    ASSERT_EQ(dep.layers().size(), 3u);
    for (const auto& l : dep.layers()) {
      EXPECT_TRUE(l.exact) << l.origin;
      EXPECT_LE(l.max_axons, 256);
    }
    // The sum pool is not shared axons: each of the 72 conv neurons is its own input of the dense layer.
    EXPECT_GT(dep.layers()[1].max_fan_in, 18);
    // The dense layers' neurons sit on one core each, so a conv neuron needs one copy per level it is used
    // with: more chip neurons than trainer neurons.
    EXPECT_GT(dep.layers()[0].chip_neurons, dep.layers()[0].neurons);
    EXPECT_EQ(dep.ticks_per_sample(), 7 + 2);
    expect_identical(c, p, dep, 20);
  }
}

// Integrate-and-fire on a 1x6x6 input, ternary weights, 3 classes: `layers` ([[layers]] tables) then a
// trailing 2x2 sum pool, the population read-out of the shipped model.
train::TrainConfig pooled_readout_config(const std::string& layers, const std::string& name) {
  auto c = train::parse_train_config(R"(
[encoding]
steps = 6
[neuron]
model = "lif"
dv = 0.0
vth = 0.75
[quantization]
kind = "truenorth"
levels = 2
)" + layers + "[[layers]]\ntype = \"sumpool\"\nsize = 2\n",
                                     name);
  c.input = {1, 6, 6};
  c.classes = 3;
  return c;
}

// Two convolutions for pooled_readout_config; `first` adds fields to the first.
std::string two_convs(const std::string& first = "") {
  return "[[layers]]\ntype = \"conv\"\nout = 4\nkernel = 2\nstride = 2\n" + first +
         "[[layers]]\ntype = \"conv\"\nout = 3\nkernel = 2\n";
}

TEST(TrueNorthDeploy, PopulationReadOutThroughATrailingPoolIsExact) {
  const auto c = pooled_readout_config(two_convs(), "readout.toml");
  const auto p = grid_params(c, 5);
  TrueNorthDeployment dep(c, p, truenorth());
  expect_identical(c, p, dep, 20);
}

TEST(TrueNorthDeploy, ALayerWithItsOwnLevelsIsExact) {
  // Ternary network, 5-level first layer (4 axon types on its cores, 2 on the others).
  const auto c = pooled_readout_config(two_convs("levels = 4\n"), "levels.toml");
  ASSERT_EQ(c.layers[0].levels, 4);
  const auto p = grid_params(c, 8);
  const train::SnnNetwork net(c.layers, c.input, c.classes);
  // The first layer really uses both a_j and 2 a_j: some rows hold weights of half their largest.
  const train::Block& first = net.blocks()[0];
  const size_t cols = first.w_size / size_t(first.spec.out);
  int rows_with_both = 0;
  for (size_t r = 0; r < size_t(first.spec.out); ++r) {
    float top = 0;
    bool half = false;
    for (size_t i = 0; i < cols; ++i) top = std::max(top, std::fabs(p[first.w_off + r * cols + i]));
    for (size_t i = 0; i < cols; ++i) half |= std::fabs(p[first.w_off + r * cols + i]) == top / 2;
    rows_with_both += half;
  }
  EXPECT_GT(rows_with_both, 0);
  TrueNorthDeployment dep(c, p, truenorth());
  expect_identical(c, p, dep, 20);
  // The same weights with a ternary first layer are off the grid: the deployment says so.
  auto ternary = c;
  ternary.layers[0].levels = 0;
  EXPECT_THROW(TrueNorthDeployment(ternary, p, truenorth()), Error);
}

TEST(TrueNorthDeploy, GroupedConvolutionsAreExactAndKeepEachNeuronToItsGroup) {
  const auto c = pooled_readout_config(R"(
[[layers]]
type = "conv"
out = 8
kernel = 2
stride = 2
[[layers]]
type = "conv"
out = 4
kernel = 2
groups = 4
[[layers]]
type = "conv"
out = 3
kernel = 1
)",
                                       "grouped.toml");
  const auto p = grid_params(c, 9);
  TrueNorthDeployment dep(c, p, truenorth());
  // Each neuron of the grouped layer sees 2 of the 8 channels over 2x2 positions: at most 8 inputs, where
  // the ungrouped layer would give it 32.
  EXPECT_LE(dep.layers()[1].max_fan_in, 8);
  EXPECT_GT(dep.layers()[1].max_fan_in, 4);
  expect_identical(c, p, dep, 20);
}

TEST(TrueNorthDeploy, FanOutCopiesFillCoresAndStillComputeTheSame) {
  const auto c = tiny_config("model = \"lif\"\ndv = 0.0\nvth = 1.0", 4);
  const auto p = grid_params(c, 3);
  hw::ChipProfile small = truenorth();
  TrueNorthDeployment big(c, p, small);
  small.axons_per_core = 80;  // the dense layer's cores get split; the conv neurons need more copies
  small.neurons_per_core = 16;
  TrueNorthDeployment tight(c, p, small);
  EXPECT_GT(tight.cores_used(), big.cores_used());
  for (size_t l = 0; l < tight.layers().size(); ++l) {
    EXPECT_LE(tight.layers()[l].max_axons, 80);
    EXPECT_GE(tight.layers()[l].chip_neurons, big.layers()[l].chip_neurons);
  }
  for (uint64_t sample = 0; sample < 5; ++sample) {
    const auto x = random_input(c, sample);
    EXPECT_EQ(big.run(x.data()), tight.run(x.data()));
  }
  // A neuron needed on more (core, axon) pairs than a core has neurons cannot be copied enough.
  small.neurons_per_core = 2;
  EXPECT_THAT([&] { (void)TrueNorthDeployment(c, p, small); },
              ThrowsMessage<Error>(testing::AllOf(testing::HasSubstr("tiny.toml"),
                                                  testing::HasSubstr("copies of one neuron"))));
}

TEST(TrueNorthDeploy, WhatTheChipCannotRunIsAClearError) {
  const auto c = tiny_config("model = \"lif\"\ndv = 0.0", 4);
  const auto p = grid_params(c, 3);
  const auto fails_with = [&](const train::TrainConfig& cfg, const std::vector<float>& params,
                              const hw::ChipProfile& prof, const std::string& text) {
    EXPECT_THAT([&] { (void)TrueNorthDeployment(cfg, params, prof); },
                ThrowsMessage<Error>(testing::HasSubstr(text)))
        << text;
  };
  // Leaky or current-based neurons are not TrueNorth neurons; the message names the layer.
  const auto cuba = tiny_config("model = \"cuba\"\ndu = 0.5\ndv = 0.25", 4);
  fails_with(cuba, grid_params(cuba, 1), truenorth(), "tiny.toml");
  fails_with(cuba, grid_params(cuba, 1), truenorth(), "model = \"lif\" and dv = 0");
  const auto leaky = tiny_config("model = \"lif\"\ndv = 0.1", 4);
  fails_with(leaky, grid_params(leaky, 1), truenorth(), "dv = 0.1");
  // A fan-in above 256 axons: a dense layer on 600 inputs (about 480 of them non-zero).
  auto wide = train::parse_train_config(R"(
[neuron]
model = "lif"
dv = 0.0
[quantization]
kind = "truenorth"
[[layers]]
type = "dense"
out = 2
)",
                                        "wide.toml");
  wide.input = {600, 1, 1};
  wide.classes = 2;
  fails_with(wide, grid_params(wide, 1), truenorth(), "wide.toml:");
  fails_with(wide, grid_params(wide, 1), truenorth(), "inputs; a core of chip 'truenorth' has 256 axons");
  // More cores than the chip has.
  hw::ChipProfile two = truenorth();
  two.cores_x = 2;
  two.cores_y = 1;
  fails_with(c, p, two, "needs more than the 2 cores of chip 'truenorth'");
  // Weights off the TrueNorth grid, a graded input, a Loihi-class chip.
  auto off = p;
  off[0] *= 0.7f;
  fails_with(c, off, truenorth(), "not a multiple");
  auto loihi_q = c;
  loihi_q.quant.kind = train::QuantKind::Loihi;
  fails_with(loihi_q, p, truenorth(), "kind = \"truenorth\"");
  auto direct = c;
  direct.encoding.kind = train::EncodingKind::Direct;
  fails_with(direct, p, truenorth(), "binary spikes");
  fails_with(c, p, hw::read_chip_profile(std::string(SCX_SOURCE_DIR) + "/chips/loihi.toml"),
             "not a truenorth-model chip");
  fails_with(c, std::vector<float>(5, 0.0f), truenorth(), "params");
}

TEST(TrueNorthDeploy, ShippedModelFitsTheChip) {
  const auto path = std::filesystem::path(SCX_SOURCE_DIR) / "models/trained/fmnist_truenorth.scxnet";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shipped model";
  const train::TrainedNetwork net = train::read_trained_network(path);
  const hw::ChipProfile prof = truenorth();
  TrueNorthDeployment dep(net.config, net.params, prof);
  EXPECT_LE(dep.cores_used(), prof.total_cores());
  for (const auto& l : dep.layers()) EXPECT_LE(l.max_axons, prof.axons_per_core);
}

TEST(AppImage, RunsOnTheTrueNorthChip) {
  const auto dir = fresh_dir("app_image_tn");
  auto c = tiny_config("model = \"lif\"\ndv = 0.0\nvth = 1.0", 2);
  train::Trainer t(c);
  t.params() = grid_params(c, 9);
  const auto model = dir / "tiny.scxnet";
  t.save_network(model, 0.5);
  const auto [args, r] = run_tiny_image_app(dir, "--chip truenorth --model " + model.string());
  EXPECT_THAT(r.output, testing::HasSubstr("on chip 'truenorth'"));
  // Bit-exact network: the chip predicts what the float trainer predicts on every image.
  EXPECT_THAT(r.output, testing::HasSubstr("same prediction on 100.00% of images"));
  EXPECT_THAT(r.output, testing::HasSubstr("of 4096"));
  EXPECT_THAT(r.output, testing::HasSubstr("energy per image"));
  const CliResult dev = run_cli(args + " --device " SCX_SOURCE_DIR "/devices/pcm.toml");
  EXPECT_NE(dev.exit_code, 0);
  EXPECT_THAT(dev.output, testing::HasSubstr("--device"));
}

}  // namespace
}  // namespace scx::test
