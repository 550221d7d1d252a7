#pragma once
// A fresh, empty directory for a test under the system temp dir, named after the process (parallel test
// processes never share one) and removed when the test program exits, so test runs leave nothing in /tmp.
// A forked child that ends with _exit() runs no static destructors and leaves the removal to its parent.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

namespace scx::test {

inline std::filesystem::path scratch_dir(const std::string& name) {
  namespace fs = std::filesystem;
  struct Registry {
    std::mutex mutex;
    std::vector<fs::path> dirs;
    ~Registry() {
      for (const auto& d : dirs) {
        std::error_code ec;
        fs::remove_all(d, ec);
      }
    }
  };
  static Registry registry;
  auto dir = fs::temp_directory_path() / ("scx_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::lock_guard lock(registry.mutex);
  if (std::find(registry.dirs.begin(), registry.dirs.end(), dir) == registry.dirs.end())
    registry.dirs.push_back(dir);
  return dir;
}

}  // namespace scx::test
