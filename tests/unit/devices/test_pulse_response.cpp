#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/devices/device_array.hpp"
#include "silicortex/devices/pulse_response.hpp"

using namespace scx::devices;

namespace {
DeviceProfile nonlinear_profile(int levels, double a_ltp, double a_ltd) {
  DeviceProfile p = ideal_device_profile();
  p.g_min_us = 1.0;
  p.g_max_us = 11.0;
  p.levels = levels;
  p.a_ltp = a_ltp;
  p.a_ltd = a_ltd;
  return p;
}
}  // namespace

TEST(PulseResponse, LinearLevelsAreUniformAndNearest) {
  // 5 levels: 0, 0.25, 0.5, 0.75, 1.
  EXPECT_DOUBLE_EQ(nearest_level(0.30, 5, 0), 0.25);
  EXPECT_DOUBLE_EQ(nearest_level(0.40, 5, 0), 0.5);
  EXPECT_DOUBLE_EQ(nearest_level(1.00, 5, 0), 1.0);
  EXPECT_DOUBLE_EQ(nearest_level(0.0, 5, 0), 0.0);
  for (int levels : {2, 3, 16, 97})
    for (double x = 0; x <= 1.0; x += 0.0137) {
      const double q = nearest_level(x, levels, 0);
      const double k = q * (levels - 1);
      EXPECT_NEAR(k, std::round(k), 1e-9) << "not a level";
      EXPECT_LE(std::fabs(q - x), 0.5 / (levels - 1) + 1e-12);
    }
  EXPECT_DOUBLE_EQ(nearest_level(0.123456, 0, 0), 0.123456);  // continuous
}

TEST(PulseResponse, NonlinearLevelIsTheNearestReachableState) {
  const int levels = 9;
  const double a = 0.3;
  for (double x = 0; x <= 1.0; x += 0.031) {
    double best = 2, best_err = 2;
    for (int k = 0; k < levels; ++k) {  // brute force over the states the formula gives
      const double g = (1 - std::exp(-k / (a * (levels - 1)))) / (1 - std::exp(-1 / a));
      if (std::fabs(g - x) < best_err) best_err = std::fabs(g - x), best = g;
    }
    EXPECT_NEAR(nearest_level(x, levels, a), best, 1e-12) << x;
  }
}

TEST(PulseResponse, PotentiationFollowsTheNeuroSimFormula) {
  const int levels = 101;
  const DeviceProfile p = nonlinear_profile(levels, 0.3, 0.15);
  DeviceArray dev(p, 1, 1, 0);
  const double p_max = levels - 1, A = 0.3 * p_max;
  const double B = (p.g_max_us - p.g_min_us) / (1 - std::exp(-p_max / A));
  for (int pulse = 1; pulse <= levels - 1; ++pulse) {
    dev.apply_pulses(0, 1.0 / p_max);  // one pulse
    const double expected = B * (1 - std::exp(-pulse / A)) + p.g_min_us;
    ASSERT_NEAR(dev.conductance_us(0, 0), expected, 1e-9) << "pulse " << pulse;
  }
  EXPECT_NEAR(dev.conductance_us(0, 0), p.g_max_us, 1e-9);  // G(Pmax) = Gmax
  // Saturation: the first step is the largest, the last the smallest.
  const double first = ltp_fraction(1 / p_max, 0.3), last = 1 - ltp_fraction(1 - 1 / p_max, 0.3);
  EXPECT_GT(first, 5 * last);
}

TEST(PulseResponse, DepressionMirrorsFromGmaxWithItsOwnA) {
  const int levels = 51;
  const DeviceProfile p = nonlinear_profile(levels, 0.3, 0.15);
  DeviceArray dev(p, 1, 1, 0);
  dev.program(0, 1.0);
  const double p_max = levels - 1, A = 0.15 * p_max;
  const double B = (p.g_max_us - p.g_min_us) / (1 - std::exp(-p_max / A));
  for (int q = 1; q <= levels - 1; ++q) {
    dev.apply_pulses(0, -1.0 / p_max);
    ASSERT_NEAR(dev.conductance_us(0, 0), p.g_max_us - B * (1 - std::exp(-q / A)), 1e-9) << q;
  }
  EXPECT_NEAR(dev.conductance_us(0, 0), p.g_min_us, 1e-9);
  dev.apply_pulses(0, -0.5);  // bounded
  EXPECT_NEAR(dev.conductance_us(0, 0), p.g_min_us, 1e-12);
}

TEST(PulseResponse, LinearDeviceStepsUniformly) {
  DeviceArray dev(nonlinear_profile(11, 0, 0), 1, 1, 0);
  for (int k = 1; k <= 10; ++k) {
    dev.apply_pulses(0, 0.1);
    EXPECT_NEAR(dev.conductance_us(0, 0), 1.0 + k, 1e-9);
  }
}

TEST(PulseResponse, DriftIsAPowerLawAfterT0) {
  DeviceProfile p = nonlinear_profile(0, 0, 0);
  p.drift_nu = 0.07;
  p.drift_t0_s = 20;
  DeviceArray dev(p, 1, 1, 0);
  dev.program(0, 0.6);
  const double g0 = dev.conductance_us(0, 0);
  EXPECT_DOUBLE_EQ(dev.conductance_us(0, 10), g0);  // before t0: as programmed
  for (double t : {20.0, 200.0, 3600.0, 86400.0, 3.15e7})
    EXPECT_NEAR(dev.conductance_us(0, t), g0 * std::pow(t / 20.0, -0.07), 1e-12 * g0) << t;
  // Log-log slope between two decades is -nu.
  const double slope = std::log(dev.conductance_us(0, 2000) / dev.conductance_us(0, 200)) / std::log(10.0);
  EXPECT_NEAR(slope, -0.07, 1e-12);
}
