#include "silicortex/core/rng.hpp"

namespace scx {
namespace {
constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u, kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  uint64_t p = static_cast<uint64_t>(a) * b;
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}
}  // namespace

PhiloxBlock philox4x32(PhiloxBlock c, std::array<uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kM0, c[0], hi0, lo0);
    mulhilo(kM1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    k[0] += kW0;
    k[1] += kW1;
  }
  return c;
}

uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

void RandomStream::refill() {
  PhiloxBlock c = ctr_;
  c[0] = blocks_++;
  block_ = philox4x32(c, key_);
  used_ = 0;
}

double RandomStream::normal() {
  const double u1 = uniform(), u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

uint64_t RandomStream::below(uint64_t n) {
  if (n <= 1) return 0;
  if (n <= 0xFFFFFFFFull) {
    // Lemire's multiply-shift with rejection.
    uint64_t m = static_cast<uint64_t>(next_u32()) * n;
    uint32_t low = static_cast<uint32_t>(m);
    if (low < n) {
      const uint32_t threshold = static_cast<uint32_t>(-static_cast<uint32_t>(n) % static_cast<uint32_t>(n));
      while (low < threshold) {
        m = static_cast<uint64_t>(next_u32()) * n;
        low = static_cast<uint32_t>(m);
      }
    }
    return m >> 32;
  }
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = (static_cast<uint64_t>(next_u32()) << 32) | next_u32();
  } while (x >= limit);
  return x % n;
}

uint64_t RandomStream::poisson(double mean) {
  if (mean <= 0) return 0;
  if (mean < 30) {  // Knuth's multiplication method
    const double limit = std::exp(-mean);
    uint64_t k = 0;
    double prod = uniform();
    while (prod > limit) {
      ++k;
      prod *= uniform();
    }
    return k;
  }
  // Normal approximation with continuity correction is not exact; use the PTRS transformed rejection (Hörmann
  // 1993).
  const double slam = std::sqrt(mean), loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b, invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = uniform() - 0.5, v = uniform(), us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - std::lgamma(k + 1))
      return static_cast<uint64_t>(k);
  }
}

uint64_t RandomStream::binomial(uint64_t n, double p) {
  if (p <= 0 || n == 0) return 0;
  if (p >= 1) return n;
  if (n < 64) {
    uint64_t k = 0;
    for (uint64_t i = 0; i < n; ++i) k += uniform() < p;
    return k;
  }
  // Geometric skipping: expected cost O(np).
  const bool flip = p > 0.5;
  const double q = flip ? 1 - p : p;
  const double log1mq = std::log1p(-q);
  uint64_t k = 0;
  double pos = 0;
  for (;;) {
    pos += std::floor(std::log(uniform()) / log1mq) + 1;
    if (pos > static_cast<double>(n)) break;
    ++k;
  }
  return flip ? n - k : k;
}

}  // namespace scx
