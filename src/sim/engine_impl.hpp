#pragma once
// The engine's lowered state: what model::Network becomes once built. Private to the sim layer.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "silicortex/core/aligned_vector.hpp"
#include "silicortex/learning/adaptive_threshold.hpp"
#include "silicortex/sim/engine.hpp"
#include "silicortex/sim/neuron_group.hpp"
#include "sim/plasticity_runtime.hpp"
#include "sim/spike_mailbox.hpp"
#include "sim/spin_barrier.hpp"
#include "sim/synapse_store.hpp"

namespace scx::sim {

struct Range {
  uint32_t begin = 0, end = 0;  // local neuron indices, 16-aligned
};

struct GroupSlot {
  std::string name;
  // One full instance of the group per thread; thread t updates only its share of instance t. Two cores never
  // work in the same arrays, so neither can pull the other's cache lines (its prefetchers cross line, not
  // ownership, boundaries: sharing arrays cost a 2-thread run more than it gained). `group` is thread 0's.
  std::unique_ptr<NeuronGroup> group;
  std::vector<std::unique_ptr<NeuronGroup>> more;  // threads 1..n-1
  NeuronGroup& instance(unsigned t) { return t == 0 ? *group : *more[t - 1]; }
  uint32_t offset = 0;          // first global index (16-aligned)
  AlignedVector<float> i_stim;  // injected current per neuron, padded; empty without current steps
  bool graded = false;          // the group sends graded_output() values, not spikes
  bool record_spikes = false;
  std::vector<uint8_t> record_mask;  // empty = record all neurons
  // Adaptive threshold: its rule, theta per neuron (each thread advances its own share) and, per instance,
  // the float copy the neuron kernel adds to its threshold.
  std::optional<learning::AdaptiveThreshold> adaptive;
  std::vector<double> theta;
  std::vector<float*> theta_of_instance;
  // Per instance: the state arrays and their values at build time, restored by Engine::reset_state.
  std::vector<std::vector<std::pair<float*, std::vector<float>>>> rest_state;
};

struct StimulusEvent {
  int64_t step;
  uint32_t group;
};

struct StateProbe {
  uint32_t group;
  std::string variable;
  int64_t interval_steps;
  std::vector<uint32_t> neurons;  // local indices
  std::vector<float> values;      // [sample][neuron] for the current run
  int64_t first_sample = 0;       // index of the run's first sample since step 0
};

// Cache-line aligned: each thread writes its own counters every step while others read its spike lists.
// Containers that one thread writes every step sit in cache lines of their own: the per-thread arrays below
// are allocated together at build time, and a line shared with another thread's data would bounce between
// cores on every write (this cost a 2-thread run several times its 1-thread time).
template <class T>
struct alignas(64) Padded : T {};
using SpikeList = Padded<std::vector<uint32_t>>;
struct alignas(64) Count {
  uint64_t n = 0;
};

// Where a synapse with a delay of its own adds: ring + ((step + delay) & mask) * slot_stride + target.
struct DelayedRing {
  float* ring;
  size_t slot_stride;
  uint32_t mask;  // ring slots - 1
  const uint16_t* delay_steps;
};

struct alignas(64) ThreadState {
  std::vector<Range> chunk;  // per group
  // Spike lists of the last 2 * block steps (a power of two: a mask, not a division, several times a step),
  // [step % size][group]: local indices, ascending. A block's lists are read by every thread during its
  // delivery while the owner already fills the next block's.
  std::vector<std::vector<SpikeList>> spike_ring;
  std::vector<SpikeList>& spikes_at(int64_t step) {
    return spike_ring[size_t(step) & (spike_ring.size() - 1)];
  }
  const std::vector<SpikeList>& spikes_at(int64_t step) const {
    return spike_ring[size_t(step) & (spike_ring.size() - 1)];
  }
  // Every thread's spikes of the current block, [source thread][step in block][group]: (local indices,
  // count).
  std::vector<std::pair<const uint32_t*, uint32_t>> inbox;
  // Graded groups' outputs of this thread's share, ring-buffered like the spike lists: [step % size][group],
  // entry i - chunk[group].begin.
  std::vector<std::vector<Padded<std::vector<float>>>> graded_ring;
  std::vector<Padded<std::vector<float>>>& graded_at(int64_t step) {
    return graded_ring[size_t(step) & (graded_ring.size() - 1)];
  }
  const std::vector<Padded<std::vector<float>>>& graded_at(int64_t step) const {
    return graded_ring[size_t(step) & (graded_ring.size() - 1)];
  }
  std::vector<Padded<std::vector<uint64_t>>> recorded;  // per group: (step << 32 | local index)
  std::vector<Count> spike_count;                       // per group
  uint64_t events = 0;
  unsigned index = 0;
  // Ring buffer [slot][receptor][global neuron]: this thread's synapses write, and its neurons read, only the
  // entries of its own share; private for the same reason as the group instances.
  AlignedVector<float> ring;  // with kPrefetchGuardBytes unused on each side: use ring_base()
  float* ring_base() { return ring.data() + kPrefetchGuardBytes / sizeof(float); }
  SynapseStore synapses;
  Padded<std::vector<uint32_t>> scratch;
};

struct CurrentStepInfo {
  uint32_t group;
  float amplitude_pa;
  int64_t start_step, stop_step;
  std::vector<uint32_t> neurons;
};

// One step's spikes of every rank (global indices), gathered by thread 0 when there are several ranks.
struct RankSpikes {
  std::vector<uint32_t> local, all;
  std::vector<size_t> rank_begin;
  std::vector<std::vector<size_t>> group_begin;  // [rank][group]: where the rank's spikes of each group start
};

struct Engine::Impl {
  Impl(const model::Network& net, std::shared_ptr<dist::Communicator> comm);

  // Building (engine_build.cpp).
  void build_groups(const model::Network& net);
  void build_synapses(const model::Network& net);
  void build_probes(const model::Network& net);
  void snapshot_rest_state(const model::Network& net);
  GroupSlot& group_named(const std::string& population);  // throws for an unknown name

  // Running (engine.cpp).
  void thread_loop(unsigned t, int64_t first, int64_t last, const RunOptions& options);
  void update_phase(ThreadState& ts, int64_t step);
  void update_group(ThreadState& ts, int64_t step, size_t g, float* slot);
  void deliver_progressive(ThreadState& ts, int64_t step);
  void exchange_block(ThreadState& ts, int64_t block, int64_t block_end);
  void deliver_phase(ThreadState& ts, int64_t step, int64_t block, int64_t block_end);
  void exchange_spikes(int64_t step);
  void deliver_graded(ThreadState& ts, int64_t step, uint32_t global_pre, float value);
  void deliver_spikes(ThreadState& ts, int64_t step, uint32_t offset, const uint32_t* spikes, uint32_t n);
  float* ring_slot(ThreadState& ts, int64_t step) const;  // this thread's ring slot of that step
  DelayedRing delayed_ring(ThreadState& ts) const;
  // Asks for the synapse rows of these spikes (local indices in group g) ahead of their delivery.
  void prefetch_rows(const ThreadState& ts, size_t g, const uint32_t* spikes, uint32_t n,
                     size_t& budget) const;
  void refresh_stimuli(ThreadState& ts, int64_t step);
  RunResult collect(int64_t first, int64_t last, double loop_wall_s);

  std::shared_ptr<dist::Communicator> comm;
  RankSpikes rank_spikes;
  std::string name;
  double dt_ms;
  double duration_ms;
  uint64_t seed;
  unsigned threads;
  std::vector<GroupSlot> groups;
  uint32_t neurons_total = 0;  // padded global index space
  uint64_t neuron_count = 0;
  uint64_t synapse_count = 0;
  uint32_t ring_slots = 1;  // power of two > max delay
  // Steps run between two barriers: the shortest synaptic delay (a spike cannot affect anyone sooner),
  // capped; 1 with plasticity or several ranks, whose bookkeeping is per step.
  uint32_t block_steps = 1;
  // The delay of every synapse when they all share one (the Brette et al. networks, most layered nets): a
  // spike then adds into one ring slot and delivery skips the per-synapse delays. 0 when delays differ.
  uint32_t uniform_delay = 0;
  std::vector<ThreadState> thread_state;
  std::vector<CurrentStepInfo> stimuli;
  std::vector<int64_t> stimulus_change_steps;  // sorted, unique
  std::vector<StateProbe> probes;
  std::unique_ptr<SpikeMailboxes> mailboxes_;  // the end-of-block exchange, with several threads
  // One-step blocks on several threads of one process, no plasticity or graded groups: each group's spikes
  // are published as soon as it is updated (SpikeMailboxes::publish_group) and delivered as they arrive.
  bool progressive = false;
  std::unique_ptr<SpinBarrier> barrier_;          // the second barrier of a step with several ranks
  std::unique_ptr<PlasticityRuntime> plasticity;  // null when no projection is plastic
  int64_t current_step = 0;
  double build_wall_s = 0;
  bool learning_enabled = true;  // weight updates and adaptive thresholds
};

}  // namespace scx::sim
