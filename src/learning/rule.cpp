#include "silicortex/learning/rule.hpp"

#include "silicortex/core/error.hpp"
#include "silicortex/core/overloaded.hpp"

namespace scx::learning {

namespace {

TraceSet traces(std::initializer_list<double> tau_ms, double dt_ms, model::Pairing pairing) {
  return TraceSet(tau_ms, dt_ms, pairing == model::Pairing::Nearest);
}

constexpr uint32_t bit(Var v) {
  return 1u << v;
}

uint32_t needs(const ProductSum& a, const ProductSum& b) {
  uint32_t mask = 0;
  for (uint8_t v = 0; v < kVarCount; ++v)
    if (a.uses(Var(v)) || b.uses(Var(v))) mask |= 1u << v;
  return mask;
}

}  // namespace

Rule::Rule(const model::PlasticityRule& spec, double dt_ms, const std::string& object) : spec_(spec) {
  std::visit(Overloaded{[&](const model::PairStdp& r) {
                          pre_ = traces({r.tau_plus_ms}, dt_ms, r.pairing);
                          post_ = traces({r.tau_minus_ms}, dt_ms, r.pairing);
                          w_min_ = r.w_min, w_max_ = r.w_max;
                          pre_needs_ = bit(kY1), post_needs_ = bit(kX1);
                        },
                        [&](const model::TripletStdp& r) {
                          pre_ = traces({r.tau_plus_ms, r.tau_x_ms}, dt_ms, r.pairing);
                          post_ = traces({r.tau_minus_ms, r.tau_y_ms}, dt_ms, r.pairing);
                          w_min_ = r.w_min, w_max_ = r.w_max;
                          // r2 and o2 only where their amplitude is non-zero: every trace read costs.
                          pre_needs_ = bit(kY1) | (r.a3_minus != 0 ? bit(kX2) : 0);
                          post_needs_ = bit(kX1) | (r.a3_plus != 0 ? bit(kY2) : 0);
                        },
                        [&](const model::RewardStdp& r) {
                          pre_ = traces({r.tau_plus_ms}, dt_ms, r.pairing);
                          post_ = traces({r.tau_minus_ms}, dt_ms, r.pairing);
                          w_min_ = r.w_min, w_max_ = r.w_max;
                          tau_r_steps_ = r.tau_d_ms / dt_ms;
                          // Over one step c(t) d(t) = c d e^{-t/tau} with 1/tau = 1/tau_c + 1/tau_d: exact
                          // integral.
                          const double rate = 1.0 / r.tau_c_ms + (r.tau_d_ms > 0 ? 1.0 / r.tau_d_ms : 0.0);
                          c_decay_ = std::exp(-dt_ms / r.tau_c_ms);
                          c_to_w_ = -std::expm1(-dt_ms * rate) / rate;
                          uses_tag_ = every_step_ = true;
                          pre_needs_ = bit(kY1), post_needs_ = bit(kX1), every_needs_ = bit(kR);
                        },
                        [&](const model::ExpressionRule& r) {
                          try {
                            expr_ = compile_expression(r.text);
                          } catch (const Error& e) {
                            throw Error(object + ": " + e.what());
                          }
                          pre_ = traces({r.tau_x1_ms, r.tau_x2_ms}, dt_ms, r.pairing);
                          post_ = traces({r.tau_y1_ms, r.tau_y2_ms, r.tau_y3_ms}, dt_ms, r.pairing);
                          w_min_ = r.w_min, w_max_ = r.w_max;
                          tau_r_steps_ = r.tau_r_ms / dt_ms;
                          uses_tag_ = expr_.uses_tag;
                          every_step_ = expr_.has_every_step;
                          pre_needs_ = needs(expr_.dw.on_pre, expr_.dt.on_pre);
                          post_needs_ = needs(expr_.dw.on_post, expr_.dt.on_post);
                          every_needs_ = needs(expr_.dw.every_step, expr_.dt.every_step);
                        }},
             spec_);
  pre_inert_without_y1_ = !std::holds_alternative<model::ExpressionRule>(spec_);
}

void Rule::apply(const CompiledExpression::Target& dw, const CompiledExpression::Target& dt,
                 ProductSum CompiledExpression::Target::*part, const VarValues& v, double& w,
                 double& tag) const {
  const double dwv = (dw.*part).evaluate(v);
  const double dtv = (dt.*part).evaluate(v);
  w = clip(w + dwv);
  tag += dtv;
}

void Rule::on_pre(const VarValues& v, double& w, double& tag) const {
  const double w0 = w;
  std::visit(Overloaded{[&](const model::PairStdp& r) {
                          w = clip(w - r.a_minus * (r.multiplicative ? (w - w_min_) * v[kY1] : v[kY1]));
                        },
                        [&](const model::TripletStdp& r) {
                          w = clip(w - v[kY1] * (r.a2_minus + r.a3_minus * v[kX2]));
                        },
                        [&](const model::RewardStdp& r) { tag -= r.a_minus * v[kY1]; },
                        [&](const model::ExpressionRule&) {
                          apply(expr_.dw, expr_.dt, &CompiledExpression::Target::on_pre, v, w, tag);
                        }},
             spec_);
  scale_change(w0, w);
}

void Rule::on_post(const VarValues& v, double& w, double& tag) const {
  const double w0 = w;
  std::visit(Overloaded{[&](const model::PairStdp& r) {
                          w = clip(w + r.a_plus * (r.multiplicative ? (w_max_ - w) * v[kX1] : v[kX1]));
                        },
                        [&](const model::TripletStdp& r) {
                          w = clip(w + v[kX1] * (r.a2_plus + r.a3_plus * v[kY2]));
                        },
                        [&](const model::RewardStdp& r) { tag += r.a_plus * v[kX1]; },
                        [&](const model::ExpressionRule&) {
                          apply(expr_.dw, expr_.dt, &CompiledExpression::Target::on_post, v, w, tag);
                        }},
             spec_);
  scale_change(w0, w);
}

void Rule::every_step(const VarValues& v, double& w, double& tag) const {
  const double w0 = w;
  if (std::holds_alternative<model::RewardStdp>(spec_)) {
    w = clip(w + tag * v[kR] * c_to_w_);
    tag *= c_decay_;
  } else if (std::holds_alternative<model::ExpressionRule>(spec_)) {
    apply(expr_.dw, expr_.dt, &CompiledExpression::Target::every_step, v, w, tag);
  }
  scale_change(w0, w);
}

}  // namespace scx::learning
