#include <gtest/gtest.h>

#include <sched.h>

#include <chrono>
#include <cmath>

#include "silicortex/core/system.hpp"

namespace scx {

TEST(System, CoreToCoreRoundTripIsAPlausibleLatencyOrNegativeOnOneCpu) {
  cpu_set_t cpus;
  ASSERT_EQ(sched_getaffinity(0, sizeof cpus, &cpus), 0);
  const auto t0 = std::chrono::steady_clock::now();
  const double ns = core_to_core_round_trip_ns(2000);
  const double spent_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (CPU_COUNT(&cpus) < 2) {
    EXPECT_LT(ns, 0);
  } else {
    ASSERT_TRUE(std::isfinite(ns));
    EXPECT_GT(ns, 1.0);  // a cache line cannot cross cores and back in under a nanosecond
    EXPECT_LT(ns, 1e8);  // and the probe gives up after about 50 ms
  }
  EXPECT_LT(spent_ms, 5000.0);
}

TEST(System, InterruptionLossIsAPercentageAndTakesAboutItsTime) {
  const auto t0 = std::chrono::steady_clock::now();
  const double pct = interruption_loss_pct(20);
  const double spent_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(pct, 0.0);
  EXPECT_LT(pct, 100.0);
  EXPECT_GE(spent_ms, 20.0);
  EXPECT_LT(spent_ms, 2000.0);
  EXPECT_EQ(interruption_loss_pct(0), -1);
}

TEST(System, ProcessCpuTimeAdvancesWithWork) {
  const double before = process_cpu_s();
  volatile double x = 0;
  for (int i = 0; i < 20'000'000; ++i) x = x + 1e-9 * i;
  EXPECT_GT(process_cpu_s(), before);
}

}  // namespace scx

namespace scx {
namespace {

// A chase through 64 MiB misses every cache; one through 16 KiB stays in L1. Each takes a few nanoseconds
// at least per hop and far less than a millisecond; the large buffer is several times slower.
TEST(System, MemoryLatencyTellsCacheFromDram) {
  const double small = memory_latency_ns(16 << 10, 100000),
               large = memory_latency_ns(size_t{64} << 20, 100000);
  EXPECT_GT(small, 0.1);
  EXPECT_GT(large, 3 * small) << "small " << small << " ns, large " << large << " ns";
  EXPECT_LT(large, 1e6);
  EXPECT_EQ(memory_latency_ns(64, 10), -1);  // one line: nothing to chase
  EXPECT_EQ(memory_latency_ns(1 << 20, 0), -1);
}

}  // namespace
}  // namespace scx
