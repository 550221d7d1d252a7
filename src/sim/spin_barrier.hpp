#pragma once
// A barrier for a few threads that meet every simulation step, microseconds apart. Each thread announces its
// arrival in a cache line of its own and watches the others' lines: no shared counter bounces between cores,
// so a crossing costs about one cache-line transfer. A thread that has spun for a while (the machine is
// oversubscribed, or a step is long) sleeps on the line it waits for; arrivals wake sleepers only when there
// are any.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SCX_CPU_RELAX() _mm_pause()
#else
#define SCX_CPU_RELAX() ((void)0)
#endif

namespace scx::sim {

// Waits until an epoch word reaches a target: spins (the other thread is usually a fraction of a microsecond
// away), then sleeps on the word. The spin is measured in time, not in pause instructions (a pause takes 25
// ns on Zen 4 and a few on older cores), and adapts per waiting thread to how long its sleeps turn out to be:
// a sleep ended soon after it began means the spin gave up too early (double it); a long one means the other
// thread was off its CPU, where spinning only keeps it off longer on a busy machine (halve it). The floor
// stays far above a step's usual wait: a budget near that wait makes most waits sleep, each sleep keeps it
// there, and a 2-thread run then lost half its speed to futex calls (seen with a floor of 16 pauses).
class SpinWait {
 public:
  template <class Atomic>
  void wait_until_at_least(Atomic& word, uint64_t target, std::atomic<uint32_t>& sleepers) {
    uint64_t seen = word.load(std::memory_order_acquire);
    if (seen >= target) return;
    using Clock = std::chrono::steady_clock;
    const Clock::time_point give_up = Clock::now() + budget_;
    for (unsigned i = 1;; ++i) {
      SCX_CPU_RELAX();
      if ((seen = word.load(std::memory_order_acquire)) >= target) return;
      if (i % 16 == 0 && Clock::now() >= give_up) break;
    }
    const Clock::time_point slept_from = Clock::now();
    while (seen < target) {
      sleepers.fetch_add(1, std::memory_order_seq_cst);
      if (word.load(std::memory_order_seq_cst) == seen) word.wait(seen, std::memory_order_seq_cst);
      sleepers.fetch_sub(1, std::memory_order_seq_cst);
      seen = word.load(std::memory_order_acquire);
    }
    if (Clock::now() - slept_from < budget_)
      budget_ = std::min(budget_ * 2, kMaxSpin);
    else
      budget_ = std::max(budget_ / 2, kMinSpin);
  }

 private:
  static constexpr std::chrono::nanoseconds kMaxSpin{100'000};
  static constexpr std::chrono::nanoseconds kMinSpin{10'000};
  std::chrono::nanoseconds budget_ = kMaxSpin;
};

class SpinBarrier {
 public:
  explicit SpinBarrier(unsigned n) : n_(n), slots_(std::make_unique<Slot[]>(n)) {}

  // Thread `t` (0 <= t < n) arrives; returns once every thread has arrived as often as `t` has.
  void arrive_and_wait(unsigned t) {
    Slot& mine = slots_[t];
    const uint64_t epoch = ++mine.local_epoch;
    mine.arrived.store(epoch, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) mine.arrived.notify_all();
    for (unsigned u = 0; u < n_; ++u)
      if (u != t) mine.wait.wait_until_at_least(slots_[u].arrived, epoch, sleepers_);
  }

 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> arrived{0};
    uint64_t local_epoch = 0;  // written by its own thread only
    SpinWait wait;             // its own thread's
  };
  const unsigned n_;
  std::unique_ptr<Slot[]> slots_;
  alignas(64) std::atomic<uint32_t> sleepers_{0};
};

}  // namespace scx::sim
