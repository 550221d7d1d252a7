#pragma once
// Plasticity inside the reference engine. Thread-local like everything else: a thread updates only the
// synapses it owns (those onto its own neurons), on pre spikes through its CSR rows and on post spikes
// through a transposed index built once. Traces are per plastic projection, kept lazily (value after the last
// spike, decayed on reading) and double-buffered by step parity: the owner of a neuron folds the spikes of
// step s into buffer (s+1)&1 at the start of step s+1, while every thread reads buffer s&1 in the learning
// pass of step s. Reads therefore never race with writes and see the same values for any partition
// (docs/design/learning.md).
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "silicortex/learning/rule.hpp"
#include "silicortex/model/network.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::sim {

struct ThreadState;
struct GroupSlot;

class PlasticityRuntime {
 public:
  struct Projection {
    std::string name;
    uint32_t pre_group, post_group;
    uint32_t pre_offset, post_offset;  // global index of the first neuron
    int plastic = -1;                  // index into plastic_, or -1
  };

  // Called after the CSRs are built with SynapseStore::projection filled.
  PlasticityRuntime(const model::Network& net, const std::vector<GroupSlot>& groups,
                    const std::vector<ThreadState>& threads, uint32_t neurons_total, double dt_ms);

  // Start of step `step`, before the update phase: fold the owner's spikes of step-1 into the traces.
  void begin_step(const std::vector<GroupSlot>& groups, const ThreadState& ts, int64_t step);
  // After the deliver phase of `step`: weight and tag updates of this thread's plastic synapses.
  void learn(const std::vector<GroupSlot>& groups, const std::vector<ThreadState>& all, ThreadState& ts,
             unsigned thread, int64_t step);

  void set_reward(double value, int64_t step) { reward_value_ = value, reward_step_ = step; }
  void set_learning_rate(double scale) {
    for (auto& pl : plastic_) pl.rule.set_rate(scale);
  }
  // Forgets all spikes: traces to 0 (Engine::reset_state).
  void reset_traces();
  // Frozen: learn() changes nothing (traces are still kept).
  void set_enabled(bool enabled) { enabled_ = enabled; }
  ProjectionWeights weights(const std::string& projection, const std::vector<ThreadState>& threads) const;
  void normalize(const std::string& projection, double target_sum, std::vector<ThreadState>& threads);
  // Weights in the order weights() lists them.
  void set_weights(const std::string& projection, const std::vector<double>& weights,
                   std::vector<ThreadState>& threads);

 private:
  struct Plastic {
    learning::Rule rule;
    uint32_t pre_size, post_size;
    std::vector<double> x[2], y[2];  // [buffer][neuron * kPre/PostTraces + k], values after the last spike
  };
  struct PerThread {
    std::vector<double> w, tag;  // per CSR synapse: weight in double, tag (eligibility)
    std::vector<uint64_t>
        post_begin;                  // transposed index over global post neurons: [begin, end) into post_syn
    std::vector<uint64_t> post_syn;  // CSR positions, by post neuron
    std::vector<uint32_t> post_pre;  // global pre index of each post_syn entry
    std::vector<uint64_t> every_step;  // CSR positions of synapses with every-step rules
    std::vector<uint8_t> post_spiked;  // by global neuron, own neurons only
  };

  size_t find(const std::string& projection) const;  // throws for an unknown name
  struct SynapseRef {
    uint32_t thread;
    uint64_t csr;
  };
  // The synapses of projection p sorted by (pre, post), the order of weights(); fills indices' pre and post
  // when given.
  std::vector<SynapseRef> sorted_synapses(size_t p, const std::vector<ThreadState>& threads,
                                          ProjectionWeights* indices) const;
  // Global post neuron of a ring index (receptor * neurons_total + neuron), without a division.
  uint32_t post_of(uint32_t ring_index) const {
    return ring_index >= neurons_total_ ? ring_index - neurons_total_ : ring_index;
  }
  void fill_vars(const Plastic& pl, uint32_t pre_global, uint32_t post_global, const Projection& pr, int buf,
                 int64_t step, uint32_t needs, learning::VarValues& v) const;
  void fold_spikes(const std::vector<GroupSlot>& groups, const std::vector<uint32_t>& spikes, uint32_t group,
                   int from, int to, int64_t step, bool spiked_now);

  std::vector<Projection> projections_;
  std::vector<Plastic> plastic_;
  std::vector<std::vector<uint32_t>> plastic_pre_of_, plastic_post_of_;  // per group: plastic projections
  std::vector<uint8_t> group_involved_;
  std::vector<int64_t> last_spike_[2];  // [buffer][global neuron]
  std::vector<PerThread> per_thread_;
  // Per plastic projection and trace buffer: whether some post neuron's stored y may be non-zero (set by the
  // owners when they fold post spikes in, cleared by reset_traces), and whether all its weights are within
  // bounds. Together with Rule::pre_inert_without_y1 they let a thread skip the pre spikes of a quiet
  // projection at once.
  std::unique_ptr<std::atomic<uint8_t>[]> post_active_;
  std::vector<uint8_t> in_bounds_;
  void init_quiet(const std::vector<ThreadState>& threads);
  void check_bounds(const std::vector<ThreadState>& threads);
  bool pre_quiet(uint32_t plastic, int buf) const {
    return plastic_[plastic].rule.pre_inert_without_y1() && in_bounds_[plastic] &&
           !post_active_[2 * plastic + buf].load(std::memory_order_relaxed);
  }
  uint32_t neurons_total_;
  bool enabled_ = true;
  double reward_value_ = 0;
  int64_t reward_step_ = 0;
};

}  // namespace scx::sim
