#include "silicortex/learning/synapse_driver.hpp"

#include <algorithm>

namespace scx::learning {

namespace {

// One neuron's lazily kept traces: values just after its last spike.
struct NeuronTraces {
  std::array<double, 3> stored{};
  int64_t last = 0;

  void read(const TraceSet& set, int64_t step, double* out) const {
    for (int k = 0; k < set.count(); ++k) out[k] = set.value(k, stored[k], step - last);
  }
  void spike(const TraceSet& set, int64_t step) {
    for (int k = 0; k < set.count(); ++k) stored[k] = set.after_spike(k, stored[k], step - last);
    last = step;
  }
};

bool contains(const std::vector<int64_t>& v, int64_t s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

SynapseState drive_synapse(const Rule& rule, SynapseState state, const SynapseDrive& drive) {
  NeuronTraces pre, post;
  double reward_value = 0;
  int64_t reward_step = 0;
  for (int64_t s = 0; s < drive.steps; ++s) {
    for (const auto& [at, value] : drive.reward_events)
      if (at == s) reward_value = value, reward_step = s;
    const bool pre_spike = contains(drive.pre_steps, s), post_spike = contains(drive.post_steps, s);
    VarValues v{};
    pre.read(rule.pre_traces(), s, &v[kX1]);
    post.read(rule.post_traces(), s, &v[kY1]);
    v[kR] = rule.reward(reward_value, s - reward_step);
    if (pre_spike) {
      v[kX0] = 1, v[kY0] = post_spike ? 1 : 0, v[kW] = state.w, v[kT] = state.tag;
      rule.on_pre(v, state.w, state.tag);
    }
    if (post_spike) {
      v[kX0] = 0, v[kY0] = 1, v[kW] = state.w, v[kT] = state.tag;
      rule.on_post(v, state.w, state.tag);
    }
    if (rule.has_every_step()) {
      v[kX0] = 0, v[kY0] = 0, v[kW] = state.w, v[kT] = state.tag;
      rule.every_step(v, state.w, state.tag);
    }
    if (pre_spike) pre.spike(rule.pre_traces(), s);
    if (post_spike) post.spike(rule.post_traces(), s);
  }
  return state;
}

}  // namespace scx::learning
