// End to end: `bench truenorth` prints its figure last, `chip run` replays a saved program, bad input is one
// error line and leaves no file behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "../cli/cli_runner.hpp"

namespace scx::test {
namespace {

std::string last_line(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s.substr(s.rfind('\n') + 1);
}

TEST(ChipCli, BenchPrintsTicksPerSecondLastAndSavesAProgram) {
  const auto dir = fresh_dir("chip_cli");
  const auto program = (dir / "net.scxp").string();
  const auto bench = run_cli("bench truenorth --cores 64 --ticks 50 --threads 2 --save " + program +
                             " --links-csv " + (dir / "links.csv").string());
  ASSERT_EQ(bench.exit_code, 0) << bench.output;
  EXPECT_EQ(last_line(bench.output).rfind("ticks_per_s=", 0), 0u) << bench.output;
  EXPECT_NE(bench.output.find("average power at real-time speed"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "links.csv"));

  const auto replay = run_cli("chip run " + program + " --ticks 50");
  ASSERT_EQ(replay.exit_code, 0) << replay.output;
  // The same chip from the same state: the same spike count on the counters line.
  auto counters = [](const std::string& out) { return out.substr(out.find("spikes "), 40); };
  EXPECT_EQ(counters(replay.output), counters(bench.output));
  std::filesystem::remove_all(dir);
}

TEST(ChipCli, BenchRepeatsPrintEveryFigureAndTheBestLast) {
  const auto r = run_cli("bench truenorth --cores 16 --ticks 20 --repeats 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ticks_per_s_runs="), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ticks_per_s_median="), std::string::npos) << r.output;
  EXPECT_EQ(last_line(r.output).rfind("ticks_per_s=", 0), 0u) << r.output;
}

TEST(ChipCli, BadInputIsOneErrorLine) {
  const auto dir = fresh_dir("chip_cli_bad");
  write_file(dir / "half.scxp", "SCXPROG");
  auto r = run_cli("chip run " + (dir / "half.scxp").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("not a chip program"), std::string::npos) << r.output;
  r = run_cli("bench truenorth --chip loihi --ticks 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("is not a truenorth-model chip"), std::string::npos) << r.output;
  r = run_cli("bench truenorth --cores 64 --ticks 1 --rate 900");
  EXPECT_EQ(r.exit_code, 1);
  r = run_cli("bench truenorth --cores 64 --ticks 5 --save " + (dir / "no_such_dir" / "x.scxp").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir / "no_such_dir"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scx::test
