#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/core/rng.hpp"

namespace scx {

TEST(Rng, PhiloxKnownAnswer) {
  // Random123 known-answer test for philox4x32-10 with all-zero counter and key.
  auto out = philox4x32({0, 0, 0, 0}, {0, 0});
  EXPECT_EQ(out[0], 0x6627e8d5u);
  EXPECT_EQ(out[1], 0xe169c58du);
  EXPECT_EQ(out[2], 0xbc57ac4cu);
  EXPECT_EQ(out[3], 0x9b00dbd8u);
}

TEST(Rng, StreamsAreReproducibleAndDistinct) {
  RandomStream a(42, 7, 3), b(42, 7, 3), c(42, 8, 3), d(43, 7, 3);
  for (int i = 0; i < 10; ++i) {
    const uint32_t x = a.next_u32();
    EXPECT_EQ(x, b.next_u32());
    EXPECT_NE(x, c.next_u32());
    EXPECT_NE(x, d.next_u32());
  }
}

TEST(Rng, UniformMoments) {
  RandomStream r(1, 1);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  EXPECT_NEAR(sum2 / n - 0.25, 1.0 / 12, 0.002);
}

TEST(Rng, NormalPoissonBinomialMeans) {
  RandomStream r(5, 2);
  const int n = 100000;
  double ns = 0, ns2 = 0, ps = 0, pl = 0, bs = 0;
  for (int i = 0; i < n; ++i) {
    const double z = r.normal();
    ns += z;
    ns2 += z * z;
    ps += r.poisson(3.5);
    pl += r.poisson(80.0);
    bs += r.binomial(1000, 0.02);
  }
  EXPECT_NEAR(ns / n, 0.0, 0.02);
  EXPECT_NEAR(ns2 / n, 1.0, 0.02);
  EXPECT_NEAR(ps / n, 3.5, 0.03);
  EXPECT_NEAR(pl / n, 80.0, 0.2);
  EXPECT_NEAR(bs / n, 20.0, 0.1);
}

TEST(Rng, BelowIsUniform) {
  RandomStream r(9, 9);
  int counts[7] = {};
  for (int i = 0; i < 70000; ++i) ++counts[r.below(7)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

}  // namespace scx
