// The trainer end to end on in-memory data: it learns a toy spike-pattern task, gives the same weights for
// any thread count, resumes bit-exactly from a checkpoint, and refuses bad configurations with a named field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/train/config.hpp"
#include "silicortex/train/train_file.hpp"
#include "silicortex/train/trainer.hpp"
#include "support/scratch_dir.hpp"

namespace scx::train {
namespace {

// Four classes of 20-input spike patterns: each class has a fixed random first-spike time per input (latency
// code), each sample jitters the intensities.
Dataset toy_patterns(size_t per_class, uint64_t seed) {
  Dataset d;
  d.shape = {20, 1, 1};
  d.classes = 4;
  RandomStream rng(seed, 1);
  std::vector<int> templ(4 * 20);
  for (int& v : templ) v = int(rng.below(256));
  for (size_t i = 0; i < per_class * 4; ++i) {
    const int k = int(i % 4);
    for (int p = 0; p < 20; ++p)
      d.images.push_back(uint8_t(std::clamp(templ[k * 20 + p] + int(rng.below(31)) - 15, 0, 255)));
    d.labels.push_back(uint8_t(k));
  }
  d.count = per_class * 4;
  return d;
}

TrainConfig toy_config(const std::string& extra = {}) {
  TrainConfig c = parse_train_config(R"(
[encoding]
kind = "latency"
steps = 12
[neuron]
model = "cuba"
du = 0.5
dv = 0.3
vth = 1.0
[[layers]]
type = "dense"
out = 24
[[layers]]
type = "dense"
out = 4
[optimizer]
lr = 0.02
[training]
batch_size = 8
threads = 1
seed = 11
init_gain = 3.0
)" + extra,
                                     "toy.toml");
  c.input = {20, 1, 1};
  c.classes = 4;
  return c;
}

TEST(Trainer, LearnsToySpikePatternsToFullAccuracy) {
  const Dataset d = toy_patterns(8, 5);
  Trainer t(toy_config());
  const double before = t.evaluate(d).accuracy();
  EXPECT_LT(before, 0.6) << "the untrained network must not already solve the task";
  double acc = 0;
  for (int e = 0; e < 60 && acc < 1.0; ++e) {
    t.train_epoch(d);
    acc = t.evaluate(d).accuracy();
  }
  EXPECT_EQ(acc, 1.0) << "after " << t.epochs_done() << " epochs";
  std::printf("toy task: %.0f%% before training, %.0f%% after %d epochs\n", 100 * before, 100 * acc,
              t.epochs_done());
  const Dataset fresh =
      toy_patterns(8, 5);  // same templates, same jitter: same data, checks evaluate is pure
  EXPECT_EQ(t.evaluate(fresh).accuracy(), acc);
}

TEST(Trainer, SameWeightsForAnyThreadCount) {
  const Dataset d = toy_patterns(10, 6);  // 40 samples, batch 8 + a partial last chunk with batch 12
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2, 3}) {
    TrainConfig c = toy_config();
    c.train.threads = threads;
    c.train.batch_size = 12;
    c.encoding.kind = EncodingKind::Rate;
    c.encoding.max_rate = 0.5f;
    c.layers[0].dropout = 0.25f;  // masks keyed by sample, not by chunk or thread
    Trainer t(c);
    t.train_epoch(d);
    t.train_epoch(d);
    results.push_back(t.params());
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0], results[2]);
}

TEST(Trainer, QuantisationAwareTrainingUsesQuantisedWeights) {
  const Dataset d = toy_patterns(4, 7);
  TrainConfig c = toy_config("[quantization]\nkind = \"truenorth\"\nlevels = 2\n");
  c.input = {20, 1, 1};
  c.classes = 4;
  Trainer t(c);
  t.train_epoch(d);
  QuantReport rep;
  const std::vector<float> q = t.effective_params(&rep);
  EXPECT_NE(q, t.params());
  EXPECT_GT(rep.max_abs_error, 0);
  EXPECT_LE(rep.max_abs_error, rep.max_bound * (1 + 1e-6));
}

TEST(Trainer, WeightAveragingEvaluatesTheMovingAverage) {
  const Dataset d = toy_patterns(4, 7);
  TrainConfig c = toy_config();
  c.train.ema_decay = 0.5f;
  Trainer t(c);
  const std::vector<float> p0 = t.params();
  t.train_batch(d, {0, 1, 2, 3}, 0);
  const std::vector<float> p1 = t.params();
  ASSERT_NE(p0, p1);
  // Step 1 averages with the warm-up decay min(0.5, 2/11).
  const float k = float(2.0 / 11.0);
  const std::vector<float> avg = t.effective_params();
  for (size_t i = 0; i < p0.size(); ++i) ASSERT_EQ(avg[i], k * p0[i] + (1 - k) * p1[i]) << i;
  c.train.ema_decay = 0.0f;
  Trainer plain(c);
  plain.train_batch(d, {0, 1, 2, 3}, 0);
  EXPECT_EQ(plain.params(), p1) << "the average must not change the training itself";
  EXPECT_EQ(plain.effective_params(), p1);
}

TEST(Trainer, SplitOffHoldsOutTheLastItems) {
  Dataset d = toy_patterns(5, 3);  // 20 samples of 20 features
  const Dataset all = d;
  const Dataset v = split_off(d, 6);
  EXPECT_EQ(d.count, 14u);
  EXPECT_EQ(v.count, 6u);
  EXPECT_EQ(d.images.size(), 14u * 20);
  EXPECT_EQ(v.images, std::vector<uint8_t>(all.images.end() - 6 * 20, all.images.end()));
  EXPECT_EQ(v.labels, std::vector<uint8_t>(all.labels.end() - 6, all.labels.end()));
  EXPECT_EQ(d.labels, std::vector<uint8_t>(all.labels.begin(), all.labels.begin() + 14));
  EXPECT_EQ(v.classes, all.classes);
}

TEST(Trainer, ResumeFromCheckpointIsBitExact) {
  for (const float ema : {0.0f, 0.9f}) {
    SCOPED_TRACE(ema);
    const auto dir = test::scratch_dir("train_resume");
    const Dataset d = toy_patterns(6, 8);
    TrainConfig c = toy_config();
    c.encoding.kind = EncodingKind::Rate;
    c.adam.lr_decay = 0.5f;  // the resumed epochs must continue the schedule, not restart it
    c.train.ema_decay = ema;
    Trainer straight(c);
    for (int e = 0; e < 3; ++e) straight.train_epoch(d);

    Trainer first(c);
    first.train_epoch(d);
    first.save_checkpoint(dir / "ckpt");
    Trainer resumed(c);
    resumed.load_checkpoint(dir / "ckpt");
    EXPECT_EQ(resumed.epochs_done(), 1);
    resumed.train_epoch(d);
    resumed.train_epoch(d);
    EXPECT_EQ(resumed.params(), straight.params());
    EXPECT_EQ(resumed.effective_params(), straight.effective_params());

    TrainConfig other = c;
    other.train.seed = 12;
    Trainer mismatch(other);
    try {
      mismatch.load_checkpoint(dir / "ckpt");
      ADD_FAILURE() << "a checkpoint of another configuration was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("config"), std::string::npos) << e.what();
    }
    std::filesystem::remove_all(dir);
  }
}

TEST(Trainer, CorruptTrainFileIsRejected) {
  const auto dir = test::scratch_dir("train_crc");
  TrainFile f{"network", "a = 1\n", "cfg", {{"params", {1.0f, 2.0f, 3.0f}}}};
  write_train_file(dir / "n", f);
  const TrainFile back = read_train_file(dir / "n", "network");
  EXPECT_EQ(back.array("params", dir / "n"), f.arrays[0].second);
  EXPECT_THROW(read_train_file(dir / "n", "checkpoint"), Error);
  {
    std::fstream io(dir / "n", std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(30);
    io.put('X');
  }
  try {
    read_train_file(dir / "n", "network");
    ADD_FAILURE() << "a corrupt file was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
  std::filesystem::resize_file(dir / "n", 10);
  EXPECT_THROW(read_train_file(dir / "n", "network"), Error);
  std::filesystem::remove_all(dir);
}

// The message of the scx::Error that building a trainer from `toml` throws ("" if none).
std::string config_error(const std::string& toml) {
  try {
    TrainConfig c = parse_train_config(toml, "bad.toml");
    c.input = {1, 28, 28};
    c.classes = 10;
    Trainer t(c);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Trainer, BadConfigurationNamesTheField) {
  EXPECT_THAT(config_error("[[layers]]\ntype = \"dens\"\nout = 10\n"),
              testing::AllOf(testing::HasSubstr("bad.toml:2"), testing::HasSubstr("layers[0].type"),
                             testing::HasSubstr("did you mean 'dense'")));
  EXPECT_THAT(config_error("[[layers]]\ntype = \"dense\"\nout = 10\n"),
              testing::AllOf(testing::HasSubstr("layers[0].type"), testing::HasSubstr("flatten")));
  EXPECT_THAT(config_error("[[layers]]\ntype = \"conv\"\nout = 4\nkernel = 30\n"),
              testing::AllOf(testing::HasSubstr("bad.toml:1"), testing::HasSubstr("layers[0].kernel")));
  EXPECT_THAT(config_error("[[layers]]\ntype = \"conv\"\nout = 4\nkernel = 3\ngroups = 2\n"),
              testing::AllOf(testing::HasSubstr("layers[0].groups"), testing::HasSubstr("1 input")));
  EXPECT_THAT(config_error("[[layers]]\ntype = \"conv\"\nout = 4\nkernel = 3\ngroups = 0\n"),
              testing::HasSubstr("layers[0].groups"));
  EXPECT_THAT(config_error("[[layers]]\ntype = \"flatten\"\n[[layers]]\ntype = \"dense\"\nout = 7\n"),
              testing::AllOf(testing::HasSubstr("layers[1].out"), testing::HasSubstr("10 classes")));
  EXPECT_THAT(
      config_error("[[layers]]\ntype = \"sumpool\"\nsize = 2\n[[layers]]\ntype = \"sumpool\"\nsize = 20\n"),
      testing::HasSubstr("layers[1].kernel"));
  EXPECT_THAT(config_error("[training]\nbatch = 3\n[[layers]]\ntype = \"flatten\"\n"),
              testing::AllOf(testing::HasSubstr("training.batch"), testing::HasSubstr("batch_size")));
  EXPECT_THAT(
      config_error("[quantization]\nkind = \"truenorth\"\nlevels = 3\n[[layers]]\ntype = \"flatten\"\n"),
      testing::HasSubstr("quantization.levels"));
  EXPECT_THAT(
      config_error("[[layers]]\ntype = \"flatten\"\n[[layers]]\ntype = \"dense\"\nout = 10\nlevels = 3\n"),
      testing::AllOf(testing::HasSubstr("bad.toml:6"), testing::HasSubstr("layers[1].levels")));
  EXPECT_THAT(
      config_error("[[layers]]\ntype = \"flatten\"\n[[layers]]\ntype = \"dense\"\nout = 10\nlevels = 4\n"),
      testing::AllOf(testing::HasSubstr("layers[1].levels"), testing::HasSubstr("truenorth")));
  EXPECT_THAT(config_error("[training]\nema_decay = 1.0\n[[layers]]\ntype = \"flatten\"\n"),
              testing::HasSubstr("training.ema_decay"));
  EXPECT_THAT(config_error("[encoding]\nsteps = 0\n[[layers]]\ntype = \"flatten\"\n"),
              testing::HasSubstr("encoding.steps"));
  EXPECT_THAT(config_error(
                  "[neuron]\ndu = 1.5\n[[layers]]\ntype = \"flatten\"\n[[layers]]\ntype=\"dense\"\nout=10\n"),
              testing::HasSubstr("layers[1].du"));
  EXPECT_THAT(config_error("epochs = 3\n[[layers]]\ntype = \"flatten\"\n"), testing::HasSubstr("epochs"));
  EXPECT_THAT(config_error("[training]\n"), testing::HasSubstr("layers"));
  EXPECT_THAT(config_error("[training]\nshift = 9\n[[layers]]\ntype = \"flatten\"\n"),
              testing::HasSubstr("training.shift"));
  EXPECT_THAT(config_error("[optimizer]\nweight_decay = -0.1\n[[layers]]\ntype = \"flatten\"\n"),
              testing::HasSubstr("optimizer.weight_decay"));
  EXPECT_THAT(config_error("[training]\nflip = 1\n[[layers]]\ntype = \"flatten\"\n"),
              testing::HasSubstr("training.flip"));
  EXPECT_THAT(config_error("[optimizer]\nlr_decay = 1.5\n[[layers]]\ntype = \"flatten\"\n"),
              testing::AllOf(testing::HasSubstr("bad.toml:2"), testing::HasSubstr("optimizer.lr_decay")));
  EXPECT_THAT(config_error("[encoding]\nkind = \"direct\"\nbits = 9\n[[layers]]\ntype = \"flatten\"\n"),
              testing::HasSubstr("encoding.bits"));
  EXPECT_THAT(config_error("[[layers]]\ntype = \"flatten\"\ndropout = 1.0\n"),
              testing::AllOf(testing::HasSubstr("bad.toml:3"), testing::HasSubstr("layers[0].dropout")));
  EXPECT_THAT(config_error("[[layers]]\ntype = \"flatten\"\n[[layers]]\ntype = \"dense\"\nout = 10\n"
                           "dropout = 0.5\n"),
              testing::AllOf(testing::HasSubstr("layers[1]"), testing::HasSubstr("dropout"),
                             testing::HasSubstr("output layer")));
}

}  // namespace
}  // namespace scx::train

namespace scx::train {
namespace {

// The shipped configurations stay valid: they parse and their networks fit Fashion-MNIST.
TEST(Trainer, ShippedConfigurationsBuild) {
  size_t n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(SCX_SOURCE_DIR) / "configs/train")) {
    if (e.path().extension() != ".toml") continue;
    TrainConfig c = read_train_config(e.path());
    c.input = {1, 28, 28};
    c.classes = 10;
    EXPECT_NO_THROW(Trainer t(c)) << e.path();
    ++n;
  }
  EXPECT_GE(n, 2u);
}

}  // namespace
}  // namespace scx::train

namespace scx::train {
namespace {

TEST(Trainer, ShiftNeedsAnImage) {
  TrainConfig c = toy_config();  // flat spike-pattern inputs
  c.train.shift = 1;
  EXPECT_THAT([&] { Trainer t(c); }, ThrowsMessage<Error>(testing::HasSubstr("training.shift")));
  c.train.shift = 0;
  c.train.flip = true;
  EXPECT_THAT([&] { Trainer t(c); }, ThrowsMessage<Error>(testing::HasSubstr("training.flip")));
}

TEST(Adam, LearningRateDecaysPerEpoch) {
  AdamSpec spec;
  spec.lr = 0.1f;
  spec.lr_decay = 0.5f;
  // With a constant gradient Adam's first step is lr in size; epoch k scales it by 0.5^k.
  for (int epoch : {0, 1, 3}) {
    Adam adam(spec, 1);
    adam.set_epoch(epoch);
    std::vector<float> p{1.0f};
    adam.step(p, {2.0f});
    EXPECT_NEAR(1.0f - p[0], 0.1 * std::pow(0.5, epoch), 1e-6) << "epoch " << epoch;
  }
}

TEST(Adam, WeightDecayIsDecoupledFromTheGradient) {
  AdamSpec spec;
  spec.lr = 0.1f;
  spec.lr_decay = 0.5f;
  spec.weight_decay = 0.2f;
  Adam adam(spec, 2);
  adam.set_epoch(1);  // lr 0.05: each step keeps 1 - 0.05 * 0.2 = 0.99 of a parameter
  std::vector<float> p{3.0f, -2.0f};
  adam.step(p, {0.0f, 4.0f});
  EXPECT_FLOAT_EQ(p[0], 3.0f * 0.99f) << "no gradient: only the decay";
  EXPECT_NEAR(p[1], -2.0f * 0.99f - 0.05f, 1e-6) << "the Adam step is not scaled by the decay";
}

}  // namespace
}  // namespace scx::train
