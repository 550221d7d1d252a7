#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io_test_util.hpp"
#include "silicortex/io/recording.hpp"
#include "xml_check.hpp"

namespace scx::io {
namespace {

std::string plot_cmd(const std::string& args) {
  return std::string(SCX_CLI_PATH) + " plot " + args + " 2>/dev/null";
}

TEST(PlotCli, WritesTheRequestedFigures) {
  testing::TempDir dir;
  const auto rec = dir / "run.h5";
  write_run_h5(rec, testing::sample_run());
  const auto raster = dir / "raster.svg", rates = dir / "rates.svg", traces = dir / "traces.svg";
  ASSERT_EQ(
      testing::shell(plot_cmd(rec.string() + " --raster " + raster.string() + " --rates " + rates.string() +
                              " --traces " + traces.string() + " --bin-ms 10 --t-stop 80 >/dev/null")),
      0);
  for (const auto& p : {raster, rates, traces}) {
    ASSERT_TRUE(std::filesystem::exists(p)) << p;
    EXPECT_EQ(testing::tag_balance_error(testing::read_file(p)), "") << p;
  }
  EXPECT_EQ(dir.entries(), 4u);  // no temporary files left
}

TEST(PlotCli, FailuresExitNonZeroAndWriteNothing) {
  testing::TempDir dir;
  const auto out = dir / "raster.svg";
  EXPECT_NE(testing::shell(plot_cmd((dir / "missing.h5").string() + " --raster " + out.string())), 0);
  testing::write_file(dir / "bad.h5", "not hdf5");
  EXPECT_NE(testing::shell(plot_cmd((dir / "bad.h5").string() + " --raster " + out.string())), 0);
  write_run_h5(dir / "run.h5", testing::sample_run());
  EXPECT_NE(testing::shell(plot_cmd((dir / "run.h5").string())), 0);  // no output requested
  EXPECT_NE(testing::shell(plot_cmd((dir / "run.h5").string() + " --rates " + out.string() + " --bin-ms 0")),
            0);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(dir.entries(), 2u);  // bad.h5 and run.h5 only
}

}  // namespace
}  // namespace scx::io
