// Bit-parallel TrueNorth core kernel, compiled for every Highway target and chosen at run time.
// An axon event adds its type's weight to all 256 neurons at once: the axon's 256-bit crossbar row is loaded as
// lane masks (one bit per 16-bit lane) and the 16-bit weights are added under the masks. The 16-bit sums are
// exact because events are taken in chunks small enough that |sum| <= 32767, each chunk widened into 32 bits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "hw/tn_core_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "silicortex/hw/truenorth_chip.hpp"

HWY_BEFORE_NAMESPACE();
namespace scx::hw {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr size_t kN = TrueNorthChip::kNeurons;

// Adds the crossbar rows of `count` axons into the 16-bit accumulator.
void IntegrateChunk(const TnCoreView& view, const int* axons, int count, int16_t* acc16) {
  const hn::ScalableTag<int16_t> d;
  const hn::Rebind<int8_t, decltype(d)> d8;
  const size_t n = hn::Lanes(d);
  for (size_t k = 0; k < kN; k += n) hn::Store(hn::Zero(d), d, acc16 + k);
  for (int e = 0; e < count; ++e) {
    const int axon = axons[e];
    const int type = view.axon_type[axon];
    const int16_t* weight = view.weight[type];
    const auto* row = reinterpret_cast<const uint8_t*>(view.crossbar + size_t(axon) * 4);
    if (view.weight8 && n >= 8) {  // 8-bit copies: half the bytes to fetch per event
      const int8_t* weight8 = view.weight8 + size_t(type) * kN;
      for (size_t k = 0; k < kN; k += n) {
        const auto m = hn::LoadMaskBits(d, row + k / 8);
        const auto w = hn::PromoteTo(d, hn::LoadU(d8, weight8 + k));
        hn::Store(hn::Add(hn::Load(d, acc16 + k), hn::IfThenElseZero(m, w)), d, acc16 + k);
      }
    } else if (n >= 8) {
      for (size_t k = 0; k < kN; k += n) {
        const auto m = hn::LoadMaskBits(d, row + k / 8);
        const auto sum = hn::Add(hn::Load(d, acc16 + k), hn::IfThenElseZero(m, hn::LoadU(d, weight + k)));
        hn::Store(sum, d, acc16 + k);
      }
    } else {  // vectors narrower than a byte of mask bits (scalar targets)
      for (size_t j = 0; j < kN; ++j)
        if ((row[j / 8] >> (j % 8)) & 1) acc16[j] = static_cast<int16_t>(acc16[j] + weight[j]);
    }
  }
}

uint64_t TnCoreKernel(const TnCoreView& view, const uint64_t* active, uint64_t* crossed, uint64_t* events) {
  const hn::ScalableTag<int32_t> d;
  const hn::Rebind<int16_t, decltype(d)> dh;  // as many 16-bit lanes as d has 32-bit ones
  const size_t n = hn::Lanes(d);
  HWY_ALIGN int16_t acc16[kN];
  HWY_ALIGN int32_t acc32[kN];
  int axons[TrueNorthChip::kAxons];
  int count = 0;
  uint64_t synapses = 0;
  for (int w = 0; w < 4; ++w) {
    for (uint64_t bits = active[w]; bits; bits &= bits - 1) {
      const int axon = w * 64 + __builtin_ctzll(bits);
      axons[count++] = axon;
      const uint64_t* row = view.crossbar + size_t(axon) * 4;
      synapses += uint64_t(__builtin_popcountll(row[0]) + __builtin_popcountll(row[1]) +
                           __builtin_popcountll(row[2]) + __builtin_popcountll(row[3]));
    }
  }
  *events = synapses;

  // Chunks of at most 32767 / max|w| events keep every 16-bit partial sum exact.
  const int chunk = view.weight_max > 0 ? 32767 / view.weight_max : TrueNorthChip::kAxons;
  const bool wide = count > chunk;
  if (wide) {
    for (size_t k = 0; k < kN; k += n) hn::Store(hn::Zero(d), d, acc32 + k);
    for (int first = 0; first < count; first += chunk) {
      IntegrateChunk(view, axons + first, std::min(chunk, count - first), acc16);
      for (size_t k = 0; k < kN; k += n)
        hn::Store(hn::Add(hn::Load(d, acc32 + k), hn::PromoteTo(d, hn::Load(dh, acc16 + k))), d, acc32 + k);
    }
  } else {
    IntegrateChunk(view, axons, count, acc16);
  }

  const auto vmin = hn::Set(d, view.v_min), vmax = hn::Set(d, view.v_max);
  const auto neg_bound = hn::Set(d, -view.neg_threshold_min);
  uint64_t saturations = 0;
  for (int w = 0; w < 4; ++w) crossed[w] = 0;
  for (size_t k = 0; k < kN; k += n) {
    // |input| < 2^17 and |V| < 2^30, so the 32-bit sums cannot overflow before the clamp.
    const auto input = wide ? hn::Load(d, acc32 + k) : hn::PromoteTo(d, hn::Load(dh, acc16 + k));
    const auto raw = hn::Add(hn::LoadU(d, view.v + k), input);
    const auto v1 = hn::Min(hn::Max(raw, vmin), vmax);
    const auto raw2 = hn::Add(v1, hn::PromoteTo(d, hn::LoadU(dh, view.leak + k)));
    const auto v = hn::Min(hn::Max(raw2, vmin), vmax);
    const auto out = hn::Ne(raw, v1), out2 = hn::Ne(raw2, v);
    if (HWY_UNLIKELY(!hn::AllFalse(d, hn::Or(out, out2))))
      saturations += hn::CountTrue(d, out) + hn::CountTrue(d, out2);
    hn::StoreU(v, d, view.v + k);
    const auto cross = hn::Or(hn::Not(hn::Lt(v, hn::LoadU(d, view.threshold + k))), hn::Lt(v, neg_bound));
    if (!hn::AllFalse(d, cross)) {
      uint64_t lanes = 0;
      hn::StoreMaskBits(d, cross, reinterpret_cast<uint8_t*>(&lanes));
      lanes &= (n >= 64) ? ~uint64_t{0} : ((uint64_t{1} << n) - 1);
      crossed[k >> 6] |= lanes << (k & 63);
    }
  }
  return saturations;
}

}  // namespace HWY_NAMESPACE
}  // namespace scx::hw
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace scx::hw {
HWY_EXPORT(TnCoreKernel);
uint64_t tn_core_kernel(const TnCoreView& view, const uint64_t active[4], uint64_t crossed[4], uint64_t* events) {
  return HWY_DYNAMIC_DISPATCH(TnCoreKernel)(view, active, crossed, events);
}
}  // namespace scx::hw
#endif
