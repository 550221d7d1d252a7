#pragma once
// The TrueNorth neuron of Cassidy et al. 2013 (as transcribed in shared/reference/anchors-hardware.md §1.2),
// bit-exact in integers, in SoA form, and its float counterpart with the same method names.
//
// One tick of neuron j:
//   1. integrate: for each active axon i with crossbar bit w_ij = 1 and axon type G:
//        acc_j += b_jG ? F(s_jG, rho) : s_jG          (acc is 32 bits: 256 x 255 never overflows)
//      then V_j = sat(V_j + acc_j): the synaptic sum is added once, then saturated (see docs/chips.md).
//   2. leak:  Omega = eps_j ? sgn(V_j) : 1;  V_j = sat(V_j + Omega * (c_j ? F(lambda_j, rho) : lambda_j))
//   3. threshold: eta = rho & M_j;  spike if V_j >= alpha_j + eta, then reset by gamma_j:
//        0 normal V = R_j, 1 linear V = V - (alpha_j + eta), 2 none V = V.
//      else if V_j < -(kappa_j ? beta_j : beta_j + eta): kappa_j ? V = -beta_j
//        : gamma 0 V = -R_j, 1 V = V + (beta_j + eta), 2 V = V.
//   V saturates to the signed `potential_bits` range of the profile.
// F(s, rho) = sgn(s) if |s| >= rho else 0, with rho an 8-bit random number: a stochastic weight or leak s
// steps by sgn(s) with probability (|s| + 1) / 256 (s != 0).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "silicortex/core/rng.hpp"
#include "silicortex/hw/huge_page_allocator.hpp"

namespace scx::hw {

enum class TnReset : uint8_t { kNormal = 0, kLinear = 1, kNone = 2 };

// Where a neuron's spike goes: the core at (dx, dy) from its own, on `axon`, `delay_ticks` (1-15) later.
struct TnDestination {
  int32_t dx = 0, dy = 0;
  int32_t axon = 0;
  int32_t delay_ticks = 1;
  bool enabled = false;
};

// A destination resolved by the chip, in 8 bytes so that the routes of a million neurons (8 MiB) can stay in
// the last-level cache between a neuron's spikes: the destination core's mesh coordinates (to_x < 0: none),
// the chip crossings of the route, axon and delay. The offset (dx, dy) follows from the sender's coordinates.
struct TnRoute {
  int16_t to_x = -1, to_y = 0;
  uint16_t crossings = 0;
  uint8_t axon = 0, delay = 0;
};

// One neuron's parameters, as integers already quantised to the chip's widths.
struct TrueNorthNeuronParams {
  std::array<int32_t, 4> weight{};          // s_j^G for axon types G = 0..3
  std::array<bool, 4> stochastic_weight{};  // b_j^G
  int32_t leak = 0;                         // lambda_j
  bool leak_reversal = false;               // epsilon_j
  bool stochastic_leak = false;             // c_j
  int32_t threshold = 1;                    // alpha_j
  int32_t neg_threshold = 0;                // beta_j (>= 0)
  int32_t threshold_mask_bits = 0;          // M_j = 2^bits - 1
  bool neg_saturate = false;                // kappa_j
  TnReset reset = TnReset::kNormal;         // gamma_j
  int32_t reset_value = 0;                  // R_j
  int32_t v_init = 0;
  TnDestination dest;

  bool needs_random() const;
  bool is_plain() const;  // deterministic, no leak reversal, no threshold mask: the fast vector path
};

// The core's pseudo-random generator. Counter-based (Philox4x32-10 keyed by the seed), so rho is a pure
// function of (seed, core, tick, neuron, slot): a run reproduces with its seed whatever the thread count or
// evaluation order. Slots 0-255 are the synapse draws of axons 0-255, kLeakSlot and kThresholdSlot the
// neuron's draws.
class TnRandom {
 public:
  static constexpr uint32_t kLeakSlot = 256;
  static constexpr uint32_t kThresholdSlot = 257;
  TnRandom(uint64_t seed, uint32_t core, uint32_t tick)
      : key_{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}, core_(core), tick_(tick) {}
  uint32_t draw(uint32_t neuron, uint32_t slot) const {
    return philox4x32({tick_, core_, neuron, slot}, key_)[0];
  }
  int32_t rho8(uint32_t neuron, uint32_t slot) const {
    return static_cast<int32_t>(draw(neuron, slot) & 0xFFu);
  }

 private:
  std::array<uint32_t, 2> key_;
  uint32_t core_, tick_;
};

inline int32_t tn_sgn(int64_t x) {
  return (x > 0) - (x < 0);
}
inline int32_t tn_stochastic(int32_t s, int32_t rho) {
  return (s < 0 ? -s : s) >= rho ? tn_sgn(s) : 0;
}

// A group of TrueNorth neurons in SoA form, integer and bit-exact. The scalar methods are the reference the
// bit-parallel crossbar core (truenorth_chip.hpp) is tested against.
class TrueNorthNeurons {
 public:
  TrueNorthNeurons(size_t n, int potential_bits);
  size_t size() const { return v_.size(); }
  void set(size_t j, const TrueNorthNeuronParams& p);
  // The parameters of j as set (v_init is the current V; dest is not kept here and comes back disabled).
  TrueNorthNeuronParams get(size_t j) const;

  // Adds the input of one active axon of type `type` (crossbar bit set) to neuron j; `axon` picks its draw.
  void integrate(size_t j, int type, uint32_t axon, const TnRandom& rng);
  // Applies the accumulated input, the leak, the threshold and the reset; returns whether j spiked.
  // Saturation events are added to *saturations when given.
  bool leak_threshold_reset(size_t j, const TnRandom& rng, uint64_t* saturations = nullptr);
  // Cold per-neuron record, read only when a neuron crosses a threshold (or on the scalar path): one cache
  // line miss per spike instead of one per field.
  struct alignas(16) Cold {
    int32_t neg_threshold;
    int32_t mask;
    int32_t reset_value;
    uint8_t flags;       // kFlag* bits
    uint8_t reset_mode;  // TnReset
    uint16_t unused;
  };
  // Step 3 alone: threshold and reset of j whose potential after the leak is v, with threshold alpha,
  // threshold noise eta and j's reset rule (negative threshold, reset mode and value, kappa). alpha and the
  // rule are passed in: the chip's vector path has them in cache (a 16-bit copy of the thresholds, a rule
  // shared by a whole core) and cold_[j] only where they differ.
  bool threshold_reset(size_t j, int32_t v, int32_t alpha, int32_t eta, const Cold& rule,
                       uint64_t* saturations = nullptr);

  int32_t v(size_t j) const { return v_[j]; }
  int32_t v_min() const { return v_min_; }
  int32_t v_max() const { return v_max_; }

  // Hot SoA arrays, streamed by the vector kernels every tick. Weights and leak are at most 16 bits wide (the
  // profile reader enforces it for truenorth-model chips), which halves the bytes streamed per tick.
  HugeVector<int32_t> v_, acc_, threshold_;
  HugeVector<int16_t> leak_;
  std::array<HugeVector<int16_t>, 4> weight_;
  HugeVector<Cold> cold_;
  static constexpr uint8_t kFlagStochW0 = 1;  // bits 0-3: stochastic weight of type G
  static constexpr uint8_t kFlagLeakReversal = 1 << 4;
  static constexpr uint8_t kFlagStochLeak = 1 << 5;
  static constexpr uint8_t kFlagNegSaturate = 1 << 6;

 private:
  int32_t sat(int64_t x, uint64_t* saturations) const {
    if (x >= v_min_ && x <= v_max_) return static_cast<int32_t>(x);
    if (saturations) ++*saturations;
    return x > v_max_ ? v_max_ : v_min_;
  }
  int32_t v_min_, v_max_;
};

// Inline: the chip's vector path calls it for every spike.
inline bool TrueNorthNeurons::threshold_reset(size_t j, int32_t v, int32_t alpha, int32_t eta, const Cold& c,
                                              uint64_t* saturations) {
  const int64_t pos = int64_t{alpha} + eta;
  const auto mode = static_cast<TnReset>(c.reset_mode);
  bool fired = false;
  int64_t next = v;
  if (v >= pos) {
    fired = true;
    if (mode == TnReset::kNormal)
      next = c.reset_value;
    else if (mode == TnReset::kLinear)
      next = v - pos;
  } else {
    const bool kappa = c.flags & kFlagNegSaturate;
    const int64_t neg = kappa ? int64_t{c.neg_threshold} : int64_t{c.neg_threshold} + eta;
    if (v < -neg) {
      if (kappa)
        next = -int64_t{c.neg_threshold};
      else if (mode == TnReset::kNormal)
        next = -int64_t{c.reset_value};
      else if (mode == TnReset::kLinear)
        next = v + neg;
    }
  }
  v_[j] = sat(next, saturations);
  return fired;
}

// The same neuron in double precision without saturation: the float reference with the same method names.
// With integer parameters and no saturation it spikes exactly when TrueNorthNeurons does.
class TrueNorthNeuronsFloat {
 public:
  explicit TrueNorthNeuronsFloat(size_t n);
  size_t size() const { return v_.size(); }
  void set(size_t j, const TrueNorthNeuronParams& p);
  void integrate(size_t j, int type, uint32_t axon, const TnRandom& rng);
  bool leak_threshold_reset(size_t j, const TnRandom& rng);
  double v(size_t j) const { return v_[j]; }

 private:
  std::vector<double> v_, acc_;
  std::vector<TrueNorthNeuronParams> params_;
};

}  // namespace scx::hw
