// The step loop. Each thread owns a share of every group and the synapses onto it; one exchange of spikes per
// block of steps (sim/spike_mailbox.hpp, which is also the barrier) separates "integrate and spike" from
// "deliver spikes", or, with one-step blocks, a hand-over per group as each is updated. With several ranks,
// thread 0 also exchanges the step's spikes between ranks, behind a second barrier.
#include "silicortex/sim/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>
#include <utility>

#include "silicortex/core/error.hpp"
#include "silicortex/core/flush_denormals.hpp"
#include "silicortex/core/system.hpp"
#include "silicortex/version.hpp"
#include "sim/engine_impl.hpp"
#include "sim/spin_barrier.hpp"

namespace scx::sim {
namespace {
constexpr size_t kPrefetchLines = 2048;  // per block: 128 KiB, an eighth of this machine's L2
}  // namespace

void Engine::Impl::thread_loop(unsigned t, int64_t first, int64_t last, const RunOptions& options) {
  const FlushDenormals flush;
  ThreadState& ts = thread_state[t];
  SpinBarrier* barrier = barrier_.get();
  const bool ranks = comm->size() > 1;
  if (progressive) {  // one-step blocks, each group's spikes handed over as soon as it is updated
    for (int64_t step = first; step < last; ++step) {
      update_phase(ts, step);  // ... which publishes each group
      deliver_progressive(ts, step);
      if (t == 0 && options.progress && (step - first) % 1000 == 0)
        options.progress(step - first, last - first);
    }
    return;
  }
  // Blocks of steps: no spike reaches anyone sooner than block_steps later, so a block's updates need no
  // spike of the same block, and one barrier per block suffices. Delivery then walks the block step by step,
  // the same order as with one step per block, so results do not depend on the block length either.
  for (int64_t block = first; block < last; block += block_steps) {
    const int64_t block_end = std::min<int64_t>(block + block_steps, last);
    for (int64_t step = block; step < block_end; ++step) {
      if (plasticity) plasticity->begin_step(groups, ts, step);  // own spikes of step-1 into the traces
      update_phase(ts, step);  // integrate own neurons; spikes of this step into ts.spikes_at(step)
    }
    exchange_block(ts, block, block_end);  // all spikes of the block are now visible to every thread
    for (int64_t step = block; step < block_end; ++step) {
      if (ranks) {
        if (t == 0) exchange_spikes(step);  // ... and to every rank
        if (barrier) barrier->arrive_and_wait(t);
      }
      deliver_phase(ts, step, block, block_end);  // every spike through this thread's synapses into the ring
      if (plasticity) plasticity->learn(groups, thread_state, ts, t, step);  // this thread's plastic synapses
    }
    if (t == 0 && options.progress &&
        (block - first) / block_steps % std::max<int64_t>(1, 1000 / block_steps) == 0)
      options.progress(block - first, last - first);
  }
}

void Engine::Impl::update_phase(ThreadState& ts, int64_t step) {
  if (std::binary_search(stimulus_change_steps.begin(), stimulus_change_steps.end(), step))
    refresh_stimuli(ts, step);
  float* slot = ring_slot(ts, step);
  for (size_t g = 0; g < groups.size(); ++g) {
    update_group(ts, step, g, slot);
    if (progressive) {
      const auto& spikes = ts.spikes_at(step)[g];
      mailboxes_->publish_group(ts.index, unsigned(g), unsigned(groups.size()), spikes.data(),
                                uint32_t(spikes.size()));
      size_t budget = kPrefetchLines;
      prefetch_rows(ts, g, spikes.data(), uint32_t(spikes.size()), budget);
    }
  }
  // State probes: each thread samples the neurons it owns, after their update (time (step + 1) * dt).
  for (auto& pr : probes) {
    if ((step + 1) % pr.interval_steps != 0) continue;
    const size_t sample = static_cast<size_t>((step + 1) / pr.interval_steps - 1 - pr.first_sample);
    const float* arr = groups[pr.group].instance(ts.index).state(pr.variable);
    const Range r = ts.chunk[pr.group];
    float* row = pr.values.data() + sample * pr.neurons.size();
    for (size_t k = 0; k < pr.neurons.size(); ++k)
      if (pr.neurons[k] >= r.begin && pr.neurons[k] < r.end) row[k] = arr[pr.neurons[k]];
  }
}

void Engine::Impl::update_group(ThreadState& ts, int64_t step, size_t g, float* slot) {
  GroupSlot& gs = groups[g];
  const Range r = ts.chunk[g];
  auto& spikes = ts.spikes_at(step)[g];
  spikes.clear();
  if (r.begin == r.end) return;
  StepInput in{step, slot + gs.offset, slot + neurons_total + gs.offset,
               gs.i_stim.empty() ? nullptr : gs.i_stim.data(), ts.scratch.data()};
  NeuronGroup& group = gs.instance(ts.index);
  group.update(in, r.begin, r.end, spikes);
  if (gs.graded) {  // a copy: the owner may update the next step while others still deliver this one
    const float* out = group.graded_output();
    ts.graded_at(step)[g].assign(out + r.begin, out + r.end);
  }
  ts.spike_count[g].n += spikes.size();
  if (gs.record_spikes)
    for (uint32_t i : spikes)
      if (gs.record_mask.empty() || gs.record_mask[i]) ts.recorded[g].push_back(uint64_t(step) << 32 | i);
  if (gs.adaptive && learning_enabled)  // homeostasis: theta of the neurons just updated
    gs.adaptive->step(gs.theta.data(), gs.theta_of_instance[ts.index], r.begin, r.end, spikes);
}

// Groups in order, and within a group the threads' shares in order, as deliver_phase: each group's spikes are
// taken as soon as their owner publishes them, so the first groups are delivered while the last still cross.
// While one list is delivered, the mailbox lines of the next other thread's list are asked for: published
// by then or soon after, they arrive during the delivery instead of stalling the take.
void Engine::Impl::deliver_progressive(ThreadState& ts, int64_t step) {
  const unsigned ng = unsigned(groups.size()), nt = unsigned(thread_state.size());
  for (unsigned g = 0; g < ng; ++g) {
    const uint32_t offset = groups[g].offset;
    // The owner's own list: read for another thread's spikes only when they overflowed its mailbox, as the
    // owner rewrites it every step (reading it would pull the line across).
    auto list_of = [&](unsigned owner) {
      const auto& list = thread_state[owner].spikes_at(step)[g];
      return std::pair<const uint32_t*, uint32_t>{list.data(), uint32_t(list.size())};
    };
    for (unsigned u = 0; u < nt; ++u) {
      std::pair<const uint32_t*, uint32_t> in;
      if (u == ts.index) {
        in = list_of(u);
      } else {
        in = mailboxes_->take_group(ts.index, u, g);
        if (in.second == SpikeMailboxes::kOverflow) in = list_of(u);
        size_t budget = kPrefetchLines;
        prefetch_rows(ts, g, in.first, in.second, budget);
      }
      unsigned next_g = g, next_u = u + 1 == ts.index ? u + 2 : u + 1;
      if (next_u >= nt) ++next_g, next_u = ts.index == 0 ? 1 : 0;
      if (next_g < ng) mailboxes_->prefetch_group(ts.index, next_u, next_g);
      deliver_spikes(ts, step, offset, in.first, in.second);
    }
  }
}

// Calls fn with the reader of this store's synapse layout (synapse_store.hpp), so that each layout gets its
// own delivery loop.
template <class Fn>
void with_targets(const SynapseStore& syn, const Fn& fn) {
  if (!syn.code16.empty())
    fn(packed_targets(syn.code16, syn));
  else if (!syn.code32.empty())
    fn(packed_targets(syn.code32, syn));
  else
    fn(WideTargets{syn.target.data()});
}

namespace {
// One pre neuron's synapses [b, e) into a ring slot (one delay for all) or into the ring (a delay each):
// each weight for a spike, weight x value for a graded output (kGraded). Free functions on plain values, so
// the slot pointer and the counters stay in registers across a list's rows.
template <bool kGraded, class Targets>
inline void add_row(float* __restrict slot, const Targets& target, uint64_t b, uint64_t e, float value) {
  for (uint64_t k = b; k < e; ++k)
    slot[target.index(k)] += kGraded ? target.weight(k) * value : target.weight(k);
}

template <bool kGraded, class Targets>
inline void add_row(const DelayedRing& r, int64_t step, const Targets& target, uint64_t b, uint64_t e,
                    float value) {
  for (uint64_t k = b; k < e; ++k)
    r.ring[((step + r.delay_steps[k]) & r.mask) * r.slot_stride + target.index(k)] +=
        kGraded ? target.weight(k) * value : target.weight(k);
}
}  // namespace

float* Engine::Impl::ring_slot(ThreadState& ts, int64_t step) const {
  return ts.ring_base() + size_t(step & (ring_slots - 1)) * 2 * size_t(neurons_total);
}

DelayedRing Engine::Impl::delayed_ring(ThreadState& ts) const {
  return {ts.ring_base(), 2 * size_t(neurons_total), ring_slots - 1, ts.synapses.delay_steps.data()};
}

// A graded group's value through one pre neuron's synapses: weight x value into the ring.
void Engine::Impl::deliver_graded(ThreadState& ts, int64_t step, uint32_t global_pre, float value) {
  const SynapseStore& syn = ts.synapses;
  const uint64_t b = syn.row_begin[global_pre], e = syn.row_begin[global_pre + 1];
  with_targets(syn, [&](const auto& targets) {
    if (uniform_delay)
      add_row<true>(ring_slot(ts, step + uniform_delay), targets, b, e, value);
    else
      add_row<true>(delayed_ring(ts), step, targets, b, e, value);
  });
  ts.events += e - b;
}

// A list of spikes (global pre index = offset + entry): the layout and delay mode chosen once for the list.
void Engine::Impl::deliver_spikes(ThreadState& ts, int64_t step, uint32_t offset, const uint32_t* spikes,
                                  uint32_t n) {
  if (n == 0) return;
  const SynapseStore& syn = ts.synapses;
  const uint64_t* row = syn.row_begin.data();
  uint64_t events = 0;
  auto each_row = [&](const auto& add) {
    for (uint32_t k = 0; k < n; ++k) {
      const uint64_t b = row[offset + spikes[k]], e = row[offset + spikes[k] + 1];
      add(b, e);
      events += e - b;
    }
  };
  with_targets(syn, [&](const auto& targets) {
    if (uniform_delay) {
      float* slot = ring_slot(ts, step + uniform_delay);
      each_row([&](uint64_t b, uint64_t e) { add_row<false>(slot, targets, b, e, 1.0f); });
    } else {
      const DelayedRing ring = delayed_ring(ts);
      each_row([&](uint64_t b, uint64_t e) { add_row<false>(ring, step, targets, b, e, 1.0f); });
    }
  });
  ts.events += events;
}

// Rows of a few spikes live in a few dozen lines scattered through the CSR (mostly in L3): fetching them
// all at once, before the first is needed, overlaps their latencies, and this thread's own spikes' rows
// arrive while it waits for the others. A budget of lines keeps big blocks from flushing the L2.
void Engine::Impl::prefetch_rows(const ThreadState& ts, size_t g, const uint32_t* spikes, uint32_t n,
                                 size_t& budget) const {
  const SynapseStore& syn = ts.synapses;
  const uint32_t offset = groups[g].offset;
  for (uint32_t k = 0; k < n && budget > 0; ++k) {
    const uint64_t b = syn.row_begin[offset + spikes[k]], e = syn.row_begin[offset + spikes[k] + 1];
    const char *first = syn.synapse_bytes(b), *last = syn.synapse_bytes(e);
    for (const char* line = first; line < last && budget > 0; line += 64, --budget)
      __builtin_prefetch(line, 0, 2);
    if (!uniform_delay && b < e) __builtin_prefetch(syn.delay_steps.data() + b, 0, 2);
  }
}

// Publishes this thread's spikes of the block and collects everyone's: through the mailboxes with several
// threads (one cache-line transfer per thread in the common case), from the spike lists otherwise.
void Engine::Impl::exchange_block(ThreadState& ts, int64_t block, int64_t block_end) {
  const size_t steps = size_t(block_end - block), ng = groups.size(), header = 1 + steps * ng;
  size_t prefetch_budget = kPrefetchLines;
  auto prefetch_own_rows = [&] {  // after publishing: the others should not wait for these loads
    for (size_t s = 0; s < steps; ++s)
      for (size_t g = 0; g < ng; ++g) {
        const auto& own = ts.spikes_at(block + int64_t(s))[g];
        if (!groups[g].graded) prefetch_rows(ts, g, own.data(), uint32_t(own.size()), prefetch_budget);
      }
  };
  if (mailboxes_) {
    uint32_t* w = mailboxes_->draft(ts.index);
    size_t k = header;
    for (size_t s = 0; s < steps; ++s)
      for (size_t g = 0; g < ng; ++g) k += ts.spikes_at(block + int64_t(s))[g].size();
    if (k > SpikeMailboxes::kWords) {
      w[0] = SpikeMailboxes::kOverflow;
    } else {
      w[0] = uint32_t(k);
      k = header;
      for (size_t s = 0; s < steps; ++s) {
        for (size_t g = 0; g < ng; ++g) {
          const auto& list = ts.spikes_at(block + int64_t(s))[g];
          w[1 + s * ng + g] = uint32_t(list.size());
          std::copy(list.begin(), list.end(), w + k);
          k += list.size();
        }
      }
    }
    mailboxes_->publish(ts.index);
    prefetch_own_rows();
    mailboxes_->wait_for_others(ts.index);
  } else {
    prefetch_own_rows();
  }
  ts.inbox.resize(thread_state.size() * steps * ng);
  auto* in = ts.inbox.data();
  for (unsigned u = 0; u < thread_state.size(); ++u) {
    const uint32_t* p = mailboxes_ ? mailboxes_->received(ts.index, u) : nullptr;
    size_t k = header;
    for (size_t s = 0; s < steps; ++s) {
      for (size_t g = 0; g < ng; ++g, ++in) {
        if (p && p[0] != SpikeMailboxes::kOverflow) {
          *in = {p + k, p[1 + s * ng + g]};
          k += in->second;
        } else {
          const auto& list = thread_state[u].spikes_at(block + int64_t(s))[g];
          *in = {list.data(), uint32_t(list.size())};
        }
        if (u != ts.index && !groups[g].graded) prefetch_rows(ts, g, in->first, in->second, prefetch_budget);
      }
    }
  }
}

// Spikes in ascending global index (groups in order; within a group the ranks', then the threads', shares in
// order), so each neuron sums its input in the same order whatever the thread and rank counts.
void Engine::Impl::deliver_phase(ThreadState& ts, int64_t step, int64_t block, int64_t block_end) {
  const size_t steps = size_t(block_end - block), ng = groups.size(), s = size_t(step - block);
  for (size_t g = 0; g < ng; ++g) {
    if (comm->size() > 1) {
      const auto& rs = rank_spikes;
      for (size_t r = 0; r + 1 < rs.rank_begin.size(); ++r)
        deliver_spikes(ts, step, 0, rs.all.data() + rs.group_begin[r][g],
                       uint32_t(rs.group_begin[r][g + 1] - rs.group_begin[r][g]));
      continue;
    }
    const uint32_t offset = groups[g].offset;
    if (groups[g].graded) {  // every nonzero value, in the same ascending order as spikes
      const uint32_t size = groups[g].group->size();
      for (const ThreadState& src : thread_state) {
        const auto& values = src.graded_at(step)[g];
        const uint32_t begin = src.chunk[g].begin;
        for (uint32_t k = 0; k < values.size() && begin + k < size; ++k)
          if (values[k] != 0.0f) deliver_graded(ts, step, offset + begin + k, values[k]);
      }
      continue;
    }
    for (size_t u = 0; u < thread_state.size(); ++u) {
      const auto [spikes, n] = ts.inbox[(u * steps + s) * ng + g];
      deliver_spikes(ts, step, offset, spikes, n);
    }
  }
}

void Engine::Impl::exchange_spikes(int64_t step) {
  RankSpikes& rs = rank_spikes;
  rs.local.clear();
  for (size_t g = 0; g < groups.size(); ++g)
    for (const ThreadState& src : thread_state)
      for (uint32_t i : src.spikes_at(step)[g]) rs.local.push_back(groups[g].offset + i);
  comm->all_gather(rs.local, rs.all, rs.rank_begin);
  // Each rank's part is ascending; find where each group's spikes start within it.
  const size_t ranks = rs.rank_begin.size() - 1;
  rs.group_begin.resize(ranks);
  for (size_t r = 0; r < ranks; ++r) {
    auto& gb = rs.group_begin[r];
    gb.resize(groups.size() + 1);
    for (size_t g = 0; g < groups.size(); ++g)
      gb[g] = std::lower_bound(rs.all.begin() + rs.rank_begin[r], rs.all.begin() + rs.rank_begin[r + 1],
                               groups[g].offset) -
              rs.all.begin();
    gb[groups.size()] = rs.rank_begin[r + 1];
  }
}

void Engine::Impl::refresh_stimuli(ThreadState& ts, int64_t step) {
  // Recomputed from the active stimuli rather than incremented, so no rounding residue builds up.
  for (size_t g = 0; g < groups.size(); ++g) {
    const Range r = ts.chunk[g];
    bool touched = false;
    for (const auto& st : stimuli) touched |= st.group == g;
    if (!touched) continue;
    float* i_stim = groups[g].i_stim.data();
    std::fill(i_stim + r.begin, i_stim + r.end, 0.0f);
    for (const auto& st : stimuli) {
      if (st.group != g || step < st.start_step || step >= st.stop_step) continue;
      if (st.neurons.empty()) {
        for (uint32_t i = r.begin; i < r.end; ++i) i_stim[i] += st.amplitude_pa;
      } else {
        for (uint32_t i : st.neurons)
          if (i >= r.begin && i < r.end) i_stim[i] += st.amplitude_pa;
      }
    }
  }
}

RunResult Engine::Impl::collect(int64_t first, int64_t last, double loop_wall_s) {
  RunResult res;
  auto& m = res.meta;
  m.model_name = name;
  m.version = kVersion;
  m.seed = seed;
  m.dt_ms = dt_ms;
  m.duration_ms = static_cast<double>(last - first) * dt_ms;
  m.threads = threads;
  m.loop_wall_s = loop_wall_s;
  m.build_wall_s = build_wall_s;
  m.neurons = neuron_count;
  m.synapses = synapse_count;
  // Counters and recordings are per thread (and per rank): add and merge them.
  std::vector<uint64_t> counts(groups.size() + 1, 0);
  for (auto& ts : thread_state) {
    for (size_t g = 0; g < groups.size(); ++g) counts[g] += std::exchange(ts.spike_count[g].n, 0);
    counts.back() += std::exchange(ts.events, 0);
  }
  comm->sum(counts);
  m.synaptic_events = counts.back();
  for (size_t g = 0; g < groups.size(); ++g) {
    PopulationSpikes ps;
    ps.population = groups[g].name;
    ps.size = groups[g].group->size();
    ps.recorded = groups[g].record_spikes;
    ps.total_spikes = counts[g];
    std::vector<uint64_t> mine, all;
    for (auto& ts : thread_state) {
      mine.insert(mine.end(), ts.recorded[g].begin(), ts.recorded[g].end());
      ts.recorded[g].clear();
    }
    comm->all_gather(mine, all);
    std::sort(all.begin(), all.end());  // (step, neuron) order
    ps.times_ms.reserve(all.size());
    ps.neurons.reserve(all.size());
    for (uint64_t key : all) {
      ps.times_ms.push_back(static_cast<double>(key >> 32) * dt_ms);
      ps.neurons.push_back(static_cast<uint32_t>(key));
    }
    m.spikes += ps.total_spikes;
    res.spikes.push_back(std::move(ps));
  }
  for (auto& pr : probes) {
    comm->sum(pr.values);  // each sample was written by its owner rank only
    StateTrace tr;
    tr.population = groups[pr.group].name;
    tr.variable = pr.variable;
    tr.interval_ms = static_cast<double>(pr.interval_steps) * dt_ms;
    tr.neurons = pr.neurons;
    const size_t samples = pr.values.size() / std::max<size_t>(1, pr.neurons.size());
    for (size_t s = 0; s < samples; ++s)
      tr.times_ms.push_back(static_cast<double>((pr.first_sample + s + 1) * pr.interval_steps) * dt_ms);
    tr.values = std::move(pr.values);
    pr.values.clear();
    res.traces.push_back(std::move(tr));
  }
  return res;
}

Engine::Engine(const model::Network& net, std::shared_ptr<dist::Communicator> comm)
    : impl_(std::make_unique<Impl>(net, std::move(comm))) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
uint64_t Engine::neuron_count() const {
  return impl_->neuron_count;
}
uint64_t Engine::synapse_count() const {
  return impl_->synapse_count;
}
double Engine::build_wall_s() const {
  return impl_->build_wall_s;
}

void Engine::set_reward(double value) {
  if (impl_->plasticity) impl_->plasticity->set_reward(value, impl_->current_step);
}

void Engine::set_learning_rate(double scale) {
  if (!std::isfinite(scale) || scale < 0)
    throw Error("set_learning_rate: the scale must be finite and non-negative, got " + std::to_string(scale));
  if (impl_->plasticity) impl_->plasticity->set_learning_rate(scale);
}

ProjectionWeights Engine::weights(const std::string& projection) const {
  if (!impl_->plasticity)
    throw Error("network '" + impl_->name +
                "': weights can be read back only when some projection is plastic");
  return impl_->plasticity->weights(projection, impl_->thread_state);
}

void Engine::normalize_weights(const std::string& projection, double target_sum) {
  if (!impl_->plasticity) throw Error("network '" + impl_->name + "': no projection is plastic");
  impl_->plasticity->normalize(projection, target_sum, impl_->thread_state);
}

void Engine::set_weights(const std::string& projection, const std::vector<double>& weights) {
  if (!impl_->plasticity) throw Error("network '" + impl_->name + "': no projection is plastic");
  impl_->plasticity->set_weights(projection, weights, impl_->thread_state);
}

void Engine::set_duration_ms(double duration_ms) {
  if (!std::isfinite(duration_ms) || std::llround(duration_ms / impl_->dt_ms) < 1)
    throw Error("set_duration_ms: the duration must be at least one step (" + std::to_string(impl_->dt_ms) +
                " ms), got " + std::to_string(duration_ms));
  impl_->duration_ms = duration_ms;
}

GroupSlot& Engine::Impl::group_named(const std::string& population) {
  for (auto& g : groups)
    if (g.name == population) return g;
  throw Error("network '" + name + "': no population named '" + population + "'");
}

void Engine::set_rates(const std::string& population, const std::vector<double>& rates_hz) {
  GroupSlot& slot = impl_->group_named(population);
  if (rates_hz.size() != slot.group->size())
    throw Error("set_rates: population '" + population + "' has " + std::to_string(slot.group->size()) +
                " neurons, got " + std::to_string(rates_hz.size()) + " rates");
  for (double r : rates_hz)
    if (!std::isfinite(r) || r < 0)
      throw Error("set_rates: population '" + population + "': rates must be finite and non-negative");
  for (unsigned t = 0; t < impl_->threads; ++t)
    if (!slot.instance(t).set_rates_hz(rates_hz))
      throw Error("set_rates: population '" + population + "' is not a Poisson source");
}

void Engine::reset_state() {
  Impl& im = *impl_;
  for (auto& slot : im.groups)
    for (auto& inst : slot.rest_state)
      for (auto& [arr, values] : inst) std::copy(values.begin(), values.end(), arr);
  for (auto& ts : im.thread_state) {
    std::fill(ts.ring.begin(), ts.ring.end(), 0.0f);
    for (auto& lists : ts.spike_ring)
      for (auto& l : lists) l.clear();
  }
  if (im.plasticity) im.plasticity->reset_traces();
}

int64_t Engine::step() const {
  return impl_->current_step;
}

void Engine::set_step(int64_t step) {
  if (step < 0) throw Error("set_step: the step must be non-negative, got " + std::to_string(step));
  reset_state();
  Impl& im = *impl_;
  im.current_step = step;
  // Injected currents are refreshed where a stimulus starts or stops: the new clock needs its own refresh.
  auto& changes = im.stimulus_change_steps;
  if (const auto at = std::lower_bound(changes.begin(), changes.end(), step);
      at == changes.end() || *at != step)
    changes.insert(at, step);
}

void Engine::set_learning(bool enabled) {
  impl_->learning_enabled = enabled;
  if (impl_->plasticity) impl_->plasticity->set_enabled(enabled);
}

std::vector<double> Engine::thresholds(const std::string& population) const {
  GroupSlot& slot = impl_->group_named(population);
  if (!slot.adaptive) throw Error("population '" + population + "' has no adaptive threshold");
  return {slot.theta.begin(), slot.theta.begin() + slot.group->size()};
}

void Engine::set_thresholds(const std::string& population, const std::vector<double>& theta_mv) {
  GroupSlot& slot = impl_->group_named(population);
  if (!slot.adaptive) throw Error("population '" + population + "' has no adaptive threshold");
  if (theta_mv.size() != slot.group->size())
    throw Error("set_thresholds: population '" + population + "' has " + std::to_string(slot.group->size()) +
                " neurons, got " + std::to_string(theta_mv.size()) + " values");
  std::copy(theta_mv.begin(), theta_mv.end(), slot.theta.begin());
  for (float* f : slot.theta_of_instance)
    for (size_t i = 0; i < theta_mv.size(); ++i) f[i] = static_cast<float>(theta_mv[i]);
}

RunResult Engine::run(const RunOptions& options) {
  Impl& im = *impl_;
  const int64_t first = im.current_step;
  const int64_t last = first + static_cast<int64_t>(std::llround(im.duration_ms / im.dt_ms));
  for (auto& pr : im.probes) {
    pr.first_sample = first / pr.interval_steps;
    const int64_t samples = last / pr.interval_steps - pr.first_sample;
    pr.values.assign(static_cast<size_t>(samples) * pr.neurons.size(), 0.0f);
  }
  if (first == 0)  // stimuli active from step 0 need their currents before the first update
    im.stimulus_change_steps.insert(
        std::lower_bound(im.stimulus_change_steps.begin(), im.stimulus_change_steps.end(), 0), 0);
  im.mailboxes_ = im.threads > 1 ? std::make_unique<SpikeMailboxes>(im.threads) : nullptr;
  bool graded = false;
  for (const auto& g : im.groups) graded |= g.graded;
  // Progressive hand-over hides the crossing between cores, which dominates a small network's step. When a
  // thread's synapses outgrow its L2, their rows come from farther away and delivery gains more from asking
  // for all of a step's rows at once, as the whole-step exchange does (COBA scaled to 20,000 and 40,000
  // neurons: +7 % and +16 % on 2 threads; up to 12,000, whose synapses fit, progressive stays ahead:
  // RESULTS).
  size_t synapse_bytes = 0;
  for (const auto& ts : im.thread_state)
    synapse_bytes = std::max(synapse_bytes, ts.synapses.synapse_bytes_total());
  im.progressive = im.mailboxes_ && im.block_steps == 1 && im.comm->size() == 1 && !im.plasticity &&
                   !graded && im.groups.size() <= SpikeMailboxes::kMaxGroups &&
                   synapse_bytes <= l2_cache_bytes();
  im.barrier_ = im.threads > 1 ? std::make_unique<SpinBarrier>(im.threads) : nullptr;

  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = process_cpu_s();
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < im.threads; ++t)
    workers.emplace_back([&im, t, first, last, &options] { im.thread_loop(t, first, last, options); });
  im.thread_loop(0, first, last, options);
  for (auto& w : workers) w.join();
  const double loop_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  im.current_step = last;
  RunResult res = im.collect(first, last, loop_wall);
  res.meta.wall_s = loop_wall + im.build_wall_s;
  res.meta.loop_cpu_s = process_cpu_s() - cpu0;
  if (options.progress) options.progress(last - first, last - first);
  return res;
}

}  // namespace scx::sim
