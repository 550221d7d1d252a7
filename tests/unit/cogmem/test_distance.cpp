// SIMD L1 / Lsup kernels against the scalar reference on random vectors of every chip length, with random
// bytes past the end (the kernels must mask them off).
#include <gtest/gtest.h>

#include <vector>

#include "silicortex/cogmem/distance.hpp"
#include "silicortex/core/rng.hpp"

namespace scx::cogmem {
namespace {

std::vector<uint8_t> random_bytes(RandomStream& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng.next_u32());
  return v;
}

TEST(CogmemDistance, ScalarReferenceOnKnownVectors) {
  const std::vector<uint8_t> a{0, 255, 10, 7}, b{255, 0, 13, 7};
  EXPECT_EQ(l1_distance_scalar(a.data(), b.data(), 4), 255u + 255u + 3u);
  EXPECT_EQ(lsup_distance_scalar(a.data(), b.data(), 4), 255u);
  EXPECT_EQ(lsup_distance_scalar(a.data() + 2, b.data() + 2, 2), 3u);
}

TEST(CogmemDistance, SimdMatchesScalarForEveryLengthUpTo256) {
  RandomStream rng(7, 1);
  for (size_t n = 1; n <= 256; ++n) {
    const size_t padded = (n + kKernelPadding - 1) / kKernelPadding * kKernelPadding;
    for (int rep = 0; rep < 4; ++rep) {
      auto a = random_bytes(rng, padded), b = random_bytes(rng, padded);
      ASSERT_EQ(l1_distance(a.data(), b.data(), n), l1_distance_scalar(a.data(), b.data(), n)) << "n=" << n;
      ASSERT_EQ(lsup_distance(a.data(), b.data(), n), lsup_distance_scalar(a.data(), b.data(), n))
          << "n=" << n;
    }
  }
}

TEST(CogmemDistance, ExtremesReachTheChipRanges) {
  std::vector<uint8_t> zeros(256, 0), ones(256, 255);
  EXPECT_EQ(l1_distance(zeros.data(), ones.data(), 256), 65280u);
  EXPECT_EQ(lsup_distance(zeros.data(), ones.data(), 256), 255u);
}

TEST(CogmemDistance, BlockKernelMatchesScalarForManyQueriesAndLongVectors) {
  RandomStream rng(11, 2);
  for (size_t n : {1u, 63u, 64u, 65u, 200u, 784u, 1000u}) {
    const size_t stride = (n + kKernelPadding - 1) / kKernelPadding * kKernelPadding;
    for (size_t nq = 1; nq <= 7; ++nq) {
      const size_t count = 9;
      auto queries = random_bytes(rng, nq * stride), protos = random_bytes(rng, count * stride);
      for (Norm norm : {Norm::kL1, Norm::kLsup}) {
        std::vector<uint32_t> out(nq * count);
        distances_block(norm, queries.data(), stride, nq, protos.data(), stride, count, n, out.data(), count);
        for (size_t q = 0; q < nq; ++q)
          for (size_t p = 0; p < count; ++p)
            ASSERT_EQ(out[q * count + p], distance_scalar(norm, &queries[q * stride], &protos[p * stride], n))
                << "n=" << n << " nq=" << nq << " q=" << q << " p=" << p << " norm=" << to_string(norm);
      }
    }
  }
}

}  // namespace
}  // namespace scx::cogmem
