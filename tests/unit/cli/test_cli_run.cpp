// End-to-end: the run and bench commands, their errors, and that failures leave no output behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <sstream>

#include "cli_runner.hpp"

namespace scx::test {
namespace {

using ::testing::HasSubstr;

const char* kSmallNet = R"(
[simulation]
duration_ms = 200.0
[[population]]
name = "src"
size = 20
model = "poisson_source"
params = { rate_hz = 50.0 }
[[population]]
name = "n"
size = 10
model = "lif_curr_exp"
[[projection]]
pre = "src"
post = "n"
connector = "all_to_all"
weight = 200.0
delay_ms = 1.0
[[probe]]
population = "n"
variable = "spikes"
)";

TEST(CliRun, PrintsSummaryAndEveryCommandHasHelp) {
  const auto dir = fresh_dir("run_ok");
  write_file(dir / "net.toml", kSmallNet);
  const auto r = run_cli("run " + (dir / "net.toml").string() + " --threads 2 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("30 neurons"));
  EXPECT_THAT(r.output, HasSubstr("synaptic events per second"));
  for (const char* cmd : {"", "run", "plot", "bench", "bench coba", "bench cuba"}) {
    const auto h = run_cli(std::string(cmd) + " --help");
    EXPECT_EQ(h.exit_code, 0) << cmd;
    EXPECT_THAT(h.output, HasSubstr("Usage")) << cmd;
  }
}

TEST(CliRun, BadModelFailsWithLocationAndWritesNothing) {
  const auto dir = fresh_dir("run_bad");
  std::string bad = kSmallNet;
  bad.replace(bad.find("delay_ms = 1.0"), 14, "delay_ms = -1.0");
  write_file(dir / "bad.toml", bad);
  const auto out = dir / "out.h5";
  const auto r = run_cli("run " + (dir / "bad.toml").string() + " --out " + out.string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("bad.toml:"));
  EXPECT_THAT(r.output, HasSubstr("delay"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1) << "only bad.toml remains";

  const auto missing = run_cli("run " + (dir / "nope.toml").string());
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.output, HasSubstr("nope.toml"));
}

TEST(CliRun, NetworkTooBigForMemoryIsRefusedUpFront) {
  const auto dir = fresh_dir("run_big");
  write_file(dir / "big.toml", R"(
[[population]]
name = "huge"
size = 1000000
model = "lif_curr_exp"
[[projection]]
pre = "huge"
post = "huge"
connector = "all_to_all"
)");
  const auto r = run_cli("run " + (dir / "big.toml").string() + " --out " + (dir / "x.h5").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("does not fit in memory"));
  EXPECT_THAT(r.output, HasSubstr("huge->huge"));
  EXPECT_FALSE(std::filesystem::exists(dir / "x.h5"));
}

TEST(CliRun, UnwritableOutputIsRefusedBeforeSimulating) {
  const auto r = run_cli("run coba --duration 100 --out /nonexistent_dir/run.h5");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("/nonexistent_dir/run.h5: cannot write: directory"));
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("network coba:")));  // no summary: nothing was simulated
}

TEST(CliRun, OptionErrorsAreClear) {
  EXPECT_NE(run_cli("run models/coba.toml --threads 0").exit_code, 0);
  const auto r = run_cli("run coba --duration soon");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("--duration"));
}

TEST(CliBench, LastLineIsTheFigure) {
  const auto r = run_cli("bench cuba --duration 200ms --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto last = r.output.substr(r.output.rfind("events_per_s="));
  EXPECT_EQ(last.find('\n'), last.size() - 1) << "events_per_s is the last line";
  EXPECT_GT(std::stod(last.substr(13)), 0.0);
  EXPECT_THAT(r.output, HasSubstr("rate_hz[exc]="));
}

TEST(CliBench, RepeatsReplayTheRunAndReportTheBestLast) {
  const auto one = run_cli("bench cuba --duration 100ms");
  const auto r = run_cli("bench cuba --duration 100ms --repeats 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto value = [&](const std::string& key) {
    const size_t at = r.output.find("\n" + key + "=");
    EXPECT_NE(at, std::string::npos) << key;
    return r.output.substr(at + key.size() + 2, r.output.find('\n', at + 1) - at - key.size() - 2);
  };
  std::vector<double> runs;
  std::stringstream list(value("events_per_s_runs"));
  for (std::string x; std::getline(list, x, ',');) runs.push_back(std::stod(x));
  ASSERT_EQ(runs.size(), 3u);
  std::sort(runs.begin(), runs.end());
  EXPECT_NEAR(std::stod(value("events_per_s_median")), runs[1], 1e-5 * runs[1]);
  const auto last = r.output.substr(r.output.rfind("events_per_s="));
  EXPECT_NEAR(std::stod(last.substr(13)), runs[2], 1e-5 * runs[2]);
  // The same spikes as a single run: each repeat replays it from the start.
  EXPECT_EQ(value("spikes"), one.output.substr(one.output.find("spikes=") + 7,
                                               one.output.find('\n', one.output.find("spikes=")) -
                                                   one.output.find("spikes=") - 7));
  EXPECT_NE(run_cli("bench cuba --repeats 0").exit_code, 0);
}

}  // namespace
}  // namespace scx::test

namespace scx::test {
namespace {

TEST(CliRun, InterruptedRunLeavesNoFileBehind) {
  const auto dir = fresh_dir("run_int");
  const auto out = dir / "run.h5";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    execl(SCX_CLI_PATH, SCX_CLI_PATH, "run", "coba", "--duration", "1000", "--quiet", "--out", out.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  ::usleep(700 * 1000);  // well inside the simulation
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "status " << status;
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 0) << "no output, no temporary file";
}

}  // namespace
}  // namespace scx::test
