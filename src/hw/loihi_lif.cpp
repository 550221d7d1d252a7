#include "silicortex/hw/loihi_lif.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "silicortex/core/error.hpp"

namespace scx::hw {
namespace {

// sign(x) * (|x| >> 12): Lava's decay, rounding toward zero.
int32_t decay(int32_t x, int32_t factor) {
  const int64_t prod = int64_t{x} * factor;
  const int64_t mag = (prod < 0 ? -prod : prod) >> 12;
  return static_cast<int32_t>(prod < 0 ? -mag : mag);
}

void check_range(const char* field, int64_t x, int64_t lo, int64_t hi) {
  if (x < lo || x > hi)
    throw Error(fmt::format("loihi lif: {}: value {} is out of range [{}, {}]", field, x, lo, hi));
}

}  // namespace

LoihiLifBitAcc::LoihiLifBitAcc(size_t n, LoihiLifParams p) : p_(p), u_(n), v_(n), bias_(n) {
  check_range("du", p.du, 0, 4095);
  check_range("dv", p.dv, 0, 4095);
  check_range("vth", p.vth, 0, 131071);
}

void LoihiLifBitAcc::set_bias(size_t j, int32_t bias_mant, int32_t bias_exp) {
  check_range("bias_mant", bias_mant, -4096, 4095);
  check_range("bias_exp", bias_exp, -7, 7);
  bias_[j] = bias_exp >= 0 ? bias_mant * (int32_t{1} << bias_exp) : bias_mant >> -bias_exp;
}

void LoihiLifBitAcc::reset() {
  std::fill(u_.begin(), u_.end(), 0);
  std::fill(v_.begin(), v_.end(), 0);
}

size_t LoihiLifBitAcc::step(const int32_t* a_in, uint8_t* spikes, uint64_t* overflows) {
  const int32_t du_factor = 4096 - (p_.du + 1);  // ds_offset = 1
  const int32_t dv_factor = 4096 - p_.dv;        // dm_offset = 0
  const int32_t vth = p_.vth << 6;
  size_t count = 0;
  uint64_t over = 0;
  for (size_t j = 0; j < u_.size(); ++j) {
    const int32_t decayed = decay(u_[j], du_factor) + a_in[j] * 64;
    int32_t u = decayed > kMaxUv ? decayed - 2 * kMaxUv : decayed;
    if (u <= -kMaxUv) u = decayed + 2 * kMaxUv;
    u_[j] = u;
    const int64_t v = int64_t{decay(v_[j], dv_factor)} + u + bias_[j];
    v_[j] = static_cast<int32_t>(std::clamp<int64_t>(v, -kMaxUv + 1, kMaxUv - 1));
    over += uint64_t(u != decayed) + uint64_t(v_[j] != v);
    const bool fired = v_[j] > vth;
    if (fired) v_[j] = 0;
    spikes[j] = fired;
    count += fired;
  }
  if (overflows) *overflows += over;
  return count;
}

LoihiLifFloat::LoihiLifFloat(size_t n, LoihiLifFloatParams p) : p_(p), u_(n), v_(n), bias_(n) {}

void LoihiLifFloat::set_bias(size_t j, double bias) {
  bias_[j] = bias;
}

size_t LoihiLifFloat::step(const double* a_in, uint8_t* spikes) {
  size_t count = 0;
  for (size_t j = 0; j < u_.size(); ++j) {
    u_[j] = u_[j] * (1.0 - p_.du) + a_in[j];
    v_[j] = v_[j] * (1.0 - p_.dv) + u_[j] + bias_[j];
    const bool fired = v_[j] > p_.vth;
    if (fired) v_[j] = 0;
    spikes[j] = fired;
    count += fired;
  }
  return count;
}

}  // namespace scx::hw
