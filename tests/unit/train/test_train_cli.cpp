// `silicortex train` end to end on tiny IDX files: trains, checkpoints, resumes bit-exactly, rejects bad
// data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "../cli/cli_runner.hpp"
#include "idx_writer.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/train/trainer.hpp"

namespace scx::test {
namespace {

// 6x6 images; class 0 is bright on the left half, class 1 on the right.
void write_halves(const std::filesystem::path& dir, const std::string& name, size_t n, uint64_t seed) {
  RandomStream rng(seed, 0);
  std::vector<uint8_t> img, lab;
  for (size_t i = 0; i < n; ++i) {
    const int k = int(i % 2);
    for (int y = 0; y < 6; ++y)
      for (int x = 0; x < 6; ++x)
        img.push_back(uint8_t((x < 3) == (k == 0) ? 150 + rng.below(100) : rng.below(60)));
    lab.push_back(uint8_t(k));
  }
  write_idx(dir / (name + "-images"), {uint32_t(n), 6, 6}, img);
  write_idx(dir / (name + "-labels"), {uint32_t(n)}, lab);
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr const char* kConfig = R"(
[data]
train_images = "train-images"
train_labels = "train-labels"
test_images = "test-images"
test_labels = "test-labels"
[encoding]
steps = 6
[neuron]
model = "lif"
dv = 0.2
[[layers]]
type = "flatten"
[[layers]]
type = "dense"
out = 8
[[layers]]
type = "dense"
out = 2
[optimizer]
lr = 0.02
[training]
batch_size = 8
threads = 2
init_gain = 3.0
)";

TEST(TrainCli, TrainsCheckpointsAndResumesBitExactly) {
  const auto dir = fresh_dir("train_cli");
  write_halves(dir, "train", 48, 1);
  write_halves(dir, "test", 20, 2);
  write_file(dir / "tiny.toml", kConfig);
  const std::string cfg = (dir / "tiny.toml").string();

  const CliResult full = run_cli("train " + cfg + " -q --epochs 4 --checkpoint " + (dir / "a.ckpt").string() +
                                 " -o " + (dir / "a.scxnet").string());
  ASSERT_EQ(full.exit_code, 0) << full.output;
  EXPECT_THAT(full.output, testing::HasSubstr("epoch 4/4: loss"));
  EXPECT_THAT(full.output, testing::HasSubstr("test accuracy"));

  const std::string part_args =
      " -q --checkpoint " + (dir / "b.ckpt").string() + " -o " + (dir / "b.scxnet").string();
  const CliResult first = run_cli("train " + cfg + " --epochs 2 --threads 1" + part_args);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const CliResult rest = run_cli("train " + cfg + " --epochs 4 --resume" + part_args);
  ASSERT_EQ(rest.exit_code, 0) << rest.output;
  EXPECT_THAT(rest.output, testing::HasSubstr("resumed from"));
  EXPECT_THAT(rest.output, testing::Not(testing::HasSubstr("epoch 2/4")));
  EXPECT_EQ(read_all(dir / "a.ckpt"), read_all(dir / "b.ckpt"));
  EXPECT_EQ(read_all(dir / "a.scxnet"), read_all(dir / "b.scxnet"));
  // The NIR copy beside the network (its contents: test_nir_export.cpp).
  EXPECT_THAT(full.output, testing::HasSubstr("a.nir (NIR"));
  EXPECT_TRUE(std::filesystem::exists(dir / "a.nir"));

  const train::TrainedNetwork net = train::read_trained_network(dir / "a.scxnet");
  EXPECT_EQ(net.config.input.h, 6);
  EXPECT_EQ(net.config.classes, 2);
  EXPECT_EQ(net.config.layers.size(), 3u);
  std::filesystem::remove_all(dir);
}

TEST(TrainCli, AValidationSplitIsHeldOutAndReported) {
  const auto dir = fresh_dir("train_cli_val");
  write_halves(dir, "train", 48, 1);
  write_halves(dir, "test", 20, 2);
  std::string config = kConfig;
  const std::string labels = "test_labels = \"test-labels\"\n";
  config.replace(config.find(labels), labels.size(), labels + "validation = 16\n");
  write_file(dir / "val.toml", config);
  const CliResult r = run_cli("train " + (dir / "val.toml").string() + " -q --epochs 1 -o " +
                              (dir / "v.scxnet").string() + " --checkpoint " + (dir / "v.ckpt").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, testing::HasSubstr("32 training samples (16 more held out for validation)"));
  EXPECT_THAT(r.output, testing::HasSubstr("validation accuracy"));

  config.replace(config.find("validation = 16"), 15, "validation = 48");
  write_file(dir / "val.toml", config);
  const CliResult all = run_cli("train " + (dir / "val.toml").string() + " -q --epochs 1");
  EXPECT_EQ(all.exit_code, 1);
  EXPECT_THAT(all.output, testing::AllOf(testing::HasSubstr("data.validation"), testing::HasSubstr("48")));
  std::filesystem::remove_all(dir);
}

TEST(TrainCli, BadDataAndMissingCheckpointAreErrors) {
  const auto dir = fresh_dir("train_cli_bad");
  write_halves(dir, "train", 8, 1);
  write_halves(dir, "test", 4, 2);
  write_file(dir / "tiny.toml", kConfig);
  const std::string cfg = (dir / "tiny.toml").string();
  const CliResult no_ckpt =
      run_cli("train " + cfg + " -q --resume --checkpoint " + (dir / "none.ckpt").string());
  EXPECT_EQ(no_ckpt.exit_code, 1);
  EXPECT_THAT(no_ckpt.output, testing::HasSubstr("--resume: no checkpoint"));

  write_file(dir / "test-images", "this is not an IDX file");
  const CliResult bad = run_cli("train " + cfg + " -q");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.output, testing::AllOf(testing::HasSubstr("test-images"), testing::HasSubstr("magic")));

  write_halves(dir, "test", 4, 2);
  write_idx(dir / "test-labels", {3}, {0, 1, 0});
  const CliResult mismatch = run_cli("train " + cfg + " -q");
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_THAT(mismatch.output, testing::HasSubstr("test-"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scx::test
