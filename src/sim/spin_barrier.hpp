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

class SpinBarrier {
 public:
  explicit SpinBarrier(unsigned n) : n_(n), slots_(std::make_unique<Slot[]>(n)) {}

  // Thread `t` (0 <= t < n) arrives; returns once every thread has arrived as often as `t` has.
  void arrive_and_wait(unsigned t) {
    Slot& mine = slots_[t];
    const uint64_t epoch = ++mine.local_epoch;
    mine.arrived.store(epoch, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) mine.arrived.notify_all();
    for (unsigned u = 0; u < n_; ++u) {
      if (u == t) continue;
      std::atomic<uint64_t>& theirs = slots_[u].arrived;
      int spins = 0;
      for (uint64_t seen = theirs.load(std::memory_order_acquire); seen < epoch;
           seen = theirs.load(std::memory_order_acquire)) {
        if (++spins < kSpins) {
          SCX_CPU_RELAX();
          continue;
        }
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        if (theirs.load(std::memory_order_seq_cst) == seen) theirs.wait(seen, std::memory_order_seq_cst);
        sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      }
    }
  }

 private:
  static constexpr int kSpins =
      4000;  // tens of microseconds: longer than a step's imbalance, short of a time slice
  struct alignas(64) Slot {
    std::atomic<uint64_t> arrived{0};
    uint64_t local_epoch = 0;  // written by its own thread only
  };
  const unsigned n_;
  std::unique_ptr<Slot[]> slots_;
  alignas(64) std::atomic<uint32_t> sleepers_{0};
};

}  // namespace scx::sim
