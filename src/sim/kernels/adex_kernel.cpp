// Compiled once per SIMD target by Highway's foreach_target; the best one is chosen at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sim/kernels/adex_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include <cstring>

#include "sim/kernels/adex_kernel.hpp"

HWY_BEFORE_NAMESPACE();
namespace scx::sim {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;
using DF = hn::Rebind<float, D>;  // as many floats as D has doubles

HWY_INLINE V load(D d, const float* p) {
  return hn::PromoteTo(d, hn::LoadU(DF(), p));
}
HWY_INLINE void store(D d, V x, float* p) {
  (void)d;
  hn::StoreU(hn::DemoteTo(DF(), x), DF(), p);
}

uint32_t AdExStep(const AdExCoeffs& c, const AdExArrays& s, const StepInput& in, uint32_t begin, uint32_t end,
                  uint32_t* spiked) {
  const D d;
  const DF df;
  const size_t lanes = hn::Lanes(d);
  const V g_l = hn::Set(d, c.g_l), e_l = hn::Set(d, c.e_l), v_t = hn::Set(d, c.v_t);
  const V inv_delta_t = hn::Set(d, 1.0 / c.delta_t), g_l_delta_t = hn::Set(d, c.g_l * c.delta_t);
  const V v_peak = hn::Set(d, c.v_peak), v_reset = hn::Set(d, c.v_reset), inv_c = hn::Set(d, c.inv_c_m);
  const V inv_tau_w = hn::Set(d, c.inv_tau_w), a = hn::Set(d, c.a), b = hn::Set(d, c.b);
  const V h = hn::Set(d, c.h_sub), de = hn::Set(d, c.decay_exc), di = hn::Set(d, c.decay_inh);
  const V max_arg = hn::Set(d, 20.0), zero = hn::Zero(d);
  const auto zero_f = hn::Zero(df);
  const V ref_start = hn::Set(d, double(c.ref_steps) + 1.0), one = hn::Set(d, 1.0);
  uint32_t n = 0;
  for (uint32_t i = begin; i < end; i += uint32_t(lanes)) {
    V v = load(d, s.v + i), w = load(d, s.w + i);
    // The step's input adds to the currents in single precision, as the state holds them.
    V ie = hn::PromoteTo(d, hn::Add(hn::LoadU(df, s.i_exc + i), hn::LoadU(df, in.in_exc + i)));
    V ii = hn::PromoteTo(d, hn::Add(hn::LoadU(df, s.i_inh + i), hn::LoadU(df, in.in_inh + i)));
    hn::StoreU(zero_f, df, in.in_exc + i);
    hn::StoreU(zero_f, df, in.in_inh + i);
    V drive = hn::Set(d, c.i_e);
    if (in.i_stim) drive = hn::Add(drive, load(d, in.i_stim + i));
    V ref = load(d, s.ref_steps_left + i);  // whole numbers: exact in either precision
    auto refractory = hn::Gt(ref, zero);
    auto spike = hn::Lt(zero, zero);  // none yet
    for (int k = 0; k < c.substeps; ++k) {
      const V exp_arg = hn::Min(hn::Mul(hn::Sub(v, v_t), inv_delta_t), max_arg);  // v is reset at v_peak
      V dv = hn::MulAdd(g_l_delta_t, hn::Exp(d, exp_arg), hn::NegMulAdd(g_l, hn::Sub(v, e_l), drive));
      dv = hn::Mul(hn::Add(hn::Sub(dv, w), hn::Add(ie, ii)), inv_c);
      dv = hn::IfThenZeroElse(refractory, dv);
      const V dw = hn::Mul(hn::MulSub(a, hn::Sub(v, e_l), w), inv_tau_w);
      v = hn::MulAdd(h, dv, v);
      w = hn::MulAdd(h, dw, w);
      ie = hn::Mul(ie, de);
      ii = hn::Mul(ii, di);
      const auto fired = hn::AndNot(refractory, hn::Ge(v, v_peak));  // at most once: then refractory
      v = hn::IfThenElse(fired, v_reset, v);
      w = hn::IfThenElse(fired, hn::Add(w, b), w);
      spike = hn::Or(spike, fired);
      refractory = hn::Or(refractory, fired);
    }
    ref = hn::IfThenElse(spike, ref_start, ref);
    ref = hn::IfThenElse(hn::Gt(ref, zero), hn::Sub(ref, one), ref);
    store(d, ref, s.ref_steps_left + i);
    store(d, v, s.v + i);
    store(d, w, s.w + i);
    store(d, ie, s.i_exc + i);
    store(d, ii, s.i_inh + i);
    if (!hn::AllFalse(d, spike)) {
      uint8_t bytes[8] = {};
      hn::StoreMaskBits(d, spike, bytes);
      uint64_t bits;
      std::memcpy(&bits, bytes, sizeof bits);
      for (; bits; bits &= bits - 1) spiked[n++] = i + uint32_t(__builtin_ctzll(bits));
    }
  }
  return n;
}

}  // namespace HWY_NAMESPACE
}  // namespace scx::sim
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace scx::sim {
HWY_EXPORT(AdExStep);

uint32_t adex_step(const AdExCoeffs& c, const AdExArrays& s, const StepInput& in, uint32_t begin,
                   uint32_t end, uint32_t* spiked) {
  return HWY_DYNAMIC_DISPATCH(AdExStep)(c, s, in, begin, end, spiked);
}
}  // namespace scx::sim
#endif
