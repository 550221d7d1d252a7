// The SIMD Poisson kernel draws exactly the scalar Philox blocks: the same spikes for every threshold
// layout, range and rate, in ascending order.
#include <gtest/gtest.h>

#include <vector>

#include "silicortex/core/rng.hpp"
#include "sim/kernels/poisson_kernel.hpp"

namespace scx::sim {
namespace {

std::vector<uint32_t> scalar_reference(const std::vector<uint32_t>& threshold, uint32_t begin, uint32_t end,
                                       std::array<uint32_t, 3> counter, std::array<uint32_t, 2> key) {
  std::vector<uint32_t> out;
  for (uint32_t i = begin; i < end; ++i) {
    const PhiloxBlock r = philox4x32({i & ~3u, counter[0], counter[1], counter[2]}, key);
    if (r[i & 3] < threshold[i]) out.push_back(i);
  }
  return out;
}

TEST(PoissonKernel, DrawsTheScalarPhiloxBlocks) {
  RandomStream rng(7, 1);
  size_t spikes = 0;
  for (const uint32_t size : {1u, 3u, 16u, 77u, 200u, 1000u}) {
    std::vector<uint32_t> varied(size);
    for (uint32_t i = 0; i < size; ++i)
      varied[i] = i % 5 == 0 ? 0 : uint32_t(rng.next_u32() >> (i % 7));  // from silent to nearly always
    // One rate for all, down to 1 in 1,000 per step: most vectors then hold no draw below it.
    std::vector<std::vector<uint32_t>> uniform;
    for (const uint32_t t : {4294967u, 42949672u, uint32_t(rng.below(1u << 31))})
      uniform.emplace_back(size, t);
    for (const uint32_t begin : {0u, 16u, 48u}) {
      if (begin >= size) continue;
      for (int step = 0; step < 200; ++step) {
        const std::array<uint32_t, 3> counter{uint32_t(step), 0x706f6973u, uint32_t(step) ^ 5u};
        const std::array<uint32_t, 2> key{12345u, 678u};
        std::vector<uint32_t> got(size);
        got.resize(poisson_step(varied.data(), begin, size, counter, key, false, got.data()));
        EXPECT_EQ(got, scalar_reference(varied, begin, size, counter, key)) << size << " " << begin;
        spikes += got.size();
        for (const auto& one : uniform) {
          got.assign(size, 0);
          got.resize(poisson_step(one.data(), begin, size, counter, key, true, got.data()));
          EXPECT_EQ(got, scalar_reference(one, begin, size, counter, key))
              << size << " " << begin << " " << one[0];
          spikes += got.size();
        }
      }
    }
  }
  EXPECT_GT(spikes, 10000u);
}

}  // namespace
}  // namespace scx::sim
