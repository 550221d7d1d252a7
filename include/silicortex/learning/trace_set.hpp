#pragma once
// The traces one side of a synapse keeps (pre: x1, x2; post: y1, y2, y3), stored lazily per neuron as the
// value just after its last spike and decayed on reading. Decays over short gaps come from a table of the
// same exp() values, so reading is cheap and exactly equal to the direct formula.
#include <array>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace scx::learning {

class TraceSet {
 public:
  TraceSet() = default;
  // One trace per time constant (at most 3); `nearest` resets a trace to 1 at a spike instead of adding 1.
  TraceSet(std::initializer_list<double> tau_ms, double dt_ms, bool nearest);

  int count() const { return count_; }
  bool nearest() const { return nearest_; }

  double value(int k, double stored, int64_t steps_since) const {
    if (stored == 0) return 0.0;
    const auto gap = static_cast<uint64_t>(steps_since);
    return stored * (gap < kTableSteps ? decay_[k][gap] : std::exp(-double(steps_since) / tau_steps_[k]));
  }
  double after_spike(int k, double stored, int64_t steps_since) const {
    return nearest_ ? 1.0 : value(k, stored, steps_since) + 1.0;
  }

 private:
  static constexpr uint64_t kTableSteps = 1024;
  int count_ = 0;
  bool nearest_ = false;
  std::array<double, 3> tau_steps_{};
  std::array<std::vector<double>, 3> decay_;
};

}  // namespace scx::learning
