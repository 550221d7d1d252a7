#pragma once
// Loihi's CUBA LIF exactly as Lava's PyLifModelBitAcc defines it (lava-nc/lava src/lava/proc/lif/models.py,
// AbstractPyLifModelFixed), and its float counterpart PyLifModelFloat with the same method names.
//
// Fixed point, one step with synaptic input a_in (16-bit):
//   u = sign(u*(4096-(du+1))) * (|u*(4096-(du+1))| >> 12) + (a_in << 6)     (rounds toward zero)
//   u wraps: u > 2^23 -> u - 2^24; u <= -2^23 -> u + 2^24            (Lava's test order, kept exactly)
//   v = clip(sign(v*(4096-dv)) * (|v*(4096-dv)| >> 12) + u + bias, -(2^23-1), 2^23-1)
//   bias = bias_exp >= 0 ? bias_mant << bias_exp : bias_mant >> -bias_exp
//   spike if v > (vth << 6), then v = 0
// du, dv: 12-bit unsigned; bias_mant: 13-bit signed; vth: 17-bit unsigned.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace scx::hw {

struct LoihiLifParams {
  int32_t du = 0, dv = 0;  // shared decays, 0..4095
  int32_t vth = 0;         // 0..131071, compared as v > vth << 6
};

class LoihiLifBitAcc {
 public:
  static constexpr int32_t kMaxUv = 1 << 23;
  LoihiLifBitAcc(size_t n, LoihiLifParams p);  // throws scx::Error on out-of-range du/dv/vth
  size_t size() const { return u_.size(); }
  void set_bias(size_t j, int32_t bias_mant, int32_t bias_exp);  // throws scx::Error out of range
  // One step; a_in[j] is the synaptic input of neuron j. Writes spikes (0/1) and returns the spike count.
  // Each u that wraps and each v that is clipped adds one to *overflows when given: the hardware does both
  // silently, and a deployment wants to know that its scale left too little headroom.
  size_t step(const int32_t* a_in, uint8_t* spikes, uint64_t* overflows = nullptr);
  int32_t u(size_t j) const { return u_[j]; }
  int32_t v(size_t j) const { return v_[j]; }
  const LoihiLifParams& params() const { return p_; }
  int32_t bias(size_t j) const { return bias_[j]; }  // bias_mant scaled by bias_exp
  void reset();                                      // u = v = 0, biases kept

 private:
  LoihiLifParams p_;
  std::vector<int32_t> u_, v_, bias_;
};

// Lava's PyLifModelFloat: u = u*(1-du) + a_in; v = v*(1-dv) + u + bias; spike if v > vth, then v = 0.
struct LoihiLifFloatParams {
  double du = 0, dv = 0, vth = 0;
};

class LoihiLifFloat {
 public:
  LoihiLifFloat(size_t n, LoihiLifFloatParams p);
  size_t size() const { return u_.size(); }
  void set_bias(size_t j, double bias);
  size_t step(const double* a_in, uint8_t* spikes);
  double u(size_t j) const { return u_[j]; }
  double v(size_t j) const { return v_[j]; }

 private:
  LoihiLifFloatParams p_;
  std::vector<double> u_, v_, bias_;
};

}  // namespace scx::hw
