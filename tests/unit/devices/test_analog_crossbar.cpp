#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "silicortex/core/rng.hpp"
#include "silicortex/devices/analog_crossbar.hpp"

using namespace scx::devices;

namespace {
std::vector<float> random_weights(int inputs, int outputs, uint64_t seed) {
  scx::RandomStream rng(seed, 1);
  std::vector<float> w(size_t(inputs) * outputs);
  for (float& v : w) v = float(rng.uniform(-0.7, 0.7));
  return w;
}
DeviceProfile window(double g_min, double g_max) {
  DeviceProfile p = ideal_device_profile();
  p.g_min_us = g_min;
  p.g_max_us = g_max;
  return p;
}
}  // namespace

TEST(AnalogCrossbar, IdealDeviceStoresWeightsExactly) {
  const auto w = random_weights(50, 7, 3);
  AnalogCrossbar bar(window(0.37, 13.1), 50, 7, {}, 1, 0);
  bar.map_weights(w.data());
  EXPECT_EQ(bar.effective_weights(), w);
}

TEST(AnalogCrossbar, LevelsBoundTheWeightError) {
  const auto w = random_weights(40, 5, 4);
  DeviceProfile p = window(0.1, 10);
  p.levels = 9;
  AnalogCrossbar bar(p, 40, 5, {}, 1, 0);
  bar.map_weights(w.data(), 1.0);
  for (size_t k = 0; k < w.size(); ++k) {
    const double level = bar.effective_weights()[k] * 8.0;  // w_max = 1, 8 steps
    EXPECT_NEAR(level, std::round(level), 1e-5);
    EXPECT_LE(std::fabs(bar.effective_weights()[k] - w[k]), 0.5 / 8 + 1e-6);
  }
}

TEST(AnalogCrossbar, DacAndAdcQuantise) {
  const std::vector<float> w{0.9f, -0.6f};  // 1 input, 2 outputs
  CrossbarConfig cfg;
  cfg.dac_bits = 2;  // inputs to 0, 1/3, 2/3, 1
  AnalogCrossbar dac(window(0.1, 1), 1, 2, cfg, 1, 0);
  dac.map_weights(w.data());
  const float x = 0.3f;
  float y[2];
  dac.mvm(&x, 1, y);
  EXPECT_NEAR(y[0], 0.9 / 3, 1e-6);
  EXPECT_NEAR(y[1], -0.6 / 3, 1e-6);

  const auto wb = random_weights(30, 6, 8);
  CrossbarConfig adc;
  adc.adc_bits = 5;
  AnalogCrossbar ideal(window(0.1, 1), 30, 6, {}, 1, 0), q(window(0.1, 1), 30, 6, adc, 1, 0);
  ideal.map_weights(wb.data());
  q.map_weights(wb.data());
  double full_scale = 0;  // the largest one-sided column sum
  for (int j = 0; j < 6; ++j) {
    double pos = 0, neg = 0;
    for (int i = 0; i < 30; ++i) (wb[j * 30 + i] > 0 ? pos : neg) += std::fabs(wb[j * 30 + i]);
    full_scale = std::max({full_scale, pos, neg});
  }
  const double step = full_scale / 15;
  scx::RandomStream rng(2, 2);
  std::vector<float> xs(30), a(6), b(6);
  for (int trial = 0; trial < 50; ++trial) {
    for (float& v : xs) v = rng.uniform() < 0.5 ? 1.0f : 0.0f;
    ideal.mvm(xs.data(), 1, a.data());
    q.mvm(xs.data(), 1, b.data());
    for (int j = 0; j < 6; ++j) {
      EXPECT_LE(std::fabs(a[j] - b[j]), step / 2 + 1e-6);
      EXPECT_NEAR(b[j] / step, std::round(b[j] / step), 1e-4);
    }
  }
}

TEST(AnalogCrossbar, ReadEnergyIsGV2tOfTheDrivenRows) {
  DeviceProfile p = window(0.5, 4.5);
  p.v_read_v = 0.3;
  p.t_read_ns = 20;
  const std::vector<float> w{1.0f, -0.5f, 0.25f, 0.0f, 0.0f, 0.0f};  // 2 outputs x 3 inputs
  AnalogCrossbar bar(p, 3, 2, {}, 1, 0);
  bar.map_weights(w.data(), 1.0);
  const std::vector<float> x{1, 0, 1};
  std::vector<float> y(2);
  bar.mvm(x.data(), 1, y.data());
  // Row 0: G+ = 4.5 (w 1) and G- = 0.5 for output 0; output 1 has w 0: 0.5 + 0.5. Row 2: output 0 w 0.25:
  // G+ = 1.5, G- = 0.5; output 1: 0.5 + 0.5.
  const double g_sum = (4.5 + 0.5 + 1.0) + (1.5 + 0.5 + 1.0);
  EXPECT_NEAR(bar.read_energy_pj(), g_sum * 0.09 * 20 * 1e-3, 1e-12);  // uS V^2 ns = fJ
}

TEST(AnalogCrossbar, IrDropMatchesTheHandDerivedOneCellCase) {
  // One input, one output: columns 0 (G+) and 1 (G-). Row wire: segment 0 carries I0 + I1, segment 1 carries
  // I1; column wires one segment each. First order: I0' = G0 (V - r(I0+I1) - r I0), I1' = G1 (V - r(I0 + 2
  // I1)
  // - r I1).
  DeviceProfile p = window(1.0, 101.0);
  p.v_read_v = 0.2;
  CrossbarConfig cfg;
  cfg.wire_ohm = 50;
  const float w = 0.6f, x = 1.0f;
  AnalogCrossbar bar(p, 1, 1, cfg, 1, 0);
  bar.map_weights(&w, 1.0);
  float y;
  bar.mvm(&x, 1, &y);
  const double g0 = 61e-6, g1 = 1e-6, v = 0.2, r = 50;  // siemens
  const double i0 = g0 * v, i1 = g1 * v;
  const double i0p = g0 * (v - r * (i0 + i1) - r * i0), i1p = g1 * (v - r * (i0 + 2 * i1) - r * i1);
  EXPECT_NEAR(y, (i0p - i1p) / (100e-6 * v), 1e-6);
  EXPECT_LT(y, 0.6f);
}

TEST(AnalogCrossbar, IrDropIsFirstOrderInTheWireResistance) {
  const auto w = random_weights(64, 4, 5);
  std::vector<float> x(64);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i % 3 != 0);
  auto run = [&](double ohm) {
    CrossbarConfig cfg;
    cfg.wire_ohm = ohm;
    AnalogCrossbar bar(window(0.1, 10), 64, 4, cfg, 1, 0);
    bar.map_weights(w.data());
    std::vector<float> y(4);
    bar.mvm(x.data(), 1, y.data());
    return y;
  };
  const auto y0 = run(0), y1 = run(0.5), y2 = run(1.0), y_tiny = run(1e-6);
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(y_tiny[j], y0[j], 1e-4);
    EXPECT_NEAR((y2[j] - y0[j]) / (y1[j] - y0[j]), 2.0, 1e-3);  // the correction is linear in r
  }
}

TEST(AnalogCrossbar, ReadNoiseHasTheModelledVariance) {
  DeviceProfile p = window(1, 11);
  p.read_noise_sigma = 0.05;
  const std::vector<float> w{0.8f, -0.3f, 0.5f};  // 1 output x 3 inputs, w_max 1
  AnalogCrossbar bar(p, 3, 1, {}, 9, 0);
  bar.map_weights(w.data(), 1.0);
  const std::vector<float> x{1, 1, 0.5f};
  double s1 = 0, s2 = 0;
  const int n = 20000;
  for (int t = 0; t < n; ++t) {
    float y;
    bar.mvm(x.data(), 1, &y);
    s1 += y;
    s2 += double(y) * y;
  }
  // G / k in weight units is 0.1 + excess: G+ 0.9, 0.1, 0.6 and G- 0.1, 0.4, 0.1.
  const double var = 0.0025 * ((0.81 + 0.01) + (0.01 + 0.16) + 0.25 * (0.36 + 0.01));
  const double mean = s1 / n, sd = std::sqrt(s2 / n - mean * mean);
  EXPECT_NEAR(mean, 0.8 - 0.3 + 0.25, 5 * std::sqrt(var / n));
  EXPECT_NEAR(sd, std::sqrt(var), 0.03 * std::sqrt(var));
}

TEST(AnalogCrossbar, UpdatesOfAnIdealDeviceAddExactly) {
  AnalogCrossbar bar(window(0.1, 10), 6, 2, {}, 1, 0);
  bar.reset_pairs(0.5, 0.2);
  for (float v : bar.effective_weights()) EXPECT_EQ(v, 0.0f);
  std::vector<float> dw(12), total(12, 0.0f);
  scx::RandomStream rng(4, 4);
  for (int step = 0; step < 20; ++step) {
    for (size_t k = 0; k < dw.size(); ++k) total[k] += dw[k] = float(rng.uniform(-0.01, 0.01));
    bar.apply_update(dw.data());
  }
  for (size_t k = 0; k < dw.size(); ++k) EXPECT_NEAR(bar.effective_weights()[k], total[k], 1e-6);
}

TEST(AnalogCrossbar, PulseUpdatesAreUnbiasedAtCoarseLevels) {
  // With 9 levels a pulse moves a pair by 2 * 0.2 / 8 = 0.05; updates of 0.01 round stochastically to 0 or
  // one pulse, so the mean change over many devices is the requested one.
  DeviceProfile p = window(0.1, 10);
  p.levels = 9;
  const int n = 20000;
  AnalogCrossbar bar(p, n, 1, {}, 3, 0);
  bar.reset_pairs(0.5, 0.2);
  std::vector<float> dw(n, 0.01f);
  const uint64_t pulses = bar.apply_update(dw.data());
  double sum = 0;
  for (float v : bar.effective_weights()) sum += v;
  EXPECT_NEAR(sum / n, 0.01, 5 * 0.05 * 0.5 / std::sqrt(double(n)));
  EXPECT_NEAR(double(pulses) / n, 0.2, 5 * std::sqrt(0.2 * 0.8 / n));
}
