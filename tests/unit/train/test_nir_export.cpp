// NIR export of trained networks: written to a file, read back and run in the reference engine (docs/nir.md),
// every layer's spikes equal the trainer's step for step. Weights and biases are on a 1/32 grid and the
// decays are 1/2, so the leak is exact on both sides and they differ at most in the order of two float
// additions: a mapping error shows as many different spikes, not as one.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <unistd.h>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/io/nir_model.hpp"
#include "silicortex/train/config.hpp"
#include "silicortex/train/encoding.hpp"
#include "silicortex/train/network.hpp"
#include "silicortex/train/nir_export.hpp"
#include "silicortex/train/trainer.hpp"

namespace scx::test {
namespace {

train::TrainConfig config(const std::string& layers, train::Shape input, int classes) {
  train::TrainConfig c = train::parse_train_config("[encoding]\nsteps = 24\n" + layers, "export.toml");
  c.input = input;
  c.classes = classes;
  return c;
}

// Conv LIF -> grouped conv IF -> sum pool -> flatten -> dense CUBA -> recurrent LIF: every node kind.
const char* kMixed = R"(
[[layers]]
type = "conv"
out = 4
kernel = 3
padding = 1
neuron = "lif"
dv = 0.5
[[layers]]
type = "conv"
out = 4
kernel = 2
stride = 2
groups = 2
neuron = "lif"
dv = 0.0
[[layers]]
type = "sumpool"
size = 2
[[layers]]
type = "flatten"
[[layers]]
type = "dense"
out = 6
neuron = "cuba"
du = 0.5
dv = 0.5
[[layers]]
type = "recurrent"
out = 5
neuron = "lif"
dv = 0.5
)";

// Two spiking convolutions and the class read-out summed over positions by a trailing pool.
const char* kPooledReadout = R"(
[[layers]]
type = "conv"
out = 4
kernel = 3
padding = 1
neuron = "lif"
dv = 0.0
[[layers]]
type = "conv"
out = 3
kernel = 2
stride = 2
neuron = "lif"
dv = 0.5
[[layers]]
type = "sumpool"
size = 4
)";

// A non-spiking read-out (model "none").
const char* kGradedReadout = R"(
[[layers]]
type = "flatten"
[[layers]]
type = "dense"
out = 8
neuron = "lif"
dv = 0.5
[[layers]]
type = "dense"
out = 3
neuron = "none"
)";

// Random parameters on a 1/32 grid; biases too, except where `zero_bias` (cuba layers: see below).
std::vector<float> grid_params(const train::TrainConfig& c, bool zero_cuba_bias = true) {
  const train::SnnNetwork net(c.layers, c.input, c.classes);
  std::vector<float> p = net.init_params(5, 3.0f);
  for (float& w : p) w = std::round(w * 32) / 32;
  RandomStream rng(11, 2);
  for (const auto& b : net.blocks()) {
    const bool cuba = b.spec.neuron.model == train::NeuronModel::Cuba;
    for (size_t j = 0; j < b.b_size; ++j)
      p[b.b_off + j] = cuba && zero_cuba_bias ? 0.0f : float(int(rng.below(9)) - 3) / 32;
  }
  return p;
}

std::vector<float> input_spikes(const train::TrainConfig& c) {
  std::vector<float> x(size_t(c.encoding.steps) * c.input.size());
  RandomStream rng(3, 4);
  for (float& v : x) v = rng.uniform() < 0.35 ? 1.0f : 0.0f;
  return x;
}

// Exports c with params p to a file, reads it back, runs it on x and compares every layer of neurons (spikes)
// and the output (per-step values of a non-spiking or pooled read-out) with the trainer's forward pass.
void expect_same_as_trainer(const train::TrainConfig& c, const std::vector<float>& p) {
  const int steps = c.encoding.steps;
  const std::vector<float> x = input_spikes(c);
  const train::SnnNetwork net(c.layers, c.input, c.classes);
  train::Workspace ws;
  net.forward(p, x.data(), steps, 1, ws);

  std::vector<std::string> warnings;
  const io::nir::Document doc = train::trained_to_nir(c, p, warnings);
  // One file per test and process: ctest runs the tests of this binary in parallel processes.
  const auto file = std::filesystem::path(::testing::TempDir()) /
                    (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
                     std::to_string(::getpid()) + ".nir");
  io::nir::write_nir(file, doc);
  io::nir::Converted conv = io::nir::to_network(io::nir::read_nir(file), io::nir::Options{});
  std::filesystem::remove(file);
  io::nir::SpikeTrain in;
  for (int t = 0; t < steps; ++t)
    for (int i = 0; i < c.input.size(); ++i)
      if (x[size_t(t) * c.input.size() + i] != 0) in.steps.push_back(t), in.neurons.push_back(uint32_t(i));
  const sim::RunResult r = io::nir::run(conv, {in}, steps);

  size_t layers_checked = 0;
  for (size_t l = 0; l < net.blocks().size(); ++l) {
    const train::Block& b = net.blocks()[l];
    if (!b.spec.has_neuron || b.spec.neuron.model == train::NeuronModel::None) continue;
    const std::string prefix = "layer" + std::to_string(l) + "_";
    const sim::PopulationSpikes* got = nullptr;
    for (const auto& ps : r.spikes)
      if (ps.population.rfind(prefix, 0) == 0) got = &ps;
    ASSERT_NE(got, nullptr) << prefix;
    const int f = b.out.size();
    std::vector<std::pair<int64_t, uint32_t>> want, have;
    for (int t = 0; t < steps; ++t)
      for (int j = 0; j < f; ++j)
        if (ws.s[l][size_t(t) * f + j] != 0) want.emplace_back(t, uint32_t(j));
    for (size_t k = 0; k < got->neurons.size(); ++k)
      have.emplace_back(std::llround(got->times_ms[k] / 0.1), got->neurons[k]);
    std::sort(have.begin(), have.end());
    ASSERT_GT(want.size(), size_t(steps)) << got->population << ": too quiet to test anything";
    EXPECT_LT(want.size(), size_t(steps) * f * 3 / 4) << got->population << ": saturated";
    EXPECT_EQ(have, want) << got->population;
    ++layers_checked;
  }
  EXPECT_GE(layers_checked, 1u);

  const train::Block& last = net.blocks().back();
  if (last.spec.has_neuron && last.spec.neuron.model != train::NeuronModel::None) return;
  ASSERT_EQ(r.traces.size(), 1u);
  const int f = last.out.size();
  const sim::StateTrace& tr = r.traces[0];
  ASSERT_EQ(tr.values.size(), size_t(steps) * f);
  for (int t = 0; t < steps; ++t)
    for (int j = 0; j < f; ++j)
      EXPECT_EQ(tr.values[size_t(t) * f + j], ws.s.back()[size_t(t) * f + j])
          << "step " << t << " class " << j;
}

TEST(NirExport, EveryLayerKindSpikesAsInTheTrainer) {
  const train::TrainConfig c = config(kMixed, {1, 8, 8}, 5);
  expect_same_as_trainer(c, grid_params(c));
}

TEST(NirExport, APooledReadOutCarriesTheClassSumsEveryStep) {
  const train::TrainConfig c = config(kPooledReadout, {1, 8, 8}, 3);
  expect_same_as_trainer(c, grid_params(c));
}

TEST(NirExport, ANonSpikingReadOutIsTheIdentityLiNode) {
  const train::TrainConfig c = config(kGradedReadout, {1, 4, 4}, 3);
  expect_same_as_trainer(c, grid_params(c));
}

TEST(NirExport, NodesCarryTheTrainersParametersInNirUnits) {
  train::TrainConfig c = config(kMixed, {1, 8, 8}, 5);
  c.layers[4].neuron.dv = 0.25f;
  const std::vector<float> p = grid_params(c, false);
  std::vector<std::string> warnings;
  const io::nir::Document doc = train::trained_to_nir(c, p, warnings, 1e-3);
  const io::nir::Node* cuba = doc.graph.find("layer4_cubalif");
  ASSERT_NE(cuba, nullptr);
  EXPECT_DOUBLE_EQ(cuba->find("tau_syn")->values[0], 2e-3);  // dt / du
  EXPECT_DOUBLE_EQ(cuba->find("w_in")->values[0], 2.0);      // 1 / du
  EXPECT_DOUBLE_EQ(cuba->find("tau_mem")->values[0], 4e-3);  // dt / dv
  EXPECT_DOUBLE_EQ(cuba->find("r")->values[0], 4.0);         // 1 / dv
  // The cuba bias is v_leak = bias / dv (NIR would filter an input bias through the current).
  const train::SnnNetwork net(c.layers, c.input, c.classes);
  const train::Block& b = net.blocks()[4];
  EXPECT_DOUBLE_EQ(cuba->find("v_leak")->values[3], p[b.b_off + 3] / 0.25);
  EXPECT_EQ(doc.graph.find("layer4_dense")->type, "Linear");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("v_leak"), std::string::npos);
  // The IF layer: r = 1/dt, its per-channel bias in the convolution.
  EXPECT_DOUBLE_EQ(doc.graph.find("layer1_if")->find("r")->values[0], 1e3);
  const train::Block& conv = net.blocks()[1];
  EXPECT_EQ(doc.graph.find("layer1_conv")->find("bias")->values[2], p[conv.b_off + 2]);
  EXPECT_EQ(doc.graph.find("layer1_conv")->find("groups")->values[0], 2.0);
  EXPECT_EQ(doc.graph.find("layer1_conv")->find("weight")->shape, (std::vector<int64_t>{4, 2, 2, 2}));
}

TEST(NirExport, WhatNirCannotSayIsAnErrorNamingTheLayer) {
  train::TrainConfig c = config(kGradedReadout, {1, 4, 4}, 3);
  c.layers[1].neuron.model = train::NeuronModel::Cuba;
  c.layers[1].neuron.dv = 0.0f;
  std::vector<std::string> warnings;
  try {
    train::trained_to_nir(c, grid_params(c), warnings);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("export.toml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("layers[1].dv"), std::string::npos) << e.what();
  }
  EXPECT_THROW(train::trained_to_nir(c, std::vector<float>(3), warnings), Error);
}

// The shipped TrueNorth-class model through NIR and the reference engine, on real test images: the class
// scores per image against the trainer's (float sums in another order: a rare spike may differ). The first 3
// test images, or SCX_NIR_EXPORT_IMAGES of them (bench/RESULTS.md, "NIR export").
TEST(NirExport, ShippedModelRunsThroughNirAsInTheTrainer) {
  const auto path = std::filesystem::path(SCX_SOURCE_DIR) / "models/trained/fmnist_truenorth.scxnet";
  const std::string images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
  if (!std::filesystem::exists(path) || !std::filesystem::exists(images)) GTEST_SKIP() << "no model or data";
  const train::TrainedNetwork t = train::read_trained_network(path);
  const train::TrainConfig& c = t.config;
  const train::Dataset d = train::load_dataset(
      images, "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
      std::getenv("SCX_NIR_EXPORT_IMAGES") ? std::stoul(std::getenv("SCX_NIR_EXPORT_IMAGES")) : 3);
  std::vector<std::string> warnings;
  io::nir::Converted conv =
      io::nir::to_network(train::trained_to_nir(c, t.params, warnings), io::nir::Options{});
  EXPECT_TRUE(warnings.empty());
  const train::SnnNetwork net(c.layers, c.input, c.classes);
  const int steps = c.encoding.steps, pixels = c.input.size();
  size_t identical = 0, same_class = 0;
  for (size_t id = 0; id < d.count; ++id) {
    std::vector<float> x(size_t(steps) * pixels);
    train::encode(c.encoding, c.train.seed, train::kEvalEpochKey, d.images.data(), size_t(pixels), &id, 1,
                  x.data());
    train::Workspace ws;
    net.forward(t.params, x.data(), steps, 1, ws);
    io::nir::SpikeTrain in;
    for (int s = 0; s < steps; ++s)
      for (int i = 0; i < pixels; ++i)
        if (x[size_t(s) * pixels + i] != 0) in.steps.push_back(s), in.neurons.push_back(uint32_t(i));
    const sim::RunResult r = io::nir::run(conv, {in}, steps);
    ASSERT_EQ(r.traces.size(), 1u);
    std::vector<double> want(size_t(c.classes), 0.0), got(want);
    for (int s = 0; s < steps; ++s)
      for (int k = 0; k < c.classes; ++k) {
        want[size_t(k)] += ws.s.back()[size_t(s) * c.classes + k];
        got[size_t(k)] += r.traces[0].values[size_t(s) * c.classes + k];
      }
    double total = 0, diff = 0;
    for (int k = 0; k < c.classes; ++k)
      total += want[size_t(k)], diff += std::fabs(want[size_t(k)] - got[size_t(k)]);
    EXPECT_GT(total, 20) << "image " << id;
    EXPECT_LE(diff, 0.02 * total) << "image " << id;
    const auto winner = [](const std::vector<double>& v) {
      return std::max_element(v.begin(), v.end()) - v.begin();
    };
    EXPECT_EQ(winner(got), winner(want)) << "image " << id;
    identical += diff == 0;
    same_class += winner(got) == winner(want);
  }
  std::printf(
      "shipped TrueNorth model through NIR: %zu images, class scores identical on %zu, same class on %zu\n",
      d.count, identical, same_class);
}

}  // namespace
}  // namespace scx::test
