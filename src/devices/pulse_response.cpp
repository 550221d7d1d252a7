#include "silicortex/devices/pulse_response.hpp"

#include <algorithm>
#include <cmath>

namespace scx::devices {
namespace {
// Beyond this A / Pmax the curve is linear to well under a part in 10^3.
constexpr double kLinearA = 1e3;
bool linear(double a) {
  return a <= 0 || a >= kLinearA;
}
}  // namespace

double ltp_fraction(double p, double a) {
  p = std::clamp(p, 0.0, 1.0);
  if (linear(a)) return p;
  return -std::expm1(-p / a) / -std::expm1(-1.0 / a);
}

double ltp_pulses(double x, double a) {
  x = std::clamp(x, 0.0, 1.0);
  if (linear(a)) return x;
  return std::clamp(-a * std::log1p(x * std::expm1(-1.0 / a)), 0.0, 1.0);
}

double pulse_step(double x, double pulses, double a_ltp, double a_ltd) {
  if (pulses >= 0) return ltp_fraction(ltp_pulses(x, a_ltp) + pulses, a_ltp);
  // Depression walks the mirrored curve: its state is measured from Gmax.
  return 1.0 - ltp_fraction(ltp_pulses(1.0 - x, a_ltd) - pulses, a_ltd);
}

double nearest_level(double x, int levels, double a_ltp) {
  if (levels <= 0) return std::clamp(x, 0.0, 1.0);
  const double steps = levels - 1;
  const double k = std::floor(ltp_pulses(x, a_ltp) * steps);
  const double lo = ltp_fraction(k / steps, a_ltp), hi = ltp_fraction((k + 1) / steps, a_ltp);
  return (x - lo <= hi - x) ? lo : hi;
}

double drift_factor(double t_s, double t0_s, double nu) {
  if (t_s <= t0_s || nu == 0) return 1.0;
  return std::pow(t_s / t0_s, -nu);
}

}  // namespace scx::devices
