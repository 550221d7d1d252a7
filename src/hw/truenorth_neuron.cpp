#include "silicortex/hw/truenorth_neuron.hpp"

#include <bit>

#include "silicortex/core/error.hpp"

namespace scx::hw {

bool TrueNorthNeuronParams::needs_random() const {
  return stochastic_leak || threshold_mask_bits > 0 || stochastic_weight[0] || stochastic_weight[1] ||
         stochastic_weight[2] || stochastic_weight[3];
}

bool TrueNorthNeuronParams::is_plain() const {
  return !needs_random() && !leak_reversal;
}

TrueNorthNeurons::TrueNorthNeurons(size_t n, int potential_bits)
    : v_(n), acc_(n), threshold_(n), leak_(n), cold_(n) {
  SCX_ASSERT(potential_bits >= 2 && potential_bits <= 30);
  for (auto& w : weight_) w.assign(n, 0);
  v_max_ = (int32_t{1} << (potential_bits - 1)) - 1;
  v_min_ = -(int32_t{1} << (potential_bits - 1));
  const TrueNorthNeuronParams inert;  // threshold 1, no leak, no input: never fires until configured
  for (size_t j = 0; j < n; ++j) set(j, inert);
}

void TrueNorthNeurons::set(size_t j, const TrueNorthNeuronParams& p) {
  uint8_t f = 0;
  for (int g = 0; g < 4; ++g) {
    weight_[g][j] = static_cast<int16_t>(p.weight[g]);
    if (p.stochastic_weight[g]) f |= static_cast<uint8_t>(kFlagStochW0 << g);
  }
  if (p.leak_reversal) f |= kFlagLeakReversal;
  if (p.stochastic_leak) f |= kFlagStochLeak;
  if (p.neg_saturate) f |= kFlagNegSaturate;
  Cold& c = cold_[j];
  c.flags = f;
  c.reset_mode = static_cast<uint8_t>(p.reset);
  leak_[j] = static_cast<int16_t>(p.leak);
  threshold_[j] = p.threshold;
  c.neg_threshold = p.neg_threshold;
  c.mask = p.threshold_mask_bits >= 31 ? 0x7FFFFFFF : (int32_t{1} << p.threshold_mask_bits) - 1;
  c.reset_value = p.reset_value;
  c.unused = 0;
  v_[j] = p.v_init;
  acc_[j] = 0;
}

TrueNorthNeuronParams TrueNorthNeurons::get(size_t j) const {
  TrueNorthNeuronParams p;
  const Cold& c = cold_[j];
  for (int g = 0; g < 4; ++g) {
    p.weight[g] = weight_[g][j];
    p.stochastic_weight[g] = c.flags & (kFlagStochW0 << g);
  }
  p.leak = leak_[j];
  p.leak_reversal = c.flags & kFlagLeakReversal;
  p.stochastic_leak = c.flags & kFlagStochLeak;
  p.threshold = threshold_[j];
  p.neg_threshold = c.neg_threshold;
  p.threshold_mask_bits = std::popcount(static_cast<uint32_t>(c.mask));
  p.neg_saturate = c.flags & kFlagNegSaturate;
  p.reset = static_cast<TnReset>(c.reset_mode);
  p.reset_value = c.reset_value;
  p.v_init = v_[j];
  return p;
}

void TrueNorthNeurons::integrate(size_t j, int type, uint32_t axon, const TnRandom& rng) {
  const int32_t s = weight_[type][j];
  acc_[j] += (cold_[j].flags & (kFlagStochW0 << type))
                 ? tn_stochastic(s, rng.rho8(static_cast<uint32_t>(j), axon))
                 : s;
}

bool TrueNorthNeurons::leak_threshold_reset(size_t j, const TnRandom& rng, uint64_t* saturations) {
  const auto jj = static_cast<uint32_t>(j);
  int32_t v = sat(int64_t{v_[j]} + acc_[j], saturations);
  acc_[j] = 0;
  const Cold& c = cold_[j];
  const uint8_t f = c.flags;
  const int32_t lambda =
      (f & kFlagStochLeak) ? tn_stochastic(leak_[j], rng.rho8(jj, TnRandom::kLeakSlot)) : leak_[j];
  const int32_t omega = (f & kFlagLeakReversal) ? tn_sgn(v) : 1;
  v = sat(int64_t{v} + int64_t{omega} * lambda, saturations);
  const int32_t eta = c.mask ? static_cast<int32_t>(rng.draw(jj, TnRandom::kThresholdSlot)) & c.mask : 0;
  return threshold_reset(j, v, threshold_[j], eta, c, saturations);
}

TrueNorthNeuronsFloat::TrueNorthNeuronsFloat(size_t n) : v_(n), acc_(n), params_(n) {}

void TrueNorthNeuronsFloat::set(size_t j, const TrueNorthNeuronParams& p) {
  params_[j] = p;
  v_[j] = p.v_init;
  acc_[j] = 0;
}

void TrueNorthNeuronsFloat::integrate(size_t j, int type, uint32_t axon, const TnRandom& rng) {
  const auto& p = params_[j];
  const double s = p.weight[type];
  acc_[j] +=
      p.stochastic_weight[type] ? tn_stochastic(p.weight[type], rng.rho8(static_cast<uint32_t>(j), axon)) : s;
}

bool TrueNorthNeuronsFloat::leak_threshold_reset(size_t j, const TnRandom& rng) {
  const auto& p = params_[j];
  const auto jj = static_cast<uint32_t>(j);
  double v = v_[j] + acc_[j];
  acc_[j] = 0;
  const double lambda = p.stochastic_leak ? tn_stochastic(p.leak, rng.rho8(jj, TnRandom::kLeakSlot)) : p.leak;
  const double omega = p.leak_reversal ? (v > 0) - (v < 0) : 1.0;
  v += omega * lambda;
  const int32_t mask = p.threshold_mask_bits >= 31 ? 0x7FFFFFFF : (int32_t{1} << p.threshold_mask_bits) - 1;
  const double eta =
      mask ? static_cast<double>(static_cast<int32_t>(rng.draw(jj, TnRandom::kThresholdSlot)) & mask) : 0.0;
  const double pos = p.threshold + eta;
  bool fired = false;
  if (v >= pos) {
    fired = true;
    if (p.reset == TnReset::kNormal)
      v = p.reset_value;
    else if (p.reset == TnReset::kLinear)
      v -= pos;
  } else {
    const double neg = p.neg_saturate ? p.neg_threshold : p.neg_threshold + eta;
    if (v < -neg) {
      if (p.neg_saturate)
        v = -p.neg_threshold;
      else if (p.reset == TnReset::kNormal)
        v = -p.reset_value;
      else if (p.reset == TnReset::kLinear)
        v += neg;
    }
  }
  v_[j] = v;
  return fired;
}

}  // namespace scx::hw
