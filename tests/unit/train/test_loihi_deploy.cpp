// Deployment of trained networks onto the Loihi-class chip: the chip's spikes against the float trainer's,
// the profile's limits, clear errors, and `app image` end to end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "../cli/cli_runner.hpp"
#include "deploy_compare.hpp"
#include "idx_writer.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/train/config.hpp"
#include "silicortex/train/encoding.hpp"
#include "silicortex/train/loihi_deploy.hpp"
#include "silicortex/train/quantize.hpp"
#include "silicortex/train/trainer.hpp"

namespace scx::test {
namespace {

using train::LoihiDeployment;

hw::ChipProfile loihi() {
  return hw::read_chip_profile(std::string(SCX_SOURCE_DIR) + "/chips/loihi.toml");
}

// tiny_deploy_config with a last dense layer of 3; `encoding` adds lines to [encoding], `last` to the last
// layer's table (and may open further tables).
train::TrainConfig tiny_config(const std::string& neuron, const std::string& pool = "",
                               const std::string& encoding = "", const std::string& last = "") {
  return tiny_deploy_config(encoding, neuron, pool, "[[layers]]\ntype = \"dense\"\nout = 3\n" + last);
}

// Weights on the 8-bit Loihi grid (as QAT leaves them) and biases on a 2^-6 grid.
std::vector<float> tiny_params(const train::TrainConfig& c, uint64_t seed) {
  const train::SnnNetwork net(c.layers, c.input, c.classes);
  train::QuantSpec q;
  q.kind = train::QuantKind::Loihi;
  std::vector<float> p = train::quantize_params(net, q, net.init_params(seed, 2.5f));
  RandomStream rng(seed, 7);
  for (const auto& b : net.blocks())
    for (size_t i = 0; i < b.b_size; ++i) p[b.b_off + i] = float(int(rng.below(17)) - 4) / 64.0f;
  return p;
}

TEST(LoihiDeploy, LifWithoutLeakIsBitExact) {
  // du = 1 (LIF) and dv = 0 are exact on the chip (decay factors 0 and 1), weights and biases are on the
  // grid and vth * scale is an integer: every spike of every layer must match the trainer's.
  const auto c = tiny_config("model = \"lif\"\ndv = 0.0\nvth = 1.0");
  const auto p = tiny_params(c, 11);
  LoihiDeployment dep(c, p, loihi());
  for (const auto& l : dep.layers()) EXPECT_TRUE(l.exact) << l.origin;
  size_t spikes = 0;
  for (uint64_t sample = 0; sample < 20; ++sample) {
    const Spikes s = compare(c, p, dep, random_input(c, sample));
    for (size_t l = 0; l < s.chip.size(); ++l) {
      EXPECT_EQ(s.chip[l], s.trainer[l]) << "sample " << sample << " layer " << l;
      for (uint8_t v : s.chip[l]) spikes += v;
    }
  }
  EXPECT_GT(spikes, 200u);  // the comparison is not vacuous
}

TEST(LoihiDeploy, GradedInputAndVoltageReadOutAreExact) {
  // Direct encoding: 6-bit pixels enter as graded spikes. The last layer integrates without leak and never
  // fires; the chip's score is its voltage summed over the steps, 64 * scale times the trainer's.
  const auto c = tiny_config("model = \"lif\"\ndv = 0.0", "", "kind = \"direct\"\nbits = 6\n",
                             "vth = 64.0\n[loss]\nkind = \"membrane-mean\"\n");
  const auto p = tiny_params(c, 21);
  LoihiDeployment dep(c, p, loihi());
  for (const auto& l : dep.layers()) EXPECT_TRUE(l.exact) << l.origin;
  const train::SnnNetwork net(c.layers, c.input, c.classes);
  const double unit = 64.0 * dep.layers().back().scale;
  size_t hidden_spikes = 0;
  for (uint64_t sample = 0; sample < 20; ++sample) {
    std::vector<float> x(size_t(c.encoding.steps) * 36);
    RandomStream rng(sample, 5);
    for (size_t i = 0; i < 36; ++i) {
      const float v = rng.uniform() < 0.3 ? 0.0f : float(rng.below(64)) / 64.0f;
      for (int t = 0; t < c.encoding.steps; ++t) x[size_t(t) * 36 + i] = v;
    }
    const Spikes s = compare(c, p, dep, x);
    for (size_t l = 0; l + 1 < s.chip.size(); ++l) {
      EXPECT_EQ(s.chip[l], s.trainer[l]) << "sample " << sample << " layer " << l;
      for (uint8_t v : s.chip[l]) hidden_spikes += v;
    }
    train::Workspace ws;
    net.forward(p, x.data(), c.encoding.steps, 1, ws);
    const std::vector<int32_t> scores = dep.run(x.data());
    for (int k = 0; k < 3; ++k) {
      double sum = 0;
      for (int t = 0; t < c.encoding.steps; ++t) sum += ws.vpre.back()[size_t(t * 3 + k)];
      EXPECT_EQ(double(scores[size_t(k)]), sum * unit) << "sample " << sample << " class " << k;
    }
  }
  EXPECT_GT(hidden_spikes, 100u);  // the input reaches the read-out through spikes
}

TEST(LoihiChip, GradedSpikesMultiplyTheWeights) {
  hw::LoihiChip chip(loihi());
  chip.configure_core(0, {4095, 0, 100000}, 2);  // u = a_in, v integrates, threshold out of reach
  chip.add_synapse(0, 0, 0, 3, 0);
  chip.add_synapse(0, 0, 1, -2, 1);
  chip.inject(0, 0, 5);  // payload 5: weights 3 and -4 count five times
  chip.inject(0, 0);     // a binary spike on the same axon: once more
  chip.run(1);
  EXPECT_EQ(chip.v(0, 0), (3 * 6) << 6);
  EXPECT_EQ(chip.v(0, 1), (-4 * 6) << 6);
  EXPECT_EQ(chip.counters().saturations, 0u);
  chip.inject(0, 0, 100000);  // 3 x 100000 << 6 is past 2^23: u wraps, and the counter says so
  chip.run(1);
  EXPECT_GE(chip.counters().saturations, 1u);
  EXPECT_THAT([&] { chip.inject(0, 0, 1 << 24); },
              ThrowsMessage<Error>(testing::HasSubstr("core 0 axon 0: graded spike payload 16777216")));
  EXPECT_THAT([&] { chip.inject(0, 0, -1); }, ThrowsMessage<Error>(testing::HasSubstr("payload -1")));
}

TEST(LoihiChip, WeightsBeyondSixteenBitsAndLaterChangesAreApplied) {
  // The run loop packs a core's synapses into 16-bit weights; wider weights keep the unpacked path, and a
  // weight changed after a run is seen by the next run.
  hw::LoihiChip chip(loihi());
  for (int32_t core : {0, 1}) chip.configure_core(core, {4095, 0, 131071}, 1);
  chip.add_synapse(0, 0, 0, 100, 2);   // 400: packed
  chip.add_synapse(1, 0, 0, 100, 10);  // 102400: beyond 16 bits
  for (int32_t core : {0, 1}) chip.inject(core, 0);
  chip.run(1);
  EXPECT_EQ(chip.v(0, 0), 400 << 6);
  EXPECT_EQ(chip.v(1, 0), 102400 << 6);
  chip.set_weight(0, 0, 0, -300);
  chip.inject(0, 0);
  chip.run(1);
  EXPECT_EQ(chip.v(0, 0), 100 << 6);
}

TEST(LoihiDeploy, PoolNeuronsAreALayerOfTheirOwnAndExact) {
  const auto c = tiny_config("model = \"lif\"\ndv = 0.0\nvth = 0.5", "neuron = \"lif\"");
  ASSERT_TRUE(c.layers[1].has_neuron);
  const auto p = tiny_params(c, 4);
  LoihiDeployment dep(c, p, loihi());
  ASSERT_EQ(dep.layers().size(), 4u);
  EXPECT_EQ(dep.layers()[1].neurons, 18);
  for (uint64_t sample = 0; sample < 10; ++sample) {
    const Spikes s = compare(c, p, dep, random_input(c, sample));
    for (size_t l = 0; l < s.chip.size(); ++l) EXPECT_EQ(s.chip[l], s.trainer[l]) << "layer " << l;
  }
}

TEST(LoihiDeploy, ShippedModelFitsTheChip) {
  const auto path = std::filesystem::path(SCX_SOURCE_DIR) / "models/trained/fmnist_loihi.scxnet";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shipped model";
  const train::TrainedNetwork net = train::read_trained_network(path);
  const hw::ChipProfile prof = loihi();
  LoihiDeployment dep(net.config, net.params, prof);
  EXPECT_LE(dep.cores_used(), prof.total_cores());
  for (const auto& l : dep.layers()) {
    EXPECT_LE(l.max_axons, prof.axons_per_core);
    EXPECT_LE(l.max_synapse_bits, prof.synapse_memory_bits);
  }
}

TEST(LoihiDeploy, CubaAgreesWithTheFloatTrainer) {
  // Lava's CUBA LIF with du = 0.5, dv = 0.25: the chip's decays round toward zero (at most one unit of
  // 64 * scale per step), so spikes may differ only where the float membrane is that close to threshold.
  const auto c = tiny_config("model = \"cuba\"\ndu = 0.5\ndv = 0.25\nvth = 1.0");
  const auto p = tiny_params(c, 5);
  LoihiDeployment dep(c, p, loihi());
  size_t same = 0, total = 0, agree = 0, spikes = 0;
  for (uint64_t sample = 0; sample < 40; ++sample) {
    const auto x = random_input(c, 100 + sample);
    const Spikes s = compare(c, p, dep, x);
    for (size_t l = 0; l < s.chip.size(); ++l)
      for (size_t i = 0; i < s.chip[l].size(); ++i) {
        same += s.chip[l][i] == s.trainer[l][i];
        spikes += s.trainer[l][i];
        ++total;
      }
    std::vector<int32_t> chip(3, 0), flt(3, 0);
    const size_t steps = size_t(c.encoding.steps);
    for (size_t t = 0; t < steps; ++t)
      for (size_t k = 0; k < 3; ++k) {
        chip[k] += s.chip.back()[t * 3 + k];
        flt[k] += s.trainer.back()[t * 3 + k];
      }
    agree += train::predicted_class(chip) == train::predicted_class(flt);
  }
  EXPECT_GT(spikes, total / 20);
  EXPECT_GE(double(same) / double(total), 0.99);
  EXPECT_GE(agree, 36u);
}

TEST(LoihiDeploy, RespectsTheProfilesLimitsAndStillComputesTheSame) {
  const auto c = tiny_config("model = \"lif\"\ndv = 0.0");
  const auto p = tiny_params(c, 3);
  hw::ChipProfile small = loihi();
  small.neurons_per_core = 8;
  small.axons_per_core = 24;
  small.synapse_memory_bits = 40 * (small.weight_bits + 3);  // 40 synapses (3 index bits for 8 neurons)
  LoihiDeployment big(c, p, loihi()), tight(c, p, small);
  EXPECT_EQ(big.cores_used(), 3);  // one core per layer with neurons
  EXPECT_GT(tight.cores_used(), 8);
  for (int core = 0; core < tight.cores_used(); ++core) EXPECT_LE(tight.chip().neurons(core), 8);
  for (const auto& l : tight.layers()) {
    EXPECT_LE(l.max_axons, 24) << l.origin;
    EXPECT_LE(l.max_synapse_bits, small.synapse_memory_bits) << l.origin;
  }
  for (uint64_t sample = 0; sample < 5; ++sample) {
    const auto x = random_input(c, sample);
    EXPECT_EQ(big.run(x.data()), tight.run(x.data()));
  }
}

TEST(LoihiDeploy, ANetworkThatDoesNotFitIsAClearError) {
  const auto c = tiny_config("model = \"lif\"");
  const auto p = tiny_params(c, 3);
  hw::ChipProfile p2 = loihi();
  p2.cores_x = 1;
  p2.cores_y = 2;
  p2.neurons_per_core = 8;
  EXPECT_THAT([&] { (void)LoihiDeployment(c, p, p2); },
              ThrowsMessage<Error>(testing::HasSubstr("needs more than the 2 cores of chip 'loihi'")));
  hw::ChipProfile narrow = loihi();
  narrow.axons_per_core = 4;  // the convolution's neurons have up to 9 inputs
  EXPECT_THAT(
      [&] { (void)LoihiDeployment(c, p, narrow); },
      ThrowsMessage<Error>(testing::AllOf(testing::HasSubstr("tiny.toml"), testing::HasSubstr("inputs"))));
  EXPECT_THAT([&] { (void)LoihiDeployment(c, std::vector<float>(5, 0.0f), loihi()); },
              ThrowsMessage<Error>(testing::HasSubstr("params")));
  const auto none = tiny_config("model = \"none\"");
  EXPECT_THAT([&] { (void)LoihiDeployment(none, tiny_params(none, 1), loihi()); },
              ThrowsMessage<Error>(testing::HasSubstr("non-spiking read-out")));
}

TEST(AppImage, RunsATinyModelAndWritesTheReport) {
  const auto dir = fresh_dir("app_image");
  auto c = tiny_config("model = \"cuba\"\ndu = 0.5\ndv = 0.25");
  train::Trainer t(c);
  t.params() = tiny_params(c, 9);
  const auto model = dir / "tiny.scxnet";
  t.save_network(model, 0.5);
  const auto [args, r] = run_tiny_image_app(dir, "--model " + model.string());
  EXPECT_THAT(r.output, testing::HasSubstr("cores used:             3 of 128"));
  EXPECT_THAT(r.output, testing::HasSubstr("energy per image"));
  // Weights stored in PCM devices: the run reports how many changed and still classifies.
  const CliResult pcm = run_cli(args + " --device " + SCX_SOURCE_DIR "/devices/pcm.toml --device-seed 3");
  ASSERT_EQ(pcm.exit_code, 0) << pcm.output;
  EXPECT_THAT(pcm.output, testing::HasSubstr("synapse memory in pcm devices"));
  EXPECT_THAT(pcm.output, testing::HasSubstr("weights changed"));
  EXPECT_THAT(pcm.output, testing::HasSubstr("accuracy on the chip"));

  write_file(dir / "bad.scxnet", "not a network");
  const CliResult bad = run_cli("app image -q --model " + (dir / "bad.scxnet").string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, testing::HasSubstr("bad.scxnet"));
  const CliResult tn = run_cli(args + " --chip truenorth");
  EXPECT_NE(tn.exit_code, 0);
  EXPECT_THAT(tn.output, testing::HasSubstr("truenorth"));
}

}  // namespace
}  // namespace scx::test
