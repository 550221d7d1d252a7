#include "io/h5_guard.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "silicortex/core/error.hpp"

namespace scx::io {
namespace {

constexpr int kTimeLimitMs = 60000;
constexpr rlim_t kChildMemory = rlim_t{2} << 30;  // address space of the reading child

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // ASan reserves terabytes of address space: no RLIMIT_AS under it
#else
constexpr bool kSanitized = false;
#endif

void write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void child(int fd, const std::function<std::string()>& read) {
  if (!kSanitized) {
    const rlimit lim{kChildMemory, kChildMemory};
    setrlimit(RLIMIT_AS, &lim);
  }
  std::string out;
  try {
    out = "D" + read();
  } catch (const Error& e) {
    out = std::string("E") + e.what();
  } catch (const std::bad_alloc&) {
    out = "M";
  } catch (...) {
    out = "X";
  }
  write_all(fd, out);
  close(fd);
  _exit(0);
}

}  // namespace

void ByteReader::need(uint64_t n) const {
  if (n > in_.size() - pos_) throw Error("internal: truncated message from the reading process");
}

std::string read_in_child(const std::filesystem::path& file, const std::function<std::string()>& read) {
  int fds[2];
  if (pipe(fds) != 0) throw_error_at(file.string(), 0, 0, "", "cannot create a pipe to read the file safely");
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw_error_at(file.string(), 0, 0, "", "cannot start a process to read the file safely");
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], read);
  }
  close(fds[1]);
  std::string got;
  char buf[65536];
  const auto start = std::chrono::steady_clock::now();
  bool timed_out = false;
  for (;;) {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::max<int64_t>(0, kTimeLimitMs - elapsed.count())));
    if (ready == 0) {
      timed_out = true;
      break;
    }
    if (ready < 0) continue;
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out)
    throw_error_at(file.string(), 0, 0, "", "damaged HDF5 file: reading it did not finish within 60 s");
  if (!got.empty() && got[0] == 'D') return got.substr(1);
  if (!got.empty() && got[0] == 'E') throw Error(got.substr(1));
  if (!got.empty() && got[0] == 'M')
    throw_error_at(file.string(), 0, 0, "", "damaged HDF5 file: reading it needs more memory than allowed");
  throw_error_at(file.string(), 0, 0, "",
                 WIFSIGNALED(status) ? "damaged HDF5 file: the HDF5 library crashed reading it (signal " +
                                           std::to_string(WTERMSIG(status)) + ")"
                                     : "damaged HDF5 file: the HDF5 library failed reading it");
}

}  // namespace scx::io
