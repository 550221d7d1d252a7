#pragma once
// A barrier for a few threads that meet every simulation step, microseconds apart: spinning is far cheaper than a
// futex round trip at that rate. A thread that has spun for a while (the machine is oversubscribed, or a step is
// long) sleeps on the generation counter instead; the last arriver wakes sleepers only when there are any.
#include <atomic>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SCX_CPU_RELAX() _mm_pause()
#else
#define SCX_CPU_RELAX() ((void)0)
#endif

namespace scx::sim {

class SpinBarrier {
 public:
  explicit SpinBarrier(unsigned n) : n_(n) {}

  void arrive_and_wait() {
    const uint32_t gen = generation_.load(std::memory_order_acquire);
    if (count_.fetch_add(1, std::memory_order_acq_rel) == n_ - 1) {
      count_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_seq_cst);
      if (sleepers_.load(std::memory_order_seq_cst) > 0) generation_.notify_all();
      return;
    }
    for (int spins = 0; spins < kSpins; ++spins) {
      if (generation_.load(std::memory_order_acquire) != gen) return;
      SCX_CPU_RELAX();
    }
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    while (generation_.load(std::memory_order_seq_cst) == gen) generation_.wait(gen, std::memory_order_seq_cst);
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  static constexpr int kSpins = 4000;  // tens of microseconds: longer than a step's imbalance, short of a time slice
  alignas(64) std::atomic<uint32_t> count_{0};
  alignas(64) std::atomic<uint32_t> generation_{0};
  alignas(64) std::atomic<uint32_t> sleepers_{0};
  const unsigned n_;
};

}  // namespace scx::sim
