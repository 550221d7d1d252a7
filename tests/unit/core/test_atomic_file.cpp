// Atomic outputs: the final name appears only when complete; a signal mid-write removes the temporary file.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <fstream>

#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "support/scratch_dir.hpp"

namespace scx {
namespace {

std::filesystem::path temp_dir(const char* name) {
  return test::scratch_dir(std::string("atomic_") + name);
}

TEST(AtomicOutput, FinalNameOnlyAfterCommit) {
  const auto dir = temp_dir("commit");
  const auto final_path = dir / "out.txt";
  {
    AtomicOutput out(final_path);
    std::ofstream(out.temp_path()) << "data";
    EXPECT_FALSE(std::filesystem::exists(final_path));
    out.commit();
  }
  EXPECT_TRUE(std::filesystem::exists(final_path));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
}

TEST(AtomicOutput, AbandonedOutputLeavesNothing) {
  const auto dir = temp_dir("abandon");
  {
    AtomicOutput out(dir / "out.txt");
    std::ofstream(out.temp_path()) << "partial";
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 0);
  EXPECT_THROW(write_text_atomically(dir / "missing_dir" / "x.txt", "x"), Error);
}

TEST(AtomicOutput, InterruptMidWriteRemovesTheTemporaryFile) {
  const auto dir = temp_dir("signal");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    install_interrupt_cleanup();
    AtomicOutput out(dir / "out.h5");
    std::ofstream(out.temp_path()) << "half written";
    std::raise(SIGINT);
    _exit(0);  // not reached
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 0);
}

}  // namespace
}  // namespace scx
