#include "silicortex/devices/device_array.hpp"

#include <algorithm>

#include "silicortex/core/rng.hpp"
#include "silicortex/devices/pulse_response.hpp"

namespace scx::devices {
namespace {
constexpr uint64_t kDeviceStream = 0xDE71CE;  // fixed per-device draws
constexpr uint64_t kCycleStream = 0xC2C;      // one draw per programming event
}  // namespace

DeviceArray::DeviceArray(const DeviceProfile& profile, size_t count, uint64_t seed, uint64_t array_id)
    : profile_(profile),
      seed_(seed),
      array_id_(array_id),
      x_(count, 0.0),
      range_(count),
      nu_(count),
      fault_(count),
      events_(count, 0) {
  const uint64_t stream = stream_id(kDeviceStream, array_id);
  for (size_t i = 0; i < count; ++i) {
    // Always the same three draws in the same order, so changing one parameter (e.g. sweeping sigma) keeps
    // every device's underlying draws: curves over a parameter use common random numbers.
    RandomStream rng(seed, stream, uint32_t(i));
    const double u = rng.uniform(), z_range = rng.normal(), z_nu = rng.normal();
    fault_[i] = u < profile.stuck_gmin_rate                             ? Fault::StuckGmin
                : u < profile.stuck_gmin_rate + profile.stuck_gmax_rate ? Fault::StuckGmax
                                                                        : Fault::None;
    range_[i] = float(std::max(0.0, 1.0 + profile.d2d_sigma * z_range));
    nu_[i] = std::max(0.0, profile.drift_nu + profile.drift_nu_sigma * z_nu);
    if (fault_[i] == Fault::StuckGmax) x_[i] = 1.0;
  }
}

double DeviceArray::c2c_draw(size_t i) {
  if (profile_.c2c_sigma == 0) return 0.0;
  RandomStream rng(seed_, stream_id(stream_id(kCycleStream, array_id_), events_[i]++), uint32_t(i));
  return profile_.c2c_sigma * rng.normal();
}

void DeviceArray::program(size_t i, double x_target) {
  if (fault_[i] != Fault::None) return;
  const double x = nearest_level(x_target, profile_.levels, profile_.a_ltp);
  x_[i] = std::clamp(x + c2c_draw(i), 0.0, 1.0);
}

void DeviceArray::apply_pulses(size_t i, double dp) {
  if (fault_[i] != Fault::None || dp == 0) return;
  const double x = pulse_step(x_[i], dp, profile_.a_ltp, profile_.a_ltd);
  x_[i] = std::clamp(x + c2c_draw(i), 0.0, 1.0);
}

double DeviceArray::excess(size_t i, double t_s) const {
  switch (fault_[i]) {
    case Fault::StuckGmin:
      return 0.0;
    case Fault::StuckGmax:
      return 1.0;
    case Fault::None:
      break;
  }
  const double e0 = range_[i] * x_[i];
  const double f = drift_factor(t_s, profile_.drift_t0_s, nu_[i]);
  if (f == 1.0) return e0;
  // G(t) = G0 f with G0 = Gmin + range e0, so the excess over the nominal Gmin is e0 f - (Gmin / range)(1 -
  // f).
  return e0 * f - profile_.g_min_us / profile_.range_us() * (1.0 - f);
}

}  // namespace scx::devices
