#include "silicortex/hw/truenorth_chip.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <thread>
#include <utility>

#include "silicortex/core/error.hpp"

namespace scx::hw {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// A barrier for one tick: the last thread to arrive runs `on_last`, then releases the others. Waiters spin
// briefly (a tick takes about a millisecond and the threads arrive close together), then sleep on the atomic.
class TickBarrier {
 public:
  explicit TickBarrier(int threads) : threads_(threads) {}
  template <typename F>
  void arrive_and_wait(F&& on_last) {
    const uint32_t gen = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == threads_) {
      on_last();
      arrived_.store(0, std::memory_order_relaxed);
      generation_.store(gen + 1, std::memory_order_release);
      generation_.notify_all();
      return;
    }
    for (int spin = 0; generation_.load(std::memory_order_acquire) == gen; ++spin) {
      if (spin < kSpins)
        cpu_relax();
      else
        generation_.wait(gen, std::memory_order_acquire);
    }
  }

 private:
  static constexpr int kSpins = 2000;
  const int threads_;
  std::atomic<int> arrived_{0};
  std::atomic<uint32_t> generation_{0};
};

}  // namespace

// A spike on its way: OR `bit` into ring_[word]. Deliveries are queued per destination thread and applied by
// that thread at the start of the next tick (every delay is at least 1), so no two threads write one word.
struct Delivery {
  size_t word;
  uint64_t bit;
};

// One per thread; aligned so that two threads' counters never share a cache line.
struct alignas(128) TrueNorthChip::Scratch {
  EventCounters counters;
  LinkTraffic traffic;
  std::vector<TnSpike> spikes;
  std::array<std::vector<std::vector<Delivery>>, 2> outbox;  // [tick parity][destination thread]
  const std::vector<int>* owner = nullptr;                   // thread of each core
  std::vector<int32_t> sent_cores;  // cores whose neurons sent packets in this run (see account_traffic)
  // The vector path leaves a core's threshold crossings pending until the next core's kernel has run, so the
  // cache misses on their routes (and cold records) overlap that work.
  bool record_spikes = false;  // only when someone listens
  int32_t pending_core = -1;
  int pending_count = 0;
  uint16_t pending[TrueNorthChip::kNeurons];  // the crossing neurons, ascending
};

TrueNorthChip::TrueNorthChip(const ChipProfile& profile, uint64_t seed)
    : profile_(profile),
      seed_(seed),
      mesh_(profile.cores_x, profile.cores_y, profile.chips_x, profile.chips_y),
      neurons_(size_t(mesh_.cores()) * kNeurons, static_cast<int>(profile.potential_bits)),
      v_init_(size_t(mesh_.cores()) * kNeurons, 0),
      routes_(size_t(mesh_.cores()) * kNeurons),
      core_sent_(size_t(mesh_.cores()), 0),
      crossbar_(size_t(mesh_.cores()) * kAxons * 4, 0),
      axon_type_(size_t(mesh_.cores()) * kAxons, 0),
      ring_(size_t(mesh_.cores()) * kDelaySlots * 4, 0),
      core_plain_(size_t(mesh_.cores()), 1),
      core_beta_min_(size_t(mesh_.cores()), 0),
      core_weight_max_(size_t(mesh_.cores()), 0),
      core_leak_(size_t(mesh_.cores()), 0),
      core_rule_(size_t(mesh_.cores())),
      core_rule_shared_(size_t(mesh_.cores()), 0),
      core_thr16_(size_t(mesh_.cores()), 0),
      threshold16_(size_t(mesh_.cores()) * kNeurons, 0),
      weight8_(size_t(mesh_.cores()) * 4 * kNeurons, 0),

      traffic_(mesh_) {
  if (profile.neuron_kind != NeuronKind::kTrueNorth || profile.neurons_per_core != kNeurons ||
      profile.axons_per_core != kAxons)
    throw Error(fmt::format("{}: chip '{}' is not a truenorth-model chip of 256 x 256 cores",
                            profile.file.string(), profile.name));
  if (mesh_.width() > kMaxMeshSide || mesh_.height() > kMaxMeshSide)
    throw Error(fmt::format("{}: chip '{}': a board of {}x{} cores is wider than the emulator's {} cores",
                            profile.file.string(), profile.name, mesh_.width(), mesh_.height(),
                            kMaxMeshSide));
}

void TrueNorthChip::check_width(const char* field, int64_t value, int64_t bits, bool is_signed, int32_t core,
                                int32_t neuron) const {
  const int64_t hi = is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
  const int64_t lo = is_signed ? -(int64_t{1} << (bits - 1)) : 0;
  if (value < lo || value > hi)
    throw Error(fmt::format(
        "core {} neuron {}: {} = {} does not fit the {} {}-bit {} range [{}, {}] of chip '{}'", core, neuron,
        field, value, is_signed ? "signed" : "unsigned", bits, field, lo, hi, profile_.name));
}

void TrueNorthChip::set_neuron(int32_t core, int32_t neuron, const TrueNorthNeuronParams& p) {
  SCX_ASSERT(core >= 0 && core < cores() && neuron >= 0 && neuron < kNeurons);
  for (int g = 0; g < 4; ++g) check_width("weight", p.weight[g], profile_.weight_bits, true, core, neuron);
  check_width("leak", p.leak, profile_.leak_bits, true, core, neuron);
  check_width("threshold", p.threshold, profile_.threshold_bits, false, core, neuron);
  check_width("neg_threshold", p.neg_threshold, profile_.threshold_bits, false, core, neuron);
  check_width("reset_value", p.reset_value, profile_.threshold_bits, true, core, neuron);
  check_width("v_init", p.v_init, profile_.potential_bits, true, core, neuron);
  check_width("threshold_mask_bits", p.threshold_mask_bits, 5, false, core, neuron);
  if (p.threshold_mask_bits > profile_.threshold_bits)
    throw Error(fmt::format("core {} neuron {}: threshold_mask_bits = {} exceeds the {}-bit threshold", core,
                            neuron, p.threshold_mask_bits, profile_.threshold_bits));
  if (p.dest.enabled) {
    if (p.dest.delay_ticks < 1 || p.dest.delay_ticks > profile_.max_delay_ticks)
      throw Error(fmt::format("core {} neuron {}: delay {} ticks is outside 1..{}", core, neuron,
                              p.dest.delay_ticks, profile_.max_delay_ticks));
    if (p.dest.axon < 0 || p.dest.axon >= kAxons)
      throw Error(
          fmt::format("core {} neuron {}: destination axon {} is outside 0..255", core, neuron, p.dest.axon));
    if (mesh_.destination(core, p.dest.dx, p.dest.dy) < 0)
      throw Error(fmt::format("core {} neuron {}: destination (dx {}, dy {}) leaves the {}x{} mesh", core,
                              neuron, p.dest.dx, p.dest.dy, mesh_.width(), mesh_.height()));
  }
  const size_t j = size_t(core) * kNeurons + neuron;
  neurons_.set(j, p);
  v_init_[j] = p.v_init;
  TnRoute r;
  if (p.dest.enabled) {
    const int32_t to = mesh_.destination(core, p.dest.dx, p.dest.dy);
    r.to_x = static_cast<int16_t>(mesh_.x(to));
    r.to_y = static_cast<int16_t>(mesh_.y(to));
    r.crossings = static_cast<uint16_t>(mesh_.chip_crossings(core, to));
    r.axon = static_cast<uint8_t>(p.dest.axon);
    r.delay = static_cast<uint8_t>(p.dest.delay_ticks);
  }
  routes_[j].route = r;
  prepared_ = false;
}

TrueNorthNeuronParams TrueNorthChip::neuron(int32_t core, int32_t neuron) const {
  const size_t j = size_t(core) * kNeurons + neuron;
  TrueNorthNeuronParams p = neurons_.get(j);
  const TnRoute& r = routes_[j].route;
  if (r.to_x >= 0) p.dest = {r.to_x - mesh_.x(core), r.to_y - mesh_.y(core), r.axon, r.delay, true};
  return p;
}

void TrueNorthChip::set_synapse(int32_t core, int32_t axon, int32_t neuron, bool connected) {
  SCX_ASSERT(core >= 0 && core < cores() && axon >= 0 && axon < kAxons && neuron >= 0 && neuron < kNeurons);
  uint64_t& word = crossbar_row(core, axon)[neuron >> 6];
  const uint64_t bit = uint64_t{1} << (neuron & 63);
  word = connected ? (word | bit) : (word & ~bit);
  prepared_ = false;
}

bool TrueNorthChip::synapse(int32_t core, int32_t axon, int32_t neuron) const {
  return (crossbar_[(size_t(core) * kAxons + axon) * 4 + (neuron >> 6)] >> (neuron & 63)) & 1;
}

void TrueNorthChip::set_axon_type(int32_t core, int32_t axon, int type) {
  if (type < 0 || type >= profile_.axon_types)
    throw Error(
        fmt::format("core {} axon {}: type {} is outside 0..{}", core, axon, type, profile_.axon_types - 1));
  axon_type_[size_t(core) * kAxons + axon] = static_cast<uint8_t>(type);
}

void TrueNorthChip::inject(int32_t core, int32_t axon, uint64_t tick) {
  if (core < 0 || core >= cores() || axon < 0 || axon >= kAxons)
    throw Error(fmt::format("input spike to core {} axon {}: no such core or axon", core, axon));
  if (tick < tick_ || tick > tick_ + kDelaySlots - 1)
    throw Error(
        fmt::format("input spike at tick {}: must lie in [{}, {}]", tick, tick_, tick_ + kDelaySlots - 1));
  ring_[(size_t(core) * kDelaySlots + (tick % kDelaySlots)) * 4 + (axon >> 6)] |= uint64_t{1} << (axon & 63);
}

void TrueNorthChip::reset_state() {
  std::copy(v_init_.begin(), v_init_.end(), neurons_.v_.begin());
  std::fill(neurons_.acc_.begin(), neurons_.acc_.end(), 0);
  std::fill(ring_.begin(), ring_.end(), 0);
}

void TrueNorthChip::prepare() {
  for (int32_t c = 0; c < cores(); ++c) {
    bool plain = true;
    for (int j = 0; j < kNeurons && plain; ++j) {
      const size_t n = size_t(c) * kNeurons + j;
      // The vector path covers deterministic synapses and leak, no leak reversal and no threshold mask.
      plain =
          (neurons_.cold_[n].flags & ~TrueNorthNeurons::kFlagNegSaturate) == 0 && neurons_.cold_[n].mask == 0;
    }
    core_plain_[c] = plain;
    int32_t beta_min = INT32_MAX, weight_max = 0, threshold_max = 0;
    core_leak_[size_t(c)] = neurons_.leak_[size_t(c) * kNeurons];
    TrueNorthNeurons::Cold& rule = core_rule_[size_t(c)];
    rule = neurons_.cold_[size_t(c) * kNeurons];
    rule.flags &= TrueNorthNeurons::kFlagNegSaturate;  // the only flag step 3 reads
    bool shared = true;
    for (int j = 0; j < kNeurons; ++j) {
      const size_t n = size_t(c) * kNeurons + j;
      const TrueNorthNeurons::Cold& cold = neurons_.cold_[n];
      shared = shared && cold.neg_threshold == rule.neg_threshold && cold.reset_value == rule.reset_value &&
               cold.reset_mode == rule.reset_mode &&
               (cold.flags & TrueNorthNeurons::kFlagNegSaturate) == rule.flags;
      if (neurons_.leak_[n] != core_leak_[size_t(c)]) core_leak_[size_t(c)] = kMixedLeak;
      beta_min = std::min(beta_min, neurons_.cold_[n].neg_threshold);
      threshold_max = std::max(threshold_max, neurons_.threshold_[n]);
      for (const auto& w : neurons_.weight_)
        weight_max = std::max<int32_t>(weight_max, std::abs(int32_t{w[n]}));
    }
    const bool thr16 = threshold_max <= INT16_MAX;  // thresholds are unsigned
    core_thr16_[size_t(c)] = thr16;
    if (thr16)
      for (int j = 0; j < kNeurons; ++j)
        threshold16_[size_t(c) * kNeurons + j] =
            static_cast<int16_t>(neurons_.threshold_[size_t(c) * kNeurons + j]);
    core_rule_shared_[size_t(c)] = shared;
    core_beta_min_[size_t(c)] = beta_min;
    core_weight_max_[size_t(c)] = weight_max;
    if (weight_max <= 127)
      for (int g = 0; g < 4; ++g)
        for (int j = 0; j < kNeurons; ++j)
          weight8_[(size_t(c) * 4 + size_t(g)) * kNeurons + size_t(j)] =
              static_cast<int8_t>(neurons_.weight_[g][size_t(c) * kNeurons + size_t(j)]);
  }
  prepared_ = true;
}

void TrueNorthChip::route_spike(int32_t core, int32_t neuron, uint64_t tick, Scratch& s) {
  ++s.counters.spikes_sent;
  if (s.record_spikes) s.spikes.push_back({uint32_t(core), uint32_t(neuron)});
  const size_t j = size_t(core) * kNeurons + size_t(neuron);
  RouteSlot& slot = routes_[j];
  const TnRoute r = slot.route;
  if (r.to_x < 0) return;
  ++slot.sent;  // hops, crossings and links: account_traffic, at the end of the run
  const int32_t to = mesh_.core_at(r.to_x, r.to_y);
  const size_t word = (size_t(to) * kDelaySlots + ((tick + r.delay) % kDelaySlots)) * 4 + (r.axon >> 6);
  s.outbox[tick & 1][size_t((*s.owner)[size_t(to)])].push_back({word, uint64_t{1} << (r.axon & 63)});
}

void TrueNorthChip::note_sender(int32_t core, Scratch& s) {
  if (core_sent_[size_t(core)] == run_serial_) return;
  core_sent_[size_t(core)] = run_serial_;
  s.sent_cores.push_back(core);
}

void TrueNorthChip::account_traffic(Scratch& s) {
  for (const int32_t core : s.sent_cores) {
    const int32_t x = mesh_.x(core), y = mesh_.y(core);
    const size_t base = size_t(core) * kNeurons;
    for (size_t j = base; j < base + kNeurons; ++j) {
      if (routes_[j].sent == 0) continue;
      const uint64_t n = std::exchange(routes_[j].sent, 0);
      const TnRoute r = routes_[j].route;
      s.counters.hops += n * uint64_t(std::abs(r.to_x - x) + std::abs(r.to_y - y));
      s.counters.chip_crossings += n * r.crossings;
      s.traffic.record(x, y, r.to_x, r.to_y, int64_t(n));
    }
  }
  s.sent_cores.clear();
}

// The crossbar rows of a core's active axons are random lines in 32 MiB. Fetched when the kernel needs them,
// they stall it once per core, and software prefetches of them did not help on the measured machine (the
// kernel still found them missing). Plain loads do arrive, and loads issued together overlap: so the rows of
// a whole group of cores are loaded at once, a group ahead of the kernels that need them (measured on the
// full chip: 1.2-1.25x the ticks per second of prefetching each core's rows 8 cores ahead).
void TrueNorthChip::load_rows(int32_t from, int32_t to, uint64_t tick) const {
  // First the rows' indices, then the loads in a loop without data-dependent branches: a mispredicted exit
  // of a bit loop no longer holds back the misses behind it (2 threads: faster in 12 of 16 alternating runs,
  // +5-7 % in the medians).
  uint32_t rows[kRowGroup * kAxons];
  size_t n = 0;
  for (int32_t core = from; core < to; ++core) {
    const uint64_t* slot = &ring_[(size_t(core) * kDelaySlots + (tick % kDelaySlots)) * 4];
    for (int w = 0; w < 4; ++w)
      for (uint64_t bits = slot[w]; bits; bits &= bits - 1)
        rows[n++] = uint32_t(size_t(core) * kAxons +
                             size_t(w * 64 + __builtin_ctzll(bits)));  // < 2^30: 2^22 cores at most
  }
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += crossbar_[size_t(rows[i]) * 4];
  asm volatile("" : : "r"(sum));  // the loads are wanted for their cache lines, not their value
}

void TrueNorthChip::finish_pending(uint64_t tick, Scratch& s) {
  if (s.pending_core < 0) return;
  const int32_t core = s.pending_core;
  const size_t base = size_t(core) * kNeurons;
  const bool thr16 = core_thr16_[size_t(core)], shared = core_rule_shared_[size_t(core)];
  if (s.pending_count > 0) note_sender(core, s);
  for (int i = 0; i < s.pending_count; ++i) {
    const int j = s.pending[i];
    const int32_t alpha = thr16 ? threshold16_[base + j] : neurons_.threshold_[base + j];
    const TrueNorthNeurons::Cold& rule = shared ? core_rule_[size_t(core)] : neurons_.cold_[base + j];
    if (neurons_.threshold_reset(base + j, neurons_.v_[base + j], alpha, 0, rule, &s.counters.saturations))
      route_spike(core, j, tick, s);
  }
  s.pending_core = -1;
}

void TrueNorthChip::process_core(int32_t core, uint64_t tick, Scratch& s) {
  uint64_t* slot = &ring_[(size_t(core) * kDelaySlots + (tick % kDelaySlots)) * 4];
  uint64_t active[4];
  for (int w = 0; w < 4; ++w) {
    active[w] = slot[w];
    slot[w] = 0;
  }
  const size_t base = size_t(core) * kNeurons;
  s.counters.neuron_updates += kNeurons;
  if (const int32_t next = core + kStreamAhead; next < cores()) {  // the copies that core's kernel will read
    const size_t ahead = size_t(next) * kNeurons;
    for (int k = 0; k < kNeurons; k += 16) __builtin_prefetch(&neurons_.v_[ahead + size_t(k)], 1);
    if (core_thr16_[size_t(next)])
      for (int k = 0; k < kNeurons; k += 32) __builtin_prefetch(&threshold16_[ahead + size_t(k)]);
    else
      for (int k = 0; k < kNeurons; k += 16) __builtin_prefetch(&neurons_.threshold_[ahead + size_t(k)]);
    if (core_weight_max_[size_t(next)] <= 127)
      for (int k = 0; k < 4 * kNeurons; k += 64) __builtin_prefetch(&weight8_[4 * ahead + size_t(k)]);
  }

  if (core_plain_[core] && !force_scalar_) {
    TnCoreView view{&neurons_.v_[base],
                    {&neurons_.weight_[0][base], &neurons_.weight_[1][base], &neurons_.weight_[2][base],
                     &neurons_.weight_[3][base]},
                    core_weight_max_[size_t(core)] <= 127 ? &weight8_[size_t(core) * 4 * kNeurons] : nullptr,
                    core_leak_[size_t(core)] == kMixedLeak ? &neurons_.leak_[base] : nullptr,
                    &neurons_.threshold_[base],
                    core_thr16_[size_t(core)] ? &threshold16_[base] : nullptr,
                    &crossbar_[size_t(core) * kAxons * 4],
                    &axon_type_[size_t(core) * kAxons],
                    neurons_.v_min(),
                    neurons_.v_max(),
                    core_beta_min_[size_t(core)],
                    core_weight_max_[size_t(core)],
                    core_leak_[size_t(core)]};
    uint64_t crossed[4], events = 0;
    s.counters.saturations += tn_core_kernel(view, active, crossed, &events);
    s.counters.synaptic_events += events;
    finish_pending(tick, s);
    // The crossings, walked once: their slots prefetched now, their resets and spikes after the next kernel.
    const bool own_rules = !core_rule_shared_[size_t(core)];
    int n = 0;
    for (int w = 0; w < 4; ++w) {
      for (uint64_t bits = crossed[w]; bits; bits &= bits - 1) {
        const int j = w * 64 + __builtin_ctzll(bits);
        s.pending[n++] = uint16_t(j);
        __builtin_prefetch(&routes_[base + size_t(j)],
                           1);  // measured: without it, 1.5-2x slower on the full chip
        if (own_rules) __builtin_prefetch(&neurons_.cold_[base + size_t(j)]);
      }
    }
    s.pending_count = n;
    s.pending_core = core;
    return;
  }
  finish_pending(tick, s);
  // Scalar reference path: axons in ascending order, then each neuron's leak, threshold and reset.
  const TnRandom rng(seed_, uint32_t(core), uint32_t(tick));
  for (int w = 0; w < 4; ++w) {
    for (uint64_t bits = active[w]; bits; bits &= bits - 1) {
      const int axon = w * 64 + __builtin_ctzll(bits);
      const int type = axon_type_[size_t(core) * kAxons + axon];
      const uint64_t* row = &crossbar_[(size_t(core) * kAxons + axon) * 4];
      for (int rw = 0; rw < 4; ++rw) {
        for (uint64_t r = row[rw]; r; r &= r - 1) {
          neurons_.integrate(base + rw * 64 + __builtin_ctzll(r), type, uint32_t(axon), rng);
          ++s.counters.synaptic_events;
        }
      }
    }
  }
  note_sender(core, s);
  for (int j = 0; j < kNeurons; ++j)
    if (neurons_.leak_threshold_reset(base + j, rng, &s.counters.saturations)) route_spike(core, j, tick, s);
}

void TrueNorthChip::run(uint64_t ticks, int threads, const SpikeSink& on_tick) {
  if (!prepared_) prepare();
  ++run_serial_;
  threads = std::clamp(threads, 1, std::max(1, cores()));
  std::vector<int> owner(static_cast<size_t>(cores()));
  auto lo_of = [&](int t) { return int32_t(int64_t(cores()) * t / threads); };
  for (int t = 0; t < threads; ++t)
    for (int32_t c = lo_of(t); c < lo_of(t + 1); ++c) owner[size_t(c)] = t;
  std::vector<Scratch> scratch(static_cast<size_t>(threads));
  for (auto& s : scratch) {
    s.traffic = LinkTraffic(mesh_);
    s.owner = &owner;
    s.record_spikes = static_cast<bool>(on_tick);
    for (auto& box : s.outbox) box.resize(size_t(threads));
  }
  const uint64_t first = tick_, last = tick_ + ticks;
  std::vector<TnSpike> merged;
  auto complete = [&]() noexcept {
    if (on_tick) {
      merged.clear();
      for (auto& s : scratch) merged.insert(merged.end(), s.spikes.begin(), s.spikes.end());
      on_tick(tick_, merged);
    }
    for (auto& s : scratch) s.spikes.clear();
    ++tick_;
  };
  TickBarrier sync(threads);
  auto deliver = [&](int t, uint64_t parity) {
    for (auto& src : scratch) {
      auto& box = src.outbox[parity][size_t(t)];
      for (const auto& d : box) ring_[d.word] |= d.bit;
      box.clear();
    }
  };
  auto work = [&](int t) {
    for (uint64_t tick = first; tick < last; ++tick) {
      if (tick > first) deliver(t, (tick - 1) & 1);
      const int32_t lo = lo_of(t), hi = lo_of(t + 1);
      load_rows(lo, std::min(hi, lo + kRowGroup), tick);
      for (int32_t group = lo; group < hi; group += kRowGroup) {
        const int32_t end = std::min(hi, group + kRowGroup);
        load_rows(end, std::min(hi, end + kRowGroup), tick);  // the next group's, while this one runs
        for (int32_t c = group; c < end; ++c) process_core(c, tick, scratch[size_t(t)]);
      }
      finish_pending(tick, scratch[size_t(t)]);
      sync.arrive_and_wait(complete);
    }
    if (last > first) deliver(t, (last - 1) & 1);
    account_traffic(scratch[size_t(t)]);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  for (auto& s : scratch) {
    counters_ += s.counters;
    traffic_.merge(s.traffic);
  }
  counters_.ticks += ticks;
}

}  // namespace scx::hw
