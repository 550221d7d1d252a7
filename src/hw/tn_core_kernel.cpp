// Bit-parallel TrueNorth core kernel, compiled for every Highway target and chosen at run time.
// An axon event adds its type's weight to all 256 neurons at once: the axon's 256-bit crossbar row is loaded
// as lane masks (one bit per 16-bit lane) and the 16-bit weights are added under the masks. The 16-bit sums
// are exact because events are taken in chunks small enough that |sum| <= 32767, each chunk widened into 32
// bits.
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

// Adds the crossbar rows of `count` axons into the 16-bit accumulator. Neurons are taken four vectors at a
// time with the events inside, so the partial sums stay in registers.
void IntegrateChunk(const TnCoreView& view, const int* axons, int count, int16_t* acc16) {
  const hn::ScalableTag<int16_t> d;
  const hn::Rebind<int8_t, decltype(d)> d8;
  const size_t n = hn::Lanes(d);
  if (n < 8 || 4 * n > kN) {  // mask bits narrower than a byte, or vectors too wide for four per block
    for (size_t j = 0; j < kN; ++j) acc16[j] = 0;
    for (int e = 0; e < count; ++e) {
      const int16_t* weight = view.weight[view.axon_type[axons[e]]];
      const auto* row = reinterpret_cast<const uint8_t*>(view.crossbar + size_t(axons[e]) * 4);
      for (size_t j = 0; j < kN; ++j)
        if ((row[j / 8] >> (j % 8)) & 1) acc16[j] = static_cast<int16_t>(acc16[j] + weight[j]);
    }
    return;
  }
  for (size_t k = 0; k < kN; k += 4 * n) {
    auto a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
    for (int e = 0; e < count; ++e) {
      const int type = view.axon_type[axons[e]];
      const auto* row = reinterpret_cast<const uint8_t*>(view.crossbar + size_t(axons[e]) * 4) + k / 8;
      const size_t b = n / 8;  // mask bytes per vector
      if (view.weight8) {      // 8-bit copies: half the bytes to fetch per event
        const int8_t* w = view.weight8 + size_t(type) * kN + k;
        a0 = hn::Add(a0, hn::IfThenElseZero(hn::LoadMaskBits(d, row), hn::PromoteTo(d, hn::LoadU(d8, w))));
        a1 = hn::Add(
            a1, hn::IfThenElseZero(hn::LoadMaskBits(d, row + b), hn::PromoteTo(d, hn::LoadU(d8, w + n))));
        a2 = hn::Add(a2, hn::IfThenElseZero(hn::LoadMaskBits(d, row + 2 * b),
                                            hn::PromoteTo(d, hn::LoadU(d8, w + 2 * n))));
        a3 = hn::Add(a3, hn::IfThenElseZero(hn::LoadMaskBits(d, row + 3 * b),
                                            hn::PromoteTo(d, hn::LoadU(d8, w + 3 * n))));
      } else {
        const int16_t* w = view.weight[type] + k;
        a0 = hn::Add(a0, hn::IfThenElseZero(hn::LoadMaskBits(d, row), hn::LoadU(d, w)));
        a1 = hn::Add(a1, hn::IfThenElseZero(hn::LoadMaskBits(d, row + b), hn::LoadU(d, w + n)));
        a2 = hn::Add(a2, hn::IfThenElseZero(hn::LoadMaskBits(d, row + 2 * b), hn::LoadU(d, w + 2 * n)));
        a3 = hn::Add(a3, hn::IfThenElseZero(hn::LoadMaskBits(d, row + 3 * b), hn::LoadU(d, w + 3 * n)));
      }
    }
    hn::Store(a0, d, acc16 + k);
    hn::Store(a1, d, acc16 + k + n);
    hn::Store(a2, d, acc16 + k + 2 * n);
    hn::Store(a3, d, acc16 + k + 3 * n);
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
    const auto leak = view.leak ? hn::PromoteTo(d, hn::LoadU(dh, view.leak + k)) : hn::Set(d, view.leak_all);
    const auto threshold = view.threshold16 ? hn::PromoteTo(d, hn::LoadU(dh, view.threshold16 + k))
                                            : hn::LoadU(d, view.threshold + k);
    const auto raw2 = hn::Add(v1, leak);
    const auto v = hn::Min(hn::Max(raw2, vmin), vmax);
    const auto out = hn::Ne(raw, v1), out2 = hn::Ne(raw2, v);
    if (HWY_UNLIKELY(!hn::AllFalse(d, hn::Or(out, out2))))
      saturations += hn::CountTrue(d, out) + hn::CountTrue(d, out2);
    hn::StoreU(v, d, view.v + k);
    // Without a branch: at 20 Hz about one vector in four has a crossing, so a test per vector mispredicts.
    const auto cross = hn::Or(hn::Not(hn::Lt(v, threshold)), hn::Lt(v, neg_bound));
    uint64_t lanes = 0;
    hn::StoreMaskBits(d, cross, reinterpret_cast<uint8_t*>(&lanes));
    lanes &= (n >= 64) ? ~uint64_t{0} : ((uint64_t{1} << n) - 1);
    crossed[k >> 6] |= lanes << (k & 63);
  }
  return saturations;
}

}  // namespace HWY_NAMESPACE
}  // namespace scx::hw
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace scx::hw {
HWY_EXPORT(TnCoreKernel);
uint64_t tn_core_kernel(const TnCoreView& view, const uint64_t active[4], uint64_t crossed[4],
                        uint64_t* events) {
  return HWY_DYNAMIC_DISPATCH(TnCoreKernel)(view, active, crossed, events);
}
}  // namespace scx::hw
#endif
