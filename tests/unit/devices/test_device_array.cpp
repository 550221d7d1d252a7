#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/devices/device_array.hpp"

using namespace scx::devices;

namespace {
DeviceProfile noisy_profile() {
  DeviceProfile p = ideal_device_profile();
  p.levels = 16;
  p.a_ltp = 0.4;
  p.d2d_sigma = 0.1;
  p.c2c_sigma = 0.02;
  p.drift_nu = 0.05;
  p.drift_nu_sigma = 0.01;
  p.stuck_gmin_rate = 0.01;
  p.stuck_gmax_rate = 0.01;
  return p;
}

// |count - n p| within 5 binomial standard deviations: a false alarm about once in 1.7 million runs.
void expect_binomial(size_t count, size_t n, double p) {
  const double mean = n * p, sd = std::sqrt(n * p * (1 - p));
  EXPECT_LE(std::fabs(double(count) - mean), 5 * sd) << count << " of " << n << " at rate " << p;
}
}  // namespace

TEST(DeviceArray, StuckAtFaultRatesAreWithinBinomialBounds) {
  for (auto [p_min, p_max] : {std::pair{0.001, 0.004}, std::pair{0.02, 0.05}, std::pair{0.2, 0.0}}) {
    DeviceProfile p = ideal_device_profile();
    p.stuck_gmin_rate = p_min;
    p.stuck_gmax_rate = p_max;
    const size_t n = 200000;
    DeviceArray a(p, n, 7, 3);
    size_t lo = 0, hi = 0;
    for (size_t i = 0; i < n; ++i) {
      lo += a.fault(i) == Fault::StuckGmin;
      hi += a.fault(i) == Fault::StuckGmax;
    }
    expect_binomial(lo, n, p_min);
    expect_binomial(hi, n, p_max);
  }
}

TEST(DeviceArray, StuckDevicesIgnoreProgrammingAndDrift) {
  DeviceProfile p = noisy_profile();
  p.stuck_gmin_rate = 0.3;
  p.stuck_gmax_rate = 0.3;
  DeviceArray a(p, 1000, 1, 0);
  for (size_t i = 0; i < a.size(); ++i) {
    a.program(i, 0.5);
    a.apply_pulses(i, 0.2);
    if (a.fault(i) == Fault::StuckGmin) {
      EXPECT_EQ(a.conductance_us(i, 1e6), p.g_min_us);
    } else if (a.fault(i) == Fault::StuckGmax) {
      EXPECT_EQ(a.conductance_us(i, 1e6), p.g_max_us);
    }
  }
}

TEST(DeviceArray, SameSeedSameDevicesOtherSeedOthers) {
  const DeviceProfile p = noisy_profile();
  DeviceArray a(p, 5000, 42, 9), b(p, 5000, 42, 9), c(p, 5000, 43, 9), d(p, 5000, 42, 10);
  size_t differ_c = 0, differ_d = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    for (DeviceArray* x : {&a, &b, &c, &d}) {
      x->program(i, (i % 17) / 16.0);
      x->apply_pulses(i, 0.1);
    }
    ASSERT_EQ(a.fault(i), b.fault(i));
    ASSERT_EQ(a.range_factor(i), b.range_factor(i));
    ASSERT_EQ(a.drift_nu(i), b.drift_nu(i));
    ASSERT_EQ(a.conductance_us(i, 1e5), b.conductance_us(i, 1e5));
    differ_c += a.conductance_us(i, 1e5) != c.conductance_us(i, 1e5);
    differ_d += a.conductance_us(i, 1e5) != d.conductance_us(i, 1e5);
  }
  EXPECT_GT(differ_c, a.size() * 9 / 10);
  EXPECT_GT(differ_d, a.size() * 9 / 10);  // another array id: other devices
}

TEST(DeviceArray, VariationHasTheProfilesSpread) {
  DeviceProfile p = ideal_device_profile();
  p.d2d_sigma = 0.1;
  p.c2c_sigma = 0.02;
  const size_t n = 100000;
  DeviceArray a(p, n, 5, 0);
  double s1 = 0, s2 = 0, e1 = 0, e2 = 0;
  for (size_t i = 0; i < n; ++i) {
    s1 += a.range_factor(i);
    s2 += a.range_factor(i) * a.range_factor(i);
    a.program(i, 0.5);  // continuous device: the error is the c2c draw alone
    const double err = a.state(i) - 0.5;
    e1 += err;
    e2 += err * err;
  }
  const double mean = s1 / n, sd = std::sqrt(s2 / n - mean * mean);
  EXPECT_NEAR(mean, 1.0, 5 * 0.1 / std::sqrt(double(n)));
  EXPECT_NEAR(sd, 0.1, 0.002);
  EXPECT_NEAR(e1 / n, 0.0, 5 * 0.02 / std::sqrt(double(n)));
  EXPECT_NEAR(std::sqrt(e2 / n), 0.02, 0.0005);
}
