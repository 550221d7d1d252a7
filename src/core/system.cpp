#include "silicortex/core/system.hpp"

#include <sched.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

namespace scx {

uint64_t l2_cache_bytes() {
  const long bytes = sysconf(_SC_LEVEL2_CACHE_SIZE);
  return bytes > 0 ? uint64_t(bytes) : uint64_t{1} << 20;
}

uint64_t available_memory_bytes() {
  std::FILE* f = std::fopen("/proc/meminfo", "r");
  if (!f) return 0;
  char line[256];
  uint64_t kib = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "MemAvailable: %lu kB", &kib) == 1) break;
  std::fclose(f);
  return kib * 1024;
}

double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double core_to_core_round_trip_ns(int rounds) {
  cpu_set_t cpus;
  if (rounds < 1 || sched_getaffinity(0, sizeof cpus, &cpus) != 0 || CPU_COUNT(&cpus) < 2) return -1;
  struct alignas(64) Line {
    std::atomic<int> value{0};
  };
  Line ping, pong;
  std::atomic<bool> stop{false};  // a busy machine can make each round a scheduler time slice
  std::thread echo([&] {
    for (int i = 1; i <= rounds; ++i) {
      while (ping.value.load(std::memory_order_acquire) < i)
        if (stop.load(std::memory_order_relaxed)) return;
      pong.value.store(i, std::memory_order_release);
    }
  });
  // The clock is read once per 1,024 spins, so reading it adds nothing measurable to a round.
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + std::chrono::milliseconds(50);
  auto late = [&deadline] { return std::chrono::steady_clock::now() > deadline; };
  int done = 0;
  for (bool over = false; done < rounds && !over;) {
    ping.value.store(++done, std::memory_order_release);
    for (unsigned spins = 1; pong.value.load(std::memory_order_acquire) < done; ++spins)
      if (spins % 1024 == 0 && (over = late())) break;
    if (done % 1024 == 0) over = over || late();
  }
  const auto t1 = std::chrono::steady_clock::now();
  stop.store(true);
  echo.join();
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / done;
}

double interruption_loss_pct(int milliseconds) {
  if (milliseconds < 1) return -1;
  using Clock = std::chrono::steady_clock;
  // Equal pieces of dependent arithmetic, each a few microseconds (about a small network's step).
  auto piece = [] {
    float x = 1.0f;
    for (int i = 0; i < 2000; ++i) {
      x = x * 0.999f + 0.001f;
      asm volatile("" : "+x"(x));
    }
    return x;
  };
  std::vector<double> ns;
  const auto t_end = Clock::now() + std::chrono::milliseconds(milliseconds);
  for (auto t = Clock::now(); t < t_end;) {
    piece();
    const auto now = Clock::now();
    ns.push_back(std::chrono::duration<double, std::nano>(now - t).count());
    t = now;
  }
  std::vector<double> sorted = ns;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double median = sorted[sorted.size() / 2];
  double total = 0, lost = 0;
  for (double d : ns) {
    total += d;
    if (d > 1.3 * median) lost += d - median;  // beyond ordinary variation: the core was taken away
  }
  return total > 0 ? 100.0 * lost / total : -1;
}

double memory_latency_ns(size_t bytes, int hops) {
  constexpr size_t kLine = 64 / sizeof(uint32_t);  // one index per cache line, the rest of the line unused
  const size_t lines = bytes / 64;
  if (lines < 2 || hops < 1) return -1;
  // One random cycle through every line (Sattolo's shuffle), so the chase never settles into a short loop.
  std::vector<uint32_t> order(lines);
  std::iota(order.begin(), order.end(), 0u);
  std::mt19937_64 rng(1);
  for (size_t i = lines - 1; i > 0; --i)
    std::swap(order[i], order[std::uniform_int_distribution<size_t>(0, i - 1)(rng)]);
  std::vector<uint32_t> next(lines * kLine);
  for (size_t i = 0; i < lines; ++i) next[size_t(order[i]) * kLine] = order[(i + 1) % lines];
  uint32_t at = order[0];
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < hops; ++i) at = next[size_t(at) * kLine];
  const auto t1 = std::chrono::steady_clock::now();
  asm volatile("" : : "r"(at));
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / hops;
}

}  // namespace scx
