#pragma once
// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011). A draw is a pure function of
// (seed, stream, counter), so results do not depend on thread count, rank count or call order.
#include <array>
#include <cmath>
#include <cstdint>

namespace scx {

using PhiloxBlock = std::array<uint32_t, 4>;

PhiloxBlock philox4x32(PhiloxBlock counter, std::array<uint32_t, 2> key);

inline double u32_to_unit(uint32_t x) {
  return (static_cast<double>(x) + 0.5) * (1.0 / 4294967296.0);
}

// Stable 64-bit identifiers for streams, e.g. stream_id("projection", 3).
uint64_t mix64(uint64_t x);
inline uint64_t stream_id(uint64_t kind, uint64_t object) {
  return mix64(kind * 0x9E3779B97F4A7C15ull ^ object);
}

// One independent random sequence per (seed, stream, substream): the Philox key is the seed, the counter is
// (block, substream, stream). Cheap to construct: make one per object per step (substream = step) where
// needed.
class RandomStream {
 public:
  RandomStream(uint64_t seed, uint64_t stream, uint32_t substream = 0)
      : key_{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)},
        ctr_{0, substream, static_cast<uint32_t>(stream), static_cast<uint32_t>(stream >> 32)} {}

  uint32_t next_u32() {
    if (used_ == 4) refill();
    return block_[used_++];
  }
  double uniform() { return u32_to_unit(next_u32()); }  // in (0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal();             // standard normal (Box-Muller)
  uint64_t below(uint64_t n);  // uniform integer in [0, n), unbiased
  uint64_t binomial(uint64_t n, double p);
  uint64_t poisson(double mean);

 private:
  void refill();
  std::array<uint32_t, 2> key_;
  PhiloxBlock ctr_;
  PhiloxBlock block_{};
  uint32_t blocks_ = 0;
  int used_ = 4;
};

}  // namespace scx
