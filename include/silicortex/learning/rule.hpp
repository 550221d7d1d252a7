#pragma once
// A projection's plasticity rule, lowered from its model spec once: trace time constants in steps and the
// weight and tag updates at pre spikes, at post spikes and every step. The engine and the single-synapse
// driver call the same functions, so the formula tests cover what the engine runs.
//
// Timing convention (docs/design/learning.md): the traces a rule reads at step s include the spikes of steps
// before s only. Within a step, pre-spike updates come first, then post-spike updates, then every-step
// updates; the spikes of step s enter the traces afterwards. Simultaneous pre and post spikes therefore do
// not pair.
#include <array>
#include <cmath>
#include <cstdint>
#include <variant>

#include "silicortex/learning/expression.hpp"
#include "silicortex/learning/trace_set.hpp"
#include "silicortex/model/plasticity.hpp"

namespace scx::learning {

inline constexpr int kPreTraces = 2;   // x1, x2
inline constexpr int kPostTraces = 3;  // y1, y2, y3

class Rule {
 public:
  // Throws scx::Error "<object>: rule:line:column: ..." for a bad expression.
  Rule(const model::PlasticityRule& spec, double dt_ms, const std::string& object = "plasticity");

  const TraceSet& pre_traces() const { return pre_; }
  const TraceSet& post_traces() const { return post_; }
  bool uses_tag() const { return uses_tag_; }          // needs a per-synapse tag (eligibility) array
  bool has_every_step() const { return every_step_; }  // must visit every synapse every step
  // Bit masks (1 << Var) of the variables each entry point reads; the engine fills only those.
  uint32_t pre_needs() const { return pre_needs_; }
  uint32_t post_needs() const { return post_needs_; }
  uint32_t every_step_needs() const { return every_needs_; }

  // True when a pre spike changes nothing while the post trace y1 is 0 and w is within bounds (pair, triplet
  // and reward STDP: their pre-spike update is proportional to y1). Lets the engine skip such synapses.
  bool pre_inert_without_y1() const { return pre_inert_without_y1_; }
  bool in_bounds(double w) const { return w >= w_min_ && w <= w_max_; }

  // The global reward `value`, set `steps_since` steps ago, as this rule sees it now.
  double reward(double value, int64_t steps_since) const {
    return tau_r_steps_ > 0 ? value * std::exp(-double(steps_since) / tau_r_steps_) : value;
  }

  // Scales every weight change (not the tag's): a learning-rate schedule without rebuilding the rule.
  void set_rate(double rate) { rate_ = rate; }

  // v holds x0..t at this step (traces without this step's spikes); w and tag are updated in place.
  void on_pre(const VarValues& v, double& w, double& tag) const;
  void on_post(const VarValues& v, double& w, double& tag) const;
  void every_step(const VarValues& v, double& w, double& tag) const;

 private:
  void apply(const CompiledExpression::Target& dw, const CompiledExpression::Target& dt,
             ProductSum CompiledExpression::Target::*part, const VarValues& v, double& w, double& tag) const;
  double clip(double w) const { return w < w_min_ ? w_min_ : (w > w_max_ ? w_max_ : w); }
  // After an update from w0 to w: w0 plus rate_ times the change.
  void scale_change(double w0, double& w) const {
    if (rate_ != 1) w = clip(w0 + rate_ * (w - w0));
  }

  model::PlasticityRule spec_;
  CompiledExpression expr_;  // for ExpressionRule only
  TraceSet pre_, post_;
  double w_min_ = 0, w_max_ = 1;
  double tau_r_steps_ = 0;
  double rate_ = 1;
  double c_decay_ = 1, c_to_w_ = 0;  // R-STDP: eligibility decay per step and the step integral factor
  bool uses_tag_ = false, every_step_ = false, pre_inert_without_y1_ = false;
  uint32_t pre_needs_ = 0, post_needs_ = 0, every_needs_ = 0;
};

}  // namespace scx::learning
