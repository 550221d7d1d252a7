// Same seed, same spikes, whatever the rank count: the CLI under mpirun against a single process.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cli_runner.hpp"
#include "silicortex/dist/communicator.hpp"
#include "silicortex/io/recording.hpp"

namespace scx::test {
namespace {

TEST(Partition, SharesTileTheRangeInOrder) {
  for (uint32_t parts : {1u, 2u, 3u, 7u}) {
    uint32_t next = 0;
    for (uint32_t p = 0; p < parts; ++p) {
      const auto s = dist::partition_share(160, 16, p, parts);
      EXPECT_EQ(s.begin, next);
      EXPECT_EQ(s.begin % 16, 0u);
      next = s.end;
    }
    EXPECT_EQ(next, 160u);
  }
}

TEST(MpiRanks, TwoRanksGiveTheSameSpikesAsOneProcess) {
  if (std::system("command -v mpirun >/dev/null 2>&1") != 0) GTEST_SKIP() << "mpirun not installed";
  const auto dir = fresh_dir("mpi");
  const std::string common = " run coba --duration 200ms --seed 5 --quiet --out ";
  ASSERT_EQ(run_cli(common + (dir / "one.h5").string()).exit_code, 0);
  // Open MPI's own allocations outlive MPI_Finalize: in a sanitizer build LeakSanitizer would fail the ranks
  // for them (memory errors are still caught).
  const std::string mpirun =
      "ASAN_OPTIONS=detect_leaks=0 mpirun --allow-run-as-root --oversubscribe -x ASAN_OPTIONS -np 2 ";
  for (const char* threads : {"1", "2"}) {
    const auto out = dir / (std::string("two_") + threads + ".h5");
    const std::string cmd = mpirun + SCX_CLI_PATH + common + out.string() + " --threads " + threads + " 2>&1";
    const int rc = std::system(cmd.c_str());
    ASSERT_EQ(rc, 0) << cmd;
    const auto one = io::read_run_h5(dir / "one.h5"), two = io::read_run_h5(out);
    ASSERT_EQ(one.spikes.size(), two.spikes.size());
    for (size_t p = 0; p < one.spikes.size(); ++p) {
      EXPECT_EQ(one.spikes[p].times_ms, two.spikes[p].times_ms)
          << "population " << p << ", threads " << threads;
      EXPECT_EQ(one.spikes[p].neurons, two.spikes[p].neurons);
      EXPECT_EQ(one.spikes[p].total_spikes, two.spikes[p].total_spikes);
    }
    EXPECT_EQ(one.meta.synaptic_events, two.meta.synaptic_events);
    EXPECT_GT(one.meta.spikes, 1000u);
  }
}

}  // namespace
}  // namespace scx::test
