// Compiled once per SIMD target by Highway's foreach_target; the best one is chosen at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sim/kernels/lif_kernels.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include "sim/kernels/lif_kernels.hpp"

HWY_BEFORE_NAMESPACE();
namespace scx::sim {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;
using M = hn::Mask<D>;

// Applies refractoriness, threshold and reset to the freshly integrated `v_new`, stores the state and
// collects spikes. Shared by both LIF kernels.
template <bool kTheta>
HWY_INLINE uint32_t finish_lif(D d, size_t i, V v_held, V v_new, V ref, V v_th, const float* theta, V v_reset,
                               V ref_steps, float* v_out, float* ref_out, uint32_t* spiked,
                               uint32_t n_spiked) {
  const V zero = hn::Zero(d);
  const M refractory = ref > zero;
  v_new = hn::IfThenElse(refractory, v_held, v_new);
  ref = hn::IfThenElse(refractory, hn::Sub(ref, hn::Set(d, 1.0f)), ref);
  const M spike = hn::AndNot(refractory, v_new > (kTheta ? hn::Add(v_th, hn::Load(d, theta + i)) : v_th));
  hn::Store(hn::IfThenElse(spike, v_reset, v_new), d, v_out + i);
  hn::Store(hn::IfThenElse(spike, ref_steps, ref), d, ref_out + i);
  if (!hn::AllFalse(d, spike)) {
    uint8_t bits[(HWY_MAX_BYTES / sizeof(float) + 7) / 8 + 8] = {};
    hn::StoreMaskBits(d, spike, bits);
    const size_t lanes = hn::Lanes(d);
    for (size_t lane = 0; lane < lanes; ++lane)
      if ((bits[lane >> 3] >> (lane & 7)) & 1) spiked[n_spiked++] = static_cast<uint32_t>(i + lane);
  }
  return n_spiked;
}

// The arrays as a local value, so the compiler knows the stores in the loop cannot change the pointers.
struct Pointers {
  float* v;
  float* syn_exc;
  float* syn_inh;
  float* ref;
  float* in_exc;
  float* in_inh;
  const float* i_stim;
  const float* theta;
};

HWY_INLINE Pointers pointers(const LifArrays& s, const StepInput& in) {
  return {s.v, s.syn_exc, s.syn_inh, s.ref_steps_left, in.in_exc, in.in_inh, in.i_stim, s.theta};
}

// Reads and clears this step's synaptic input (the ring slot is reused for a later step).
HWY_INLINE V take_input(D d, float* in, size_t i) {
  const V x = hn::LoadU(d, in + i);
  hn::StoreU(hn::Zero(d), d, in + i);
  return x;
}

// A synaptic variable with this step's input added: the input slot is the variable itself when the group
// keeps its state there; otherwise it is taken from the slot.
template <bool kInState>
HWY_INLINE V synaptic(D d, const float* state, float* in, size_t i) {
  if constexpr (kInState) return hn::Load(d, state + i);
  return hn::Add(hn::Load(d, state + i), take_input(d, in, i));
}

template <bool kStim, bool kTheta, bool kInState>
uint32_t LifCurrExpLoop(const LifCurrExpCoeffs& c, const LifArrays& s, const StepInput& in, uint32_t begin,
                        uint32_t end, uint32_t* spiked) {
  const D d;
  const size_t lanes = hn::Lanes(d);
  const V leak = hn::Set(d, c.leak), p21e = hn::Set(d, c.p21_exc), p21i = hn::Set(d, c.p21_inh);
  const V p20 = hn::Set(d, c.p20), de = hn::Set(d, c.decay_exc), di = hn::Set(d, c.decay_inh);
  const V e_l = hn::Set(d, c.e_l), i_e = hn::Set(d, c.i_e);
  const V v_th = hn::Set(d, c.v_th), v_reset = hn::Set(d, c.v_reset), ref_steps = hn::Set(d, c.ref_steps);
  const Pointers p = pointers(s, in);
  uint32_t n = 0;
  for (size_t i = begin; i < end; i += lanes) {
    const V v = hn::Load(d, p.v + i);
    const V ie = synaptic<kInState>(d, p.syn_exc, p.in_exc, i);
    const V ii = synaptic<kInState>(d, p.syn_inh, p.in_inh, i);
    const V drive = kStim ? hn::Add(i_e, hn::LoadU(d, p.i_stim + i)) : i_e;
    // v - (v - e_l)(1 - e^{-h/tau_m}) rather than e_l + (v - e_l) e^{-h/tau_m}: keeps the fixed point exact
    // in single precision when h << tau_m.
    V v_new = hn::NegMulAdd(hn::Sub(v, e_l), leak, v);
    v_new = hn::MulAdd(ie, p21e, v_new);
    v_new = hn::MulAdd(ii, p21i, v_new);
    v_new = hn::MulAdd(drive, p20, v_new);
    hn::Store(hn::Mul(ie, de), d, p.syn_exc + i);
    hn::Store(hn::Mul(ii, di), d, p.syn_inh + i);
    n = finish_lif<kTheta>(d, i, v, v_new, hn::Load(d, p.ref + i), v_th, p.theta, v_reset, ref_steps, p.v,
                           p.ref, spiked, n);
  }
  return n;
}

template <bool kStim, bool kTheta, bool kInState>
uint32_t LifCondExpLoop(const LifCondExpCoeffs& c, const LifArrays& s, const StepInput& in, uint32_t begin,
                        uint32_t end, uint32_t* spiked) {
  const D d;
  const size_t lanes = hn::Lanes(d);
  const V g_l = hn::Set(d, c.g_l), gl_el_ie = hn::Set(d, c.g_l * c.e_l + c.i_e);
  const V e_exc = hn::Set(d, c.e_exc), e_inh = hn::Set(d, c.e_inh), k = hn::Set(d, c.neg_dt_over_c);
  const V de = hn::Set(d, c.decay_exc), di = hn::Set(d, c.decay_inh);
  const V v_th = hn::Set(d, c.v_th), v_reset = hn::Set(d, c.v_reset), ref_steps = hn::Set(d, c.ref_steps);
  const Pointers p = pointers(s, in);
  uint32_t n = 0;
  for (size_t i = begin; i < end; i += lanes) {
    const V v = hn::Load(d, p.v + i);
    const V ge = synaptic<kInState>(d, p.syn_exc, p.in_exc, i);
    const V gi = synaptic<kInState>(d, p.syn_inh, p.in_inh, i);
    const V g_tot = hn::Add(g_l, hn::Add(ge, gi));
    // v relaxes towards v_inf with time constant c_m / g_tot over the step.
    V num = kStim ? hn::Add(gl_el_ie, hn::LoadU(d, p.i_stim + i)) : gl_el_ie;
    num = hn::MulAdd(ge, e_exc, num);
    num = hn::MulAdd(gi, e_inh, num);
    const V v_inf = hn::Div(num, g_tot);
    // v + (v_inf - v)(1 - e^{-h g/c}), with expm1 for accuracy when h g / c is small.
    const V relax = hn::Neg(hn::Expm1(d, hn::Mul(k, g_tot)));
    const V v_new = hn::MulAdd(hn::Sub(v_inf, v), relax, v);
    hn::Store(hn::Mul(ge, de), d, p.syn_exc + i);
    hn::Store(hn::Mul(gi, di), d, p.syn_inh + i);
    n = finish_lif<kTheta>(d, i, v, v_new, hn::Load(d, p.ref + i), v_th, p.theta, v_reset, ref_steps, p.v,
                           p.ref, spiked, n);
  }
  return n;
}

// Runs loop.operator()<kStim, kTheta, kInState>() for this group and step: each variant is compiled on its
// own, so the inner loop carries no branches for injected current, adaptive threshold or kept input.
template <class Loop>
HWY_INLINE uint32_t dispatch(const LifArrays& s, const StepInput& in, const Loop& loop) {
  auto with = [&]<bool kInState>() {
    if (s.theta)
      return in.i_stim ? loop.template operator()<true, true, kInState>()
                       : loop.template operator()<false, true, kInState>();
    return in.i_stim ? loop.template operator()<true, false, kInState>()
                     : loop.template operator()<false, false, kInState>();
  };
  return s.input_in_state ? with.template operator()<true>() : with.template operator()<false>();
}

uint32_t LifCurrExpStep(const LifCurrExpCoeffs& c, const LifArrays& s, const StepInput& in, uint32_t begin,
                        uint32_t end, uint32_t* spiked) {
  return dispatch(s, in, [&]<bool kStim, bool kTheta, bool kInState>() {
    return LifCurrExpLoop<kStim, kTheta, kInState>(c, s, in, begin, end, spiked);
  });
}

uint32_t LifCondExpStep(const LifCondExpCoeffs& c, const LifArrays& s, const StepInput& in, uint32_t begin,
                        uint32_t end, uint32_t* spiked) {
  return dispatch(s, in, [&]<bool kStim, bool kTheta, bool kInState>() {
    return LifCondExpLoop<kStim, kTheta, kInState>(c, s, in, begin, end, spiked);
  });
}

}  // namespace HWY_NAMESPACE
}  // namespace scx::sim
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace scx::sim {
HWY_EXPORT(LifCurrExpStep);
HWY_EXPORT(LifCondExpStep);

uint32_t lif_curr_exp_step(const LifCurrExpCoeffs& c, const LifArrays& s, const StepInput& in, uint32_t begin,
                           uint32_t end, uint32_t* spiked) {
  return HWY_DYNAMIC_DISPATCH(LifCurrExpStep)(c, s, in, begin, end, spiked);
}

uint32_t lif_cond_exp_step(const LifCondExpCoeffs& c, const LifArrays& s, const StepInput& in, uint32_t begin,
                           uint32_t end, uint32_t* spiked) {
  return HWY_DYNAMIC_DISPATCH(LifCondExpStep)(c, s, in, begin, end, spiked);
}
}  // namespace scx::sim
#endif
