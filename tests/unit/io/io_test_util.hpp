#pragma once
// Shared by the io tests: a scratch directory per test, a hand-built RunResult, and shelling out.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "silicortex/sim/run_result.hpp"

namespace scx::io::testing {

namespace fs = std::filesystem;

// A fresh empty directory named after the running test, removed at the end.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("scx_" + std::string(info->test_suite_name()) + "_" + info->name() +
                                         "_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fs::path operator/(const std::string& name) const { return path_ / name; }
  const fs::path& path() const { return path_; }
  size_t entries() const { return static_cast<size_t>(std::distance(fs::directory_iterator(path_), {})); }

 private:
  fs::path path_;
};

inline std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

inline void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f << bytes;
}

// Exit status of a shell command (-1 when it did not exit normally).
inline int shell(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline bool have_python_module(const std::string& module) {
  return fs::exists("/usr/bin/python3") &&
         shell("/usr/bin/python3 -c 'import " + module + "' 2>/dev/null") == 0;
}

// Three populations (one whose spike times were not recorded), two traces (one empty) and full metadata.
inline sim::RunResult sample_run() {
  sim::RunResult run;
  auto& m = run.meta;
  m.model_name = "sample <net> & \"friends\"";
  m.model_source = "[network]\nname = \"sample\"\n# ünïcode µs, tab\there\n";
  m.version = "0.1.0";
  m.seed = 0xDEADBEEFCAFEull;
  m.dt_ms = 0.1;
  m.duration_ms = 100;
  m.threads = 3;
  m.wall_s = 1.25;
  m.loop_wall_s = 1.0 / 3.0;
  m.build_wall_s = 0.125;
  m.neurons = 40;
  m.synapses = 123456789012ull;
  m.spikes = 9;
  m.synaptic_events = 987654321ull;

  sim::PopulationSpikes exc{"exc", 30, {0.1, 2.5, 2.5, 40.0, 99.9}, {3, 0, 29, 7, 3}, 5, true};
  sim::PopulationSpikes inh{"inh", 8, {10.0, 55.5, 77.25}, {1, 7, 0}, 3, true};
  sim::PopulationSpikes input{"input", 2, {}, {}, 1, false};
  run.spikes = {exc, inh, input};

  sim::StateTrace v{"exc", "v", 0.5, {0, 3, 29}, {}, {}};
  for (int s = 0; s < 200; ++s) {
    v.times_ms.push_back(0.5 * s);
    for (int j = 0; j < 3; ++j) v.values.push_back(-65.0f + 0.01f * static_cast<float>(s * (j + 1)));
  }
  sim::StateTrace g{"inh", "g_e", 1.0, {2}, {}, {}};
  run.traces = {v, g};
  return run;
}

}  // namespace scx::io::testing
