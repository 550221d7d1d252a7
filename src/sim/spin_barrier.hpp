#pragma once
// A barrier for a few threads that meet every simulation step, microseconds apart. Each thread announces its
// arrival in a cache line of its own and watches the others' lines: no shared counter bounces between cores,
// so a crossing costs about one cache-line transfer. A thread that has spun for a while (the machine is
// oversubscribed, or a step is long) sleeps on the line it waits for; arrivals wake sleepers only when there
// are any.
#include <atomic>
#include <cstdint>
#include <memory>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SCX_CPU_RELAX() _mm_pause()
#else
#define SCX_CPU_RELAX() ((void)0)
#endif

namespace scx::sim {

// Waits until an epoch word reaches a target: spins (the other thread is usually microseconds away), then
// sleeps on the word. The spin budget adapts per waiting thread: a wait that had to sleep halves it, one that
// spun to success raises it again. On an idle machine waits end within the spin and the budget stays high; on
// a busy one the thread being waited for is often off its CPU, and spinning would only keep it off longer.
class SpinWait {
 public:
  template <class Atomic>
  void wait_until_at_least(Atomic& word, uint64_t target, std::atomic<uint32_t>& sleepers) {
    int spins = 0;
    for (uint64_t seen = word.load(std::memory_order_acquire); seen < target;
         seen = word.load(std::memory_order_acquire)) {
      if (++spins < budget_) {
        SCX_CPU_RELAX();
        continue;
      }
      budget_ = budget_ / 2 > kMinSpins ? budget_ / 2 : kMinSpins;
      sleepers.fetch_add(1, std::memory_order_seq_cst);
      if (word.load(std::memory_order_seq_cst) == seen) word.wait(seen, std::memory_order_seq_cst);
      sleepers.fetch_sub(1, std::memory_order_seq_cst);
      spins = -kMaxSpins;  // no second halving in the same wait
    }
    if (spins > 0 && spins < budget_ && budget_ < kMaxSpins) budget_ += budget_ / 8 + 1;
  }

 private:
  static constexpr int kMaxSpins = 4000;  // tens of microseconds: longer than a step's imbalance
  static constexpr int kMinSpins = 16;
  int budget_ = kMaxSpins;
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
