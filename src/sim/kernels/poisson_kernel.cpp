// Compiled once per SIMD target by Highway's foreach_target; the best one is chosen at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sim/kernels/poisson_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "silicortex/core/rng.hpp"
#include "sim/kernels/poisson_kernel.hpp"

HWY_BEFORE_NAMESPACE();
namespace scx::sim {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D32 = hn::ScalableTag<uint32_t>;
using V32 = hn::Vec<D32>;
using D64 = hn::Repartition<uint64_t, D32>;

#if HWY_TARGET == HWY_SCALAR
// One lane: nothing to widen into; the scalar Philox, block by block.
uint32_t PoissonStep(const uint32_t* threshold, uint32_t begin, uint32_t end, std::array<uint32_t, 3> counter,
                     std::array<uint32_t, 2> key, bool uniform, uint32_t* spiked) {
  uint32_t n = 0;
  for (uint32_t first = begin; first < end; first += 4) {
    const PhiloxBlock r = philox4x32({first, counter[0], counter[1], counter[2]}, key);
    for (uint32_t k = 0; k < 4 && first + k < end; ++k)
      if (r[k] < threshold[uniform ? 0 : first + k]) spiked[n++] = first + k;
  }
  return n;
}
#else
// hi:lo = a * m for every 32-bit lane: the even lanes' products by one widening multiply, the odd lanes'
// by a second one on the lanes shifted down.
HWY_INLINE void mulhilo(D32 d, V32 a, V32 m, V32& hi, V32& lo) {
  const D64 d64;
  const auto even = hn::MulEven(a, m);
  const auto odd = hn::MulEven(hn::BitCast(d, hn::ShiftRight<32>(hn::BitCast(d64, a))), m);
  lo = hn::OddEven(hn::BitCast(d, hn::ShiftLeft<32>(odd)), hn::BitCast(d, even));
  hi = hn::OddEven(hn::BitCast(d, odd), hn::BitCast(d, hn::ShiftRight<32>(even)));
}

uint32_t PoissonStep(const uint32_t* threshold, uint32_t begin, uint32_t end, std::array<uint32_t, 3> counter,
                     std::array<uint32_t, 2> key, bool uniform, uint32_t* spiked) {
  const D32 d;
  const size_t lanes = hn::Lanes(d);
  const V32 m0 = hn::Set(d, 0xD2511F53u), m1 = hn::Set(d, 0xCD9E8D57u);
  const V32 four_per_lane = hn::ShiftLeft<2>(hn::Iota(d, 0));
  HWY_ALIGN uint32_t draws[4 * HWY_MAX_BYTES / sizeof(uint32_t)];
  uint32_t n = 0;
  for (uint32_t first = begin; first < end; first += uint32_t(4 * lanes)) {
    // Lane j holds the block of neurons first + 4j .. first + 4j + 3.
    V32 c0 = hn::Add(hn::Set(d, first), four_per_lane), c1 = hn::Set(d, counter[0]);
    V32 c2 = hn::Set(d, counter[1]), c3 = hn::Set(d, counter[2]);
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; ++round) {
      V32 hi0, lo0, hi1, lo1;
      mulhilo(d, c0, m0, hi0, lo0);
      mulhilo(d, c2, m1, hi1, lo1);
      c0 = hn::Xor(hn::Xor(hi1, c1), hn::Set(d, k0));
      c1 = lo1;
      c2 = hn::Xor(hn::Xor(hi0, c3), hn::Set(d, k1));
      c3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    if (uniform) {  // one rate for all: most vectors have no draw below it, and need no look per neuron
      const V32 t = hn::Set(d, threshold[0]);
      const auto below = hn::Or(hn::Or(hn::Lt(c0, t), hn::Lt(c1, t)), hn::Or(hn::Lt(c2, t), hn::Lt(c3, t)));
      if (hn::AllFalse(d, below)) continue;
    }
    hn::Store(c0, d, draws);
    hn::Store(c1, d, draws + lanes);
    hn::Store(c2, d, draws + 2 * lanes);
    hn::Store(c3, d, draws + 3 * lanes);
    const uint32_t stop = end - first < 4 * lanes ? end - first : uint32_t(4 * lanes);
    for (uint32_t i = 0; i < stop; ++i)
      if (draws[(i & 3) * lanes + (i >> 2)] < threshold[uniform ? 0 : first + i]) spiked[n++] = first + i;
  }
  return n;
}
#endif

}  // namespace HWY_NAMESPACE
}  // namespace scx::sim
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace scx::sim {
HWY_EXPORT(PoissonStep);

uint32_t poisson_step(const uint32_t* threshold, uint32_t begin, uint32_t end,
                      std::array<uint32_t, 3> counter, std::array<uint32_t, 2> key, bool uniform,
                      uint32_t* spiked) {
  return HWY_DYNAMIC_DISPATCH(PoissonStep)(threshold, begin, end, counter, key, uniform, spiked);
}
}  // namespace scx::sim
#endif
