#include "silicortex/core/atomic_file.hpp"

#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>

#include "silicortex/core/error.hpp"

namespace scx {
namespace {
// Temporary paths alive in this process; read by the signal handler. A plain fixed array keeps the handler
// async-signal-safe (no allocation, no locks).
constexpr int kMaxLive = 64;
char g_live_paths[kMaxLive][4096];
volatile sig_atomic_t g_live_used[kMaxLive];
std::mutex g_registry_mutex;

int register_path(const std::string& p) {
  std::lock_guard lock(g_registry_mutex);
  for (int i = 0; i < kMaxLive; ++i) {
    if (!g_live_used[i] && p.size() < sizeof(g_live_paths[i])) {
      std::snprintf(g_live_paths[i], sizeof(g_live_paths[i]), "%s", p.c_str());
      g_live_used[i] = 1;
      return i;
    }
  }
  return -1;
}

void unregister_path(int slot) {
  if (slot < 0) return;
  std::lock_guard lock(g_registry_mutex);
  g_live_used[slot] = 0;
}

extern "C" void scx_cleanup_on_signal(int sig) {
  for (int i = 0; i < kMaxLive; ++i)
    if (g_live_used[i]) ::unlink(g_live_paths[i]);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

AtomicOutput::AtomicOutput(std::filesystem::path final_path) : final_(std::move(final_path)) {
  temp_ = final_;
  temp_ += ".tmp" + std::to_string(::getpid());
  slot_ = register_path(temp_.string());
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
  unregister_path(slot_);
}

void AtomicOutput::commit() {
  std::error_code ec;
  std::filesystem::rename(temp_, final_, ec);
  if (ec) throw Error(final_.string() + ": cannot write output: " + ec.message());
  committed_ = true;
}

void check_writable(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw Error(path.string() + ": cannot write: directory '" + dir.string() + "' does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw Error(path.string() + ": cannot write: directory '" + dir.string() + "' is not writable");
  if (std::filesystem::is_directory(path, ec))
    throw Error(path.string() + ": cannot write: it is a directory");
}

void write_text_atomically(const std::filesystem::path& path, const std::string& text) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    if (!f) throw Error(path.string() + ": cannot open for writing");
    f << text;
    f.flush();
    if (!f) throw Error(path.string() + ": write failed");
  }
  out.commit();
}

void install_interrupt_cleanup() {
  std::signal(SIGINT, scx_cleanup_on_signal);
  std::signal(SIGTERM, scx_cleanup_on_signal);
}

}  // namespace scx
