#pragma once
// Learning as a Loihi-class core does it: integer weights with the chip's weight bits, integer traces, and a
// sum-of-products rule applied in the learning phase at the end of every learning epoch (every
// `epoch_ticks` ticks). The float rule (learning::Rule) is the reference; with epoch_ticks = 1 and nearest
// rounding the weights agree with it within the rounding bound (docs/design/learning.md).
//
// Fixed-point state:
//   traces x1, x2 (per pre axon), y1, y2, y3 (per post neuron): a 7-bit integer part and kTraceFrac
//     fractional bits; a spike adds `trace_impulse` (saturating at 127), one tick decays by a Q16
//     multiply with round-to-nearest. The rule reads a trace as value / trace_impulse, so a trace of one
//     fresh spike is 1.0 as in the float rule.
//   weights: signed integers of `weight_bits` bits in units of `weight_lsb` (model weight per step), clipped
//     to the rule's bounds; tags the same units, saturating at 15 bits + sign.
// Learning phase, per synapse: x0 / y0 = the pre / post neuron spiked in this epoch; the products are
// evaluated from the integer state, the change is rounded to whole weight steps once (to nearest, or
// stochastically from a counter-based stream keyed by (seed, synapse, epoch): unbiased and repeatable) and
// saturated like Loihi's 15-bit + sign accumulator. Spikes of the epoch's last tick enter the traces after
// its learning phase (as in the float rule, simultaneous spikes do not pair).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "silicortex/learning/expression.hpp"
#include "silicortex/model/plasticity.hpp"

namespace scx::learning {

struct FixedPointOptions {
  int32_t epoch_ticks = 1;
  bool stochastic_rounding = false;
  uint64_t seed = 0;
  int32_t trace_impulse = 16;  // trace integer units per spike, 1..127
};

class FixedPointLearner {
 public:
  static constexpr int kTraceFrac = 8;       // fractional bits of a trace
  static constexpr int32_t kTraceMax = 127;  // 7-bit integer part
  static constexpr int32_t kAccumulator = (1 << 15) - 1;

  // `rule`: pair_stdp (additive or multiplicative) or an expression; other rules throw scx::Error naming
  // `object`. dt_ms is the tick.
  FixedPointLearner(const model::PlasticityRule& rule, double dt_ms, int32_t weight_bits, double weight_lsb,
                    const FixedPointOptions& options, int32_t pre_count, int32_t post_count,
                    const std::string& object = "plasticity");

  // A synapse with an initial weight in steps of weight_lsb; returns its index.
  uint32_t add_synapse(int32_t pre, int32_t post, int32_t weight);
  size_t synapses() const { return syn_.size(); }
  int32_t pre_count() const { return int32_t(pre_tr_.size()); }
  int32_t post_count() const { return int32_t(post_tr_.size()); }
  int32_t weight(size_t s) const { return syn_[s].weight; }
  int32_t tag(size_t s) const { return syn_[s].tag; }
  double weight_lsb() const { return lsb_; }

  void pre_spike(int32_t pre) { pre_spiked_[size_t(pre)] = 1, pre_now_[size_t(pre)] = 1; }
  void post_spike(int32_t post) { post_spiked_[size_t(post)] = 1, post_now_[size_t(post)] = 1; }
  void set_reward(double r) { reward_ = r; }
  // Ends a tick: runs the learning phase if an epoch ends here (returns true then), folds this tick's
  // spikes into the traces and decays them by one tick.
  bool end_tick();

  // A trace as the rule reads it (trace k of pre axon / post neuron), for tests.
  double pre_trace(int32_t pre, int k) const { return double(pre_tr_[size_t(pre)][size_t(k)]) / unit_; }
  double post_trace(int32_t post, int k) const { return double(post_tr_[size_t(post)][size_t(k)]) / unit_; }

 private:
  struct Synapse {
    int32_t pre, post, weight, tag;
  };
  void learning_phase();

  CompiledExpression expr_;
  FixedPointOptions opt_;
  double lsb_ = 1, unit_ = 1;
  int32_t w_lo_ = 0, w_hi_ = 0;
  bool nearest_ = false;
  std::vector<Synapse> syn_;
  std::vector<std::array<int32_t, 2>> pre_tr_;
  std::vector<std::array<int32_t, 3>> post_tr_;
  std::array<int64_t, 5> decay_q16_{};  // per tick: x1, x2, y1, y2, y3
  std::vector<uint8_t> pre_spiked_, post_spiked_, pre_now_, post_now_;
  double reward_ = 0;
  int64_t tick_ = 0, epoch_ = 0;
};

}  // namespace scx::learning
