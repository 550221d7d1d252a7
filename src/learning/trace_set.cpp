#include "silicortex/learning/trace_set.hpp"

#include "silicortex/core/error.hpp"

namespace scx::learning {

TraceSet::TraceSet(std::initializer_list<double> tau_ms, double dt_ms, bool nearest) : nearest_(nearest) {
  SCX_ASSERT(tau_ms.size() <= 3);
  for (double tau : tau_ms) {
    tau_steps_[count_] = tau / dt_ms;
    auto& table = decay_[count_];
    table.resize(kTableSteps);
    for (uint64_t n = 0; n < kTableSteps; ++n) table[n] = std::exp(-double(n) / tau_steps_[count_]);
    ++count_;
  }
}

}  // namespace scx::learning
