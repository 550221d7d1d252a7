#pragma once
// A progress bar on stderr, shown only when stderr is a terminal and the work lasts longer than a second.
#include <chrono>
#include <cstdint>
#include <string>

namespace scx {

class ProgressBar {
 public:
  ProgressBar(std::string label, uint64_t total, bool enabled = true);
  ~ProgressBar();
  // Cheap to call often: redraws at most ten times a second. `suffix` is shown after the bar (e.g. "loss
  // 0.31").
  void update(uint64_t done, const std::string& suffix = {});
  void finish();

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace scx
