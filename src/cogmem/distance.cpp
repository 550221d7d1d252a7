#include "silicortex/cogmem/distance.hpp"

#include <algorithm>
#include <cstdlib>

#include "silicortex/core/error.hpp"

// Highway compiles the code between HWY_BEFORE_NAMESPACE and HWY_AFTER_NAMESPACE once per target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cogmem/distance.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace scx::cogmem::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Every (query, prototype) pair with a one-pair distance function.
template <class Distance>
HWY_INLINE void EachPair(const uint8_t* q, size_t qs, size_t nq, const uint8_t* protos, size_t ps,
                         size_t count, size_t n, uint32_t* out, size_t os, Distance distance) {
  for (size_t j = 0; j < nq; ++j)
    for (size_t p = 0; p < count; ++p) out[j * os + p] = distance(q + j * qs, protos + p * ps, n);
}

#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
// No byte SIMD: fall back to the scalar reference.
void L1Block(const uint8_t* q, size_t qs, size_t nq, const uint8_t* protos, size_t ps, size_t count, size_t n,
             uint32_t* out, size_t os) {
  EachPair(q, qs, nq, protos, ps, count, n, out, os, l1_distance_scalar);
}
void LsupBlock(const uint8_t* q, size_t qs, size_t nq, const uint8_t* protos, size_t ps, size_t count,
               size_t n, uint32_t* out, size_t os) {
  EachPair(q, qs, nq, protos, ps, count, n, out, os, lsup_distance_scalar);
}
#else
using D8 = hn::CappedTag<uint8_t, kKernelPadding>;  // vectors never exceed the padding
using D64 = hn::Repartition<uint64_t, D8>;
using V8 = hn::Vec<D8>;
using V64 = hn::Vec<D64>;

// Sum of |a-b| over each group of 8 bytes, as 64-bit lanes.
#if HWY_ARCH_X86
HWY_INLINE hn::Vec128<uint64_t> Sad(hn::Vec128<uint8_t> a, hn::Vec128<uint8_t> b) {
  return hn::Vec128<uint64_t>{_mm_sad_epu8(a.raw, b.raw)};
}
#if HWY_TARGET <= HWY_AVX2
HWY_INLINE hn::Vec256<uint64_t> Sad(hn::Vec256<uint8_t> a, hn::Vec256<uint8_t> b) {
  return hn::Vec256<uint64_t>{_mm256_sad_epu8(a.raw, b.raw)};
}
#endif
#if HWY_TARGET <= HWY_AVX3
HWY_INLINE hn::Vec512<uint64_t> Sad(hn::Vec512<uint8_t> a, hn::Vec512<uint8_t> b) {
  return hn::Vec512<uint64_t>{_mm512_sad_epu8(a.raw, b.raw)};
}
#endif
#else
HWY_INLINE V64 Sad(V8 a, V8 b) {
  return hn::SumsOf8(hn::Or(hn::SaturatedSub(a, b), hn::SaturatedSub(b, a)));
}
#endif

HWY_INLINE V8 AbsDiffU8(V8 a, V8 b) {
  return hn::Or(hn::SaturatedSub(a, b), hn::SaturatedSub(b, a));
}

HWY_INLINE uint32_t Total(V64 acc) {
  return static_cast<uint32_t>(hn::GetLane(hn::SumOfLanes(D64(), acc)));
}

HWY_INLINE uint32_t MaxByte(V8 v) {
  const D8 d;
  HWY_ALIGN uint8_t lanes[kKernelPadding];
  hn::Store(v, d, lanes);
  return *std::max_element(lanes, lanes + hn::Lanes(d));
}

// Four queries against one prototype: each prototype vector is loaded once.
HWY_INLINE void L1Four(const uint8_t* q0, const uint8_t* q1, const uint8_t* q2, const uint8_t* q3,
                       const uint8_t* row, size_t n, uint32_t* r) {
  const D8 d;
  const D64 d64;
  const size_t lanes = hn::Lanes(d);
  const size_t full = n - n % lanes;
  V64 a0 = hn::Zero(d64), a1 = hn::Zero(d64), a2 = hn::Zero(d64), a3 = hn::Zero(d64);
  for (size_t i = 0; i < full; i += lanes) {
    const V8 p = hn::LoadU(d, row + i);
    a0 = hn::Add(a0, Sad(p, hn::LoadU(d, q0 + i)));
    a1 = hn::Add(a1, Sad(p, hn::LoadU(d, q1 + i)));
    a2 = hn::Add(a2, Sad(p, hn::LoadU(d, q2 + i)));
    a3 = hn::Add(a3, Sad(p, hn::LoadU(d, q3 + i)));
  }
  if (full < n) {
    const auto m = hn::FirstN(d, n - full);
    const V8 p = hn::IfThenElseZero(m, hn::LoadU(d, row + full));
    a0 = hn::Add(a0, Sad(p, hn::IfThenElseZero(m, hn::LoadU(d, q0 + full))));
    a1 = hn::Add(a1, Sad(p, hn::IfThenElseZero(m, hn::LoadU(d, q1 + full))));
    a2 = hn::Add(a2, Sad(p, hn::IfThenElseZero(m, hn::LoadU(d, q2 + full))));
    a3 = hn::Add(a3, Sad(p, hn::IfThenElseZero(m, hn::LoadU(d, q3 + full))));
  }
  r[0] = Total(a0);
  r[1] = Total(a1);
  r[2] = Total(a2);
  r[3] = Total(a3);
}

// Four queries against two prototypes: eight independent accumulators keep the SAD units busy, and each
// query vector loaded serves two comparisons.
HWY_INLINE void L1FourByTwo(const uint8_t* q0, const uint8_t* q1, const uint8_t* q2, const uint8_t* q3,
                            const uint8_t* r0, const uint8_t* r1, size_t n, uint32_t* out0, uint32_t* out1) {
  const D8 d;
  const D64 d64;
  const size_t lanes = hn::Lanes(d);
  const size_t full = n - n % lanes;
  V64 a0 = hn::Zero(d64), a1 = hn::Zero(d64), a2 = hn::Zero(d64), a3 = hn::Zero(d64);
  V64 b0 = hn::Zero(d64), b1 = hn::Zero(d64), b2 = hn::Zero(d64), b3 = hn::Zero(d64);
  auto step = [&](V8 p0, V8 p1, V8 x0, V8 x1, V8 x2, V8 x3) {
    a0 = hn::Add(a0, Sad(p0, x0));
    b0 = hn::Add(b0, Sad(p1, x0));
    a1 = hn::Add(a1, Sad(p0, x1));
    b1 = hn::Add(b1, Sad(p1, x1));
    a2 = hn::Add(a2, Sad(p0, x2));
    b2 = hn::Add(b2, Sad(p1, x2));
    a3 = hn::Add(a3, Sad(p0, x3));
    b3 = hn::Add(b3, Sad(p1, x3));
  };
  for (size_t i = 0; i < full; i += lanes)
    step(hn::LoadU(d, r0 + i), hn::LoadU(d, r1 + i), hn::LoadU(d, q0 + i), hn::LoadU(d, q1 + i),
         hn::LoadU(d, q2 + i), hn::LoadU(d, q3 + i));
  if (full < n) {
    const auto m = hn::FirstN(d, n - full);
    auto masked = [&](const uint8_t* p) { return hn::IfThenElseZero(m, hn::LoadU(d, p + full)); };
    step(masked(r0), masked(r1), masked(q0), masked(q1), masked(q2), masked(q3));
  }
  out0[0] = Total(a0);
  out0[1] = Total(a1);
  out0[2] = Total(a2);
  out0[3] = Total(a3);
  out1[0] = Total(b0);
  out1[1] = Total(b1);
  out1[2] = Total(b2);
  out1[3] = Total(b3);
}

HWY_INLINE uint32_t L1One(const uint8_t* q, const uint8_t* row, size_t n) {
  const D8 d;
  const D64 d64;
  const size_t lanes = hn::Lanes(d);
  const size_t full = n - n % lanes;
  V64 a0 = hn::Zero(d64), a1 = hn::Zero(d64);
  size_t i = 0;
  for (; i + 2 * lanes <= full; i += 2 * lanes) {  // two chains hide the add latency
    a0 = hn::Add(a0, Sad(hn::LoadU(d, row + i), hn::LoadU(d, q + i)));
    a1 = hn::Add(a1, Sad(hn::LoadU(d, row + i + lanes), hn::LoadU(d, q + i + lanes)));
  }
  if (i < full) a0 = hn::Add(a0, Sad(hn::LoadU(d, row + i), hn::LoadU(d, q + i)));
  if (full < n) {
    const auto m = hn::FirstN(d, n - full);
    a1 = hn::Add(a1, Sad(hn::IfThenElseZero(m, hn::LoadU(d, row + full)),
                         hn::IfThenElseZero(m, hn::LoadU(d, q + full))));
  }
  return Total(hn::Add(a0, a1));
}

HWY_INLINE uint32_t LsupOne(const uint8_t* q, const uint8_t* row, size_t n) {
  const D8 d;
  const size_t lanes = hn::Lanes(d);
  const size_t full = n - n % lanes;
  V8 acc = hn::Zero(d);
  for (size_t i = 0; i < full; i += lanes)
    acc = hn::Max(acc, AbsDiffU8(hn::LoadU(d, row + i), hn::LoadU(d, q + i)));
  if (full < n) {
    const auto m = hn::FirstN(d, n - full);
    acc = hn::Max(acc, hn::IfThenElseZero(m, AbsDiffU8(hn::LoadU(d, row + full), hn::LoadU(d, q + full))));
  }
  return MaxByte(acc);
}

void L1Block(const uint8_t* q, size_t qs, size_t nq, const uint8_t* protos, size_t ps, size_t count, size_t n,
             uint32_t* out, size_t os) {
  size_t j = 0;
  for (; j + 4 <= nq; j += 4) {
    const uint8_t* qj = q + j * qs;
    size_t p = 0;
    for (; p + 2 <= count; p += 2) {
      uint32_t r[4], r1[4];
      L1FourByTwo(qj, qj + qs, qj + 2 * qs, qj + 3 * qs, protos + p * ps, protos + (p + 1) * ps, n, r, r1);
      for (size_t k = 0; k < 4; ++k) {
        out[(j + k) * os + p] = r[k];
        out[(j + k) * os + p + 1] = r1[k];
      }
    }
    for (; p < count; ++p) {
      uint32_t r[4];
      L1Four(qj, qj + qs, qj + 2 * qs, qj + 3 * qs, protos + p * ps, n, r);
      for (size_t k = 0; k < 4; ++k) out[(j + k) * os + p] = r[k];
    }
  }
  for (; j < nq; ++j)
    for (size_t p = 0; p < count; ++p) out[j * os + p] = L1One(q + j * qs, protos + p * ps, n);
}

void LsupBlock(const uint8_t* q, size_t qs, size_t nq, const uint8_t* protos, size_t ps, size_t count,
               size_t n, uint32_t* out, size_t os) {
  EachPair(q, qs, nq, protos, ps, count, n, out, os, LsupOne);
}
#endif

const char* TargetName() {
  return hwy::TargetName(HWY_TARGET);
}

}  // namespace scx::cogmem::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace scx::cogmem {

HWY_EXPORT(L1Block);
HWY_EXPORT(LsupBlock);
HWY_EXPORT(TargetName);

uint32_t l1_distance_scalar(const uint8_t* a, const uint8_t* b, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += static_cast<uint32_t>(std::abs(int{a[i]} - int{b[i]}));
  return sum;
}

uint32_t lsup_distance_scalar(const uint8_t* a, const uint8_t* b, size_t n) {
  uint32_t m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, static_cast<uint32_t>(std::abs(int{a[i]} - int{b[i]})));
  return m;
}

uint32_t distance_scalar(Norm norm, const uint8_t* a, const uint8_t* b, size_t n) {
  return norm == Norm::kL1 ? l1_distance_scalar(a, b, n) : lsup_distance_scalar(a, b, n);
}

uint32_t l1_distance(const uint8_t* a, const uint8_t* b, size_t n) {
  uint32_t r = 0;
  HWY_DYNAMIC_DISPATCH(L1Block)(a, 0, 1, b, 0, 1, n, &r, 0);
  return r;
}

uint32_t lsup_distance(const uint8_t* a, const uint8_t* b, size_t n) {
  uint32_t r = 0;
  HWY_DYNAMIC_DISPATCH(LsupBlock)(a, 0, 1, b, 0, 1, n, &r, 0);
  return r;
}

void distances_block(Norm norm, const uint8_t* queries, size_t query_stride, size_t nq, const uint8_t* protos,
                     size_t proto_stride, size_t count, size_t n, uint32_t* out, size_t out_stride) {
  if (norm == Norm::kL1)
    HWY_DYNAMIC_DISPATCH(L1Block)(queries, query_stride, nq, protos, proto_stride, count, n, out, out_stride);
  else
    HWY_DYNAMIC_DISPATCH(LsupBlock)
  (queries, query_stride, nq, protos, proto_stride, count, n, out, out_stride);
}

const char* simd_target_name() {
  return HWY_DYNAMIC_DISPATCH(TargetName)();
}

void limit_simd_target(const std::string& name) {
  int64_t keep_from = 0;  // Highway orders targets by bit: smaller bits are better
  if (name == "avx3")
    keep_from = HWY_AVX3;
  else if (name == "avx2")
    keep_from = HWY_AVX2;
  else if (name == "sse4")
    keep_from = HWY_SSE4;
  else if (name == "scalar")
    keep_from = HWY_SCALAR | HWY_EMU128;
  else
    throw_error_at("", 0, 0, "simd target", "'" + name + "' is not one of avx3, avx2, sse4, scalar");
  hwy::DisableTargets(keep_from == (HWY_SCALAR | HWY_EMU128) ? ~int64_t{HWY_SCALAR | HWY_EMU128}
                                                             : (keep_from - 1) & ~keep_from);
}

}  // namespace scx::cogmem
#endif
