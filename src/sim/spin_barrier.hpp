#pragma once
// A barrier for a few threads that meet every simulation step, microseconds apart. Each thread announces its
// arrival in a cache line of its own and watches the others' lines: no shared counter bounces between cores,
// so a crossing costs about one cache-line transfer. A thread that has spun for a while (the machine is
// oversubscribed, or a step is long) sleeps on the line it waits for; arrivals wake sleepers only when there
// are any.
//
// Publishing is a release store, not a seq_cst one: a seq_cst store waits until the thread's earlier stores
// own their lines, and the spikes just written into a mailbox share their line with the counter the other
// core reads (2 threads without that stall: CUBA +5 %, COBA +4 %, medians of alternating runs). The price is
// the classic lost wake-up (the publisher may read "no sleepers" before its store is seen), so a sleeper
// looks again every millisecond: a lost wake-up costs at most that, and only a thread that already waited 10
// us sleeps.
#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <climits>
#include <ctime>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SCX_CPU_RELAX() _mm_pause()
#else
#define SCX_CPU_RELAX() ((void)0)
#endif

namespace scx::sim {

// Sleeping on and waking a 64-bit epoch word; the futex watches its low half, which changes with every
// publication.
inline const void* epoch_low_half(const void* word) {
  return static_cast<const char*>(word) + (std::endian::native == std::endian::big ? 4 : 0);
}

// Sleeps while the word's low half equals `seen`, at most `timeout`.
inline void sleep_on_epoch(const void* word, uint64_t seen, std::chrono::nanoseconds timeout) {
#if defined(__linux__)
  const timespec ts{time_t(timeout.count() / 1'000'000'000), long(timeout.count() % 1'000'000'000)};
  syscall(SYS_futex, epoch_low_half(word), FUTEX_WAIT_PRIVATE, uint32_t(seen), &ts, nullptr, 0);
#else
  (void)word, (void)seen;
  std::this_thread::sleep_for(timeout / 20);
#endif
}

inline void wake_epoch_sleepers(const void* word) {
#if defined(__linux__)
  syscall(SYS_futex, epoch_low_half(word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
#else
  (void)word;
#endif
}

// Stores a new epoch and wakes sleepers, if any (see the top of this file for why release suffices).
inline void publish_epoch(uint64_t& epoch, uint64_t value, const std::atomic<uint32_t>& sleepers) {
  std::atomic_ref<uint64_t>(epoch).store(value, std::memory_order_release);
  if (sleepers.load(std::memory_order_relaxed) > 0) wake_epoch_sleepers(&epoch);
}

// Waits until an epoch word reaches a target: spins (the other thread is usually a fraction of a microsecond
// away), then sleeps on the word. The spin is measured in time, not in pause instructions (a pause takes 25
// ns on Zen 4 and a few on older cores), and adapts per waiting thread to how long its sleeps turn out to be:
// a sleep ended soon after it began means the spin gave up too early (double it); a long one means the other
// thread was off its CPU, where spinning only keeps it off longer on a busy machine (halve it). The floor
// stays far above a step's usual wait: a budget near that wait makes most waits sleep, each sleep keeps it
// there, and a 2-thread run then lost half its speed to futex calls (seen with a floor of 16 pauses).
class SpinWait {
 public:
  void wait_until_at_least(uint64_t& epoch, uint64_t target, std::atomic<uint32_t>& sleepers) {
    const std::atomic_ref<uint64_t> word(epoch);
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
    sleepers.fetch_add(1, std::memory_order_seq_cst);
    while ((seen = word.load(std::memory_order_acquire)) < target) sleep_on_epoch(&epoch, seen, kRecheck);
    sleepers.fetch_sub(1, std::memory_order_relaxed);
    if (Clock::now() - slept_from < budget_)
      budget_ = std::min(budget_ * 2, kMaxSpin);
    else
      budget_ = std::max(budget_ / 2, kMinSpin);
  }

 private:
  static constexpr std::chrono::nanoseconds kRecheck{1'000'000};  // a sleeper's longest sleep
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
    publish_epoch(mine.arrived, epoch, sleepers_);
    for (unsigned u = 0; u < n_; ++u)
      if (u != t) mine.wait.wait_until_at_least(slots_[u].arrived, epoch, sleepers_);
  }

 private:
  struct alignas(64) Slot {
    alignas(8) uint64_t arrived = 0;  // through std::atomic_ref
    uint64_t local_epoch = 0;         // written by its own thread only
    SpinWait wait;                    // its own thread's
  };
  const unsigned n_;
  std::unique_ptr<Slot[]> slots_;
  alignas(64) std::atomic<uint32_t> sleepers_{0};
};

}  // namespace scx::sim
