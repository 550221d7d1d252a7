// The threads' spike hand-over: every thread receives exactly what the others published, block after block,
// whole or group by group, with and without overflow, and a waiter that has gone to sleep is woken.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "sim/spike_mailbox.hpp"

namespace scx::sim {
namespace {

// Spikes thread t publishes for group g of block b: a count that varies (now and then more than a mailbox
// holds) and values that name (t, g, b, k).
std::vector<uint32_t> spikes_of(unsigned t, unsigned g, uint64_t b) {
  const uint32_t n =
      (b % 97 == 5 && g == 1) ? uint32_t(SpikeMailboxes::kWords + 10) : uint32_t((b * 7 + g * 3 + t) % 23);
  std::vector<uint32_t> out(n);
  for (uint32_t k = 0; k < n; ++k) out[k] = uint32_t(t << 28 | g << 24 | (b & 0xfff) << 12 | (k & 0xfff));
  return out;
}

TEST(SpikeMailboxes, GroupByGroupHandOverDeliversEverySpikeOfEveryBlock) {
  constexpr unsigned kThreads = 3, kGroups = 3;
  constexpr uint64_t kBlocks = 400;
  SpikeMailboxes boxes(kThreads);
  std::atomic<int> errors{0};
  // The owner keeps its lists of the last two blocks, as the engine does, for the reader of an overflow.
  std::vector<std::vector<std::vector<uint32_t>>> kept(kThreads * 2,
                                                       std::vector<std::vector<uint32_t>>(kGroups));
  auto work = [&](unsigned t) {
    for (uint64_t b = 1; b <= kBlocks; ++b) {
      for (unsigned g = 0; g < kGroups; ++g) {
        auto& list = kept[t * 2 + b % 2][g];
        list = spikes_of(t, g, b);
        if (t == 1 && b % 50 == 0 && g == 0)  // a slow thread: the others' waits must sleep and wake
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        boxes.publish_group(t, g, kGroups, list.data(), uint32_t(list.size()));
      }
      for (unsigned g = 0; g < kGroups; ++g)
        for (unsigned u = 0; u < kThreads; ++u) {
          if (u == t) continue;
          auto [p, n] = boxes.take_group(t, u, g);
          const auto expected = spikes_of(u, g, b);
          if (n == SpikeMailboxes::kOverflow) {
            if (kept[u * 2 + b % 2][g] != expected) ++errors;
            continue;
          }
          if (std::vector<uint32_t>(p, p + n) != expected) ++errors;
        }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < kThreads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  EXPECT_EQ(errors.load(), 0);
}

TEST(SpikeMailboxes, WholeBlockHandOverWaitsForTheOthers) {
  SpikeMailboxes boxes(2);
  std::atomic<uint64_t> seen{0};
  std::thread other([&] {
    for (uint64_t b = 1; b <= 50; ++b) {
      if (b % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(15));
      uint32_t* w = boxes.draft(1);
      w[0] = 2;
      w[1] = uint32_t(b);
      boxes.publish(1);
      boxes.wait_for_others(1);
    }
  });
  for (uint64_t b = 1; b <= 50; ++b) {
    uint32_t* w = boxes.draft(0);
    w[0] = 2;
    w[1] = uint32_t(b);
    boxes.publish(0);
    boxes.wait_for_others(0);
    if (boxes.received(0, 1)[1] == b) seen.fetch_add(1);
  }
  other.join();
  EXPECT_EQ(seen.load(), 50u);
}

}  // namespace
}  // namespace scx::sim
