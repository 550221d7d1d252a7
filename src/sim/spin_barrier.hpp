#pragma once
// A barrier for a few threads that meet every simulation step (microseconds apart): spinning is far cheaper than
// a futex wake-up at that rate. After a while it yields, so an oversubscribed machine still makes progress.
#include <atomic>
#include <cstdint>
#include <thread>

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
      generation_.fetch_add(1, std::memory_order_release);
      return;
    }
    for (uint32_t spins = 0; generation_.load(std::memory_order_acquire) == gen; ++spins) {
      if (spins < 20000)
        SCX_CPU_RELAX();
      else
        std::this_thread::yield();
    }
  }

 private:
  alignas(64) std::atomic<uint32_t> count_{0};
  alignas(64) std::atomic<uint32_t> generation_{0};
  alignas(64) const unsigned n_;
};

}  // namespace scx::sim
