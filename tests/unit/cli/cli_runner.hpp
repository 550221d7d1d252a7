#pragma once
// Runs the built `silicortex` binary and captures its exit code and output, for end-to-end CLI tests.
#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include "support/scratch_dir.hpp"

namespace scx::test {

struct CliResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

inline CliResult run_cli(const std::string& args) {
  const std::string cmd = std::string(SCX_CLI_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A fresh, empty directory under the system temp dir, removed when the test program exits.
inline std::filesystem::path fresh_dir(const std::string& name) {
  return scratch_dir("test_" + name);
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  FILE* f = std::fopen(p.c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

}  // namespace scx::test
