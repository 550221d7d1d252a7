// `silicortex devices sweep|learn` end to end: a small untrained network on the first Fashion-MNIST images
// (skipped where the dataset is not installed), and a bad profile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "../cli/cli_runner.hpp"
#include "silicortex/train/config.hpp"
#include "silicortex/train/trainer.hpp"

namespace scx::test {
namespace {

const std::string kFashion = "/usr/share/datasets/fashion-mnist/";
const std::string kProfile = std::string(SCX_SOURCE_DIR) + "/devices/rram_agsi.toml";

constexpr const char* kConfig = R"(
[encoding]
steps = 4
[[layers]]
type = "flatten"
[[layers]]
type = "dense"
out = 16
[[layers]]
type = "dense"
out = 10
[training]
init_gain = 3.0
)";

// The accuracy column of the line starting with `axis`.
double accuracy_of(const std::string& out, const std::string& axis) {
  std::smatch m;
  const std::regex re("\\n" + axis + " +\\S+ +([0-9.]+)%");
  return std::regex_search(out, m, re) ? std::stod(m[1]) : -1;
}

TEST(DevicesCli, SweepAndLearnPrintEveryPointAndWriteTheFigure) {
  if (!std::filesystem::exists(kFashion + "t10k-images-idx3-ubyte.gz")) GTEST_SKIP() << "no Fashion-MNIST";
  const auto dir = fresh_dir("devices_cli");
  train::TrainConfig cfg = train::parse_train_config(kConfig, "tiny.toml");
  cfg.input = {1, 28, 28};
  cfg.classes = 10;
  train::Trainer(cfg).save_network(dir / "tiny.scxnet", 0);

  const std::string data = " --images " + kFashion + "t10k-images-idx3-ubyte.gz --labels " + kFashion +
                           "t10k-labels-idx1-ubyte.gz --limit 40";
  const CliResult sweep =
      run_cli("devices sweep " + (dir / "tiny.scxnet").string() + " --profile " + kProfile + data +
              " --axes levels,fault_rate --svg " + (dir / "s.svg").string());
  ASSERT_EQ(sweep.exit_code, 0) << sweep.output;
  EXPECT_THAT(sweep.output, testing::HasSubstr("\nlevels                    2 "));
  EXPECT_THAT(sweep.output, testing::HasSubstr("\nfault_rate"));
  EXPECT_THAT(sweep.output, testing::HasSubstr("\nprofile"));
  EXPECT_GE(accuracy_of(sweep.output, "digital"), 0);
  EXPECT_EQ(accuracy_of(sweep.output, "ideal"), accuracy_of(sweep.output, "digital"));
  std::ifstream svg(dir / "s.svg");
  const std::string text{std::istreambuf_iterator<char>(svg), std::istreambuf_iterator<char>()};
  EXPECT_THAT(text, testing::HasSubstr("<svg"));
  EXPECT_THAT(text, testing::HasSubstr("fault_rate"));

  const CliResult learn =
      run_cli("devices learn --profile " + kProfile + data +
              " --train-limit 100 --epochs 1 --axes levels --svg " + (dir / "l.svg").string());
  ASSERT_EQ(learn.exit_code, 0) << learn.output;
  EXPECT_THAT(learn.output, testing::HasSubstr("\nfloat"));
  EXPECT_THAT(learn.output, testing::HasSubstr("\nlevels                    4 "));
  EXPECT_TRUE(std::filesystem::exists(dir / "l.svg"));
  std::filesystem::remove_all(dir);
}

TEST(DevicesCli, BadProfileNamesFileLineAndField) {
  const auto dir = fresh_dir("devices_cli_bad");
  std::ifstream in(kProfile);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  text.replace(text.find("levels = { value = 97"), 21, "levels = { value = 1");
  write_file(dir / "bad.toml", text);
  const CliResult r = run_cli("devices learn --profile " + (dir / "bad.toml").string() + " --svg " +
                              (dir / "l.svg").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, testing::HasSubstr("bad.toml:12:20: "));
  EXPECT_THAT(r.output, testing::HasSubstr("conductance.levels: 1 is outside [2, 65536]"));
  EXPECT_FALSE(std::filesystem::exists(dir / "l.svg"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scx::test
