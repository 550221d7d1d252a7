#include "silicortex/learning/fixed_point_learner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"

namespace scx::learning {

namespace {

// Pair STDP in sum-of-products form: dw = a+ x1 y0 - a- y1 x0, with (w_max - w) and (w - w_min) factors when
// multiplicative.
CompiledExpression pair_stdp_products(const model::PairStdp& r) {
  CompiledExpression e;
  if (r.multiplicative) {
    e.dw.on_post.add(r.a_plus * r.w_max, {kX1, kY0});
    e.dw.on_post.add(-r.a_plus, {kW, kX1, kY0});
    e.dw.on_pre.add(-r.a_minus, {kW, kY1, kX0});
    e.dw.on_pre.add(r.a_minus * r.w_min, {kY1, kX0});
  } else {
    e.dw.on_post.add(r.a_plus, {kX1, kY0});
    e.dw.on_pre.add(-r.a_minus, {kY1, kX0});
  }
  return e;
}

int64_t decay_factor(double tau_ms, double dt_ms) {
  return std::llround(std::exp(-dt_ms / tau_ms) * 65536.0);
}

int32_t saturate(int64_t v, int64_t lo, int64_t hi) {
  return static_cast<int32_t>(std::clamp(v, lo, hi));
}

}  // namespace

FixedPointLearner::FixedPointLearner(const model::PlasticityRule& rule, double dt_ms, int32_t weight_bits,
                                     double weight_lsb, const FixedPointOptions& options, int32_t pre_count,
                                     int32_t post_count, const std::string& object)
    : opt_(options), lsb_(weight_lsb) {
  if (options.epoch_ticks < 1)
    throw Error(
        fmt::format("{}: learning epoch {} ticks; it must be at least 1", object, options.epoch_ticks));
  if (options.trace_impulse < 1 || options.trace_impulse > kTraceMax)
    throw Error(
        fmt::format("{}: trace impulse {} is outside 1..{}", object, options.trace_impulse, kTraceMax));
  if (!(weight_lsb > 0) || weight_bits < 2 || weight_bits > 16)
    throw Error(fmt::format("{}: weight step {} and {} weight bits are not a fixed-point format", object,
                            weight_lsb, weight_bits));
  std::array<double, 5> tau{};
  double w_min = 0, w_max = 0;
  if (const auto* p = std::get_if<model::PairStdp>(&rule)) {
    expr_ = pair_stdp_products(*p);
    tau = {p->tau_plus_ms, p->tau_plus_ms, p->tau_minus_ms, p->tau_minus_ms, p->tau_minus_ms};
    w_min = p->w_min, w_max = p->w_max, nearest_ = p->pairing == model::Pairing::Nearest;
  } else if (const auto* e = std::get_if<model::ExpressionRule>(&rule)) {
    try {
      expr_ = compile_expression(e->text);
    } catch (const Error& err) {
      throw Error(object + ": " + err.what());
    }
    tau = {e->tau_x1_ms, e->tau_x2_ms, e->tau_y1_ms, e->tau_y2_ms, e->tau_y3_ms};
    w_min = e->w_min, w_max = e->w_max, nearest_ = e->pairing == model::Pairing::Nearest;
  } else {
    throw Error(
        fmt::format("{}: rule '{}' has no fixed-point form on the chip; use pair_stdp or an expression",
                    object, model::rule_name(rule)));
  }
  for (size_t k = 0; k < tau.size(); ++k) decay_q16_[k] = decay_factor(tau[k], dt_ms);
  unit_ = double(options.trace_impulse) * (1 << kTraceFrac);
  const int64_t hi = (int64_t{1} << (weight_bits - 1)) - 1;
  w_lo_ = saturate(std::llround(std::ceil(w_min / lsb_)), -hi - 1, hi);
  w_hi_ = saturate(std::llround(std::floor(w_max / lsb_)), -hi - 1, hi);
  pre_tr_.assign(size_t(pre_count), {});
  post_tr_.assign(size_t(post_count), {});
  pre_spiked_.assign(size_t(pre_count), 0), pre_now_.assign(size_t(pre_count), 0);
  post_spiked_.assign(size_t(post_count), 0), post_now_.assign(size_t(post_count), 0);
}

uint32_t FixedPointLearner::add_synapse(int32_t pre, int32_t post, int32_t weight) {
  SCX_ASSERT(pre >= 0 && size_t(pre) < pre_tr_.size() && post >= 0 && size_t(post) < post_tr_.size());
  syn_.push_back({pre, post, std::clamp(weight, w_lo_, w_hi_), 0});
  return uint32_t(syn_.size() - 1);
}

void FixedPointLearner::learning_phase() {
  VarValues v{};
  v[kR] = reward_;
  for (size_t s = 0; s < syn_.size(); ++s) {
    Synapse& y = syn_[s];
    const auto& xt = pre_tr_[size_t(y.pre)];
    const auto& yt = post_tr_[size_t(y.post)];
    v[kX0] = pre_spiked_[size_t(y.pre)], v[kY0] = post_spiked_[size_t(y.post)];
    v[kX1] = xt[0] / unit_, v[kX2] = xt[1] / unit_;
    v[kY1] = yt[0] / unit_, v[kY2] = yt[1] / unit_, v[kY3] = yt[2] / unit_;
    v[kW] = y.weight * lsb_, v[kT] = y.tag * lsb_;
    const auto total = [&](const CompiledExpression::Target& t) {
      return t.on_pre.evaluate(v) + t.on_post.evaluate(v) + t.every_step.evaluate(v);
    };
    const double dw = total(expr_.dw) / lsb_, dt = total(expr_.dt) / lsb_;
    double round_w = 0.5, round_t = 0.5;  // floor(x + u): u = 1/2 rounds to nearest, u ~ U(0,1) is unbiased
    if (opt_.stochastic_rounding) {
      RandomStream rng(opt_.seed, stream_id(0x10A1, s), uint32_t(epoch_));
      round_w = rng.uniform(), round_t = rng.uniform();
    }
    const int64_t dwi =
        std::clamp<int64_t>(std::llround(std::floor(dw + round_w)), -kAccumulator, kAccumulator);
    const int64_t dti =
        std::clamp<int64_t>(std::llround(std::floor(dt + round_t)), -kAccumulator, kAccumulator);
    y.weight = saturate(int64_t{y.weight} + dwi, w_lo_, w_hi_);
    y.tag = saturate(int64_t{y.tag} + dti, -kAccumulator, kAccumulator);
  }
}

bool FixedPointLearner::end_tick() {
  const bool phase = (tick_ + 1) % opt_.epoch_ticks == 0;
  if (phase) {
    learning_phase();
    ++epoch_;
    std::fill(pre_spiked_.begin(), pre_spiked_.end(), 0);
    std::fill(post_spiked_.begin(), post_spiked_.end(), 0);
  }
  const int32_t impulse = opt_.trace_impulse << kTraceFrac, cap = (kTraceMax << kTraceFrac) | 0xFF;
  auto advance = [&](int32_t& tr, bool spiked, int64_t decay) {
    if (spiked) tr = nearest_ ? impulse : std::min(tr + impulse, cap);
    tr = static_cast<int32_t>((int64_t{tr} * decay + (1 << 15)) >> 16);
  };
  for (size_t i = 0; i < pre_tr_.size(); ++i)
    for (size_t k = 0; k < 2; ++k) advance(pre_tr_[i][k], pre_now_[i], decay_q16_[k]);
  for (size_t j = 0; j < post_tr_.size(); ++j)
    for (size_t k = 0; k < 3; ++k) advance(post_tr_[j][k], post_now_[j], decay_q16_[2 + k]);
  std::fill(pre_now_.begin(), pre_now_.end(), 0);
  std::fill(post_now_.begin(), post_now_.end(), 0);
  ++tick_;
  return phase;
}

}  // namespace scx::learning
