// Loihi CUBA LIF: bit-exact against Lava's bit-accurate run of the NIR paper's LIF experiment
// (shared/data/nir/reference_traces/lif_lava_cpu_fixed.csv), plus the wrap, saturation and bias rules.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "silicortex/core/error.hpp"
#include "silicortex/hw/loihi_lif.hpp"

namespace scx::hw {
namespace {

struct Row {
  int input;
  int32_t v;
  bool spike;
};

std::vector<Row> read_trace(const std::string& path) {
  std::ifstream in(path);
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string a, b, c;
    std::getline(ss, a, ',');
    std::getline(ss, b, ',');
    std::getline(ss, c, ',');
    rows.push_back({std::stoi(a), int32_t(std::stod(b)), std::stod(c) > 0});
  }
  return rows;
}

// The experiment (PROVENANCE.md): a binary spike train into lif_norse.nir (tau 2.5 ms, v_th 0.1, w 1) at
// dt = 0.1 ms. In Lava's fixed point the parameters are dv = floor(0.04 * 4096) = 163, du = 4095 (the current
// decays fully each step: no synaptic time constant), and a scale of 250: weight 10 and vth 25, all inferred
// from the trace itself (one input raises v by 640 = 10 << 6; v decays by 3933/4096 per step). The Dense
// layer delays input by one step. Every one of the 1000 rows must then match exactly.
TEST(LoihiLif, MatchesLavaBitAccurateTrace) {
  const auto rows = read_trace(SCX_SOURCE_DIR "/../shared/data/nir/reference_traces/lif_lava_cpu_fixed.csv");
  ASSERT_EQ(rows.size(), 1000u);
  LoihiLifBitAcc lif(1, {4095, 163, 25});
  int spikes = 0;
  for (size_t t = 0; t < rows.size(); ++t) {
    const int32_t a_in = t == 0 ? 0 : 10 * rows[t - 1].input;
    uint8_t spike = 0;
    lif.step(&a_in, &spike);
    ASSERT_EQ(lif.v(0), rows[t].v) << "row " << t;
    ASSERT_EQ(spike != 0, rows[t].spike) << "row " << t;
    spikes += spike;
  }
  EXPECT_EQ(spikes, 4);  // rows 461 511 711 761 (PROVENANCE.md)
}

TEST(LoihiLif, DecayRoundsTowardZero) {
  LoihiLifBitAcc lif(2, {4095, 1000, 131071});
  const int32_t first[2] = {100, -100};  // u = v = +-6400
  uint8_t s[2];
  lif.step(first, s);
  const int32_t none[2] = {0, 0};
  lif.step(none, s);
  // 6400 * 3096 / 4096 = 4837.5 -> 4837 and -4837 (toward zero, not floor)
  EXPECT_EQ(lif.v(0), 4837);
  EXPECT_EQ(lif.v(1), -4837);
}

TEST(LoihiLif, CurrentWrapsAndVoltageSaturates) {
  LoihiLifBitAcc lif(1,
                     {0, 0, 131071});  // du = 0: u keeps 4095/4096 of itself; dv = 0: v keeps all of itself
  const int32_t big = 32767;           // << 6 = 2097088 per step
  // Worked by hand: u_k = trunc(u_{k-1} * 4095 / 4096) + 2097088 and v_k = clip(v_{k-1} + u_k), reset on v >
  // vth<<6
  // (= 8388544): u = 2097088, 4193664, 6289728, 8385280, then 10480320 > 2^23 wraps to 10480320 - 2^24;
  // v = 2097088, 6290752, then 12580480 saturates at 2^23 - 1 = 8388607 > 8388544: a spike and v = 0; then
  // v = 8385280 and 8385280 - 6296896 = 2088384.
  const int32_t u[5] = {2097088, 4193664, 6289728, 8385280, 10480320 - (1 << 24)};
  const int32_t v[5] = {2097088, 6290752, 0, 8385280, 2088384};
  const uint8_t spike[5] = {0, 0, 1, 0, 0};
  const uint64_t overflows[5] = {0, 0, 1, 1, 2};  // the clip at step 2, the wrap at step 4
  uint64_t counted = 0;
  for (int k = 0; k < 5; ++k) {
    uint8_t s = 0;
    lif.step(&big, &s, &counted);
    EXPECT_EQ(counted, overflows[k]) << k;
    EXPECT_EQ(lif.u(0), u[k]) << k;
    EXPECT_EQ(lif.v(0), v[k]) << k;
    EXPECT_EQ(s, spike[k]) << k;
  }
}

TEST(LoihiLif, BiasMantissaAndExponent) {
  LoihiLifBitAcc lif(3, {4095, 4095, 131071});  // dv = 4095: v keeps 1/4096 of itself
  lif.set_bias(0, 3, 4);                        // 48
  lif.set_bias(1, -5, 2);                       // -20
  lif.set_bias(2, -7, -1);                      // arithmetic shift: -4
  const int32_t zero[3] = {0, 0, 0};
  uint8_t s[3];
  lif.step(zero, s);
  EXPECT_EQ(lif.v(0), 48);
  EXPECT_EQ(lif.v(1), -20);
  EXPECT_EQ(lif.v(2), -4);
  EXPECT_THROW(lif.set_bias(0, 4096, 0), Error);
  EXPECT_THROW(LoihiLifBitAcc(1, {4096, 0, 0}), Error);
}

TEST(LoihiLif, ThresholdIsStrict) {
  LoihiLifBitAcc lif(1, {4095, 4095, 1});  // vth << 6 = 64
  const int32_t one = 1;                   // u = 64, v = 64: not > 64
  uint8_t s;
  lif.step(&one, &s);
  EXPECT_EQ(s, 0);
  EXPECT_EQ(lif.v(0), 64);
}

TEST(LoihiLif, FloatCounterpartFollowsTheSameTrace) {
  // Lava's PyLifModelFloat on the same input, in float units (w = 0.04 per spike, du = 1, dv = 0.04, vth =
  // 0.1): it spikes within one step of the fixed-point run at every spike.
  const auto rows = read_trace(SCX_SOURCE_DIR "/../shared/data/nir/reference_traces/lif_lava_cpu_fixed.csv");
  LoihiLifFloat lif(1, {1.0, 0.04, 0.1});
  std::vector<size_t> fixed_spikes, float_spikes;
  for (size_t t = 0; t < rows.size(); ++t) {
    const double a_in = t == 0 ? 0.0 : 0.04 * rows[t - 1].input;
    uint8_t s = 0;
    lif.step(&a_in, &s);
    if (s) float_spikes.push_back(t);
    if (rows[t].spike) fixed_spikes.push_back(t);
  }
  ASSERT_EQ(float_spikes.size(), fixed_spikes.size());
  for (size_t i = 0; i < fixed_spikes.size(); ++i)
    EXPECT_LE(std::abs(double(float_spikes[i]) - double(fixed_spikes[i])), 1.0);
}

}  // namespace
}  // namespace scx::hw
