#pragma once
// A set of devices of one profile, each with its own fixed draws (device-to-device range factor, drift
// exponent, stuck-at fault) and its programmed state. Every draw comes from RandomStream keyed by
// (seed, array id, device index[, programming event]), so the same seed gives the same devices whatever the
// order of calls or the number of arrays built.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "silicortex/devices/device_profile.hpp"

namespace scx::devices {

enum class Fault : uint8_t { None, StuckGmin, StuckGmax };

class DeviceArray {
 public:
  DeviceArray(const DeviceProfile& profile, size_t count, uint64_t seed, uint64_t array_id);

  size_t size() const { return x_.size(); }
  const DeviceProfile& profile() const { return profile_; }
  Fault fault(size_t i) const { return fault_[i]; }
  double range_factor(size_t i) const { return range_[i]; }
  double drift_nu(size_t i) const { return nu_[i]; }
  // Position on the device's own pulse-response curve, in [0, 1].
  double state(size_t i) const { return x_[i]; }

  // Programs device i to normalised target x (write-verify on the nominal curve: the nearest of the profile's
  // levels); the device's own range factor and one cycle-to-cycle draw then apply. Stuck devices ignore it.
  void program(size_t i, double x_target);
  // Applies dp normalised pulses (pulses / (levels - 1)): positive potentiate, negative depress, along the
  // profile's nonlinear curves, plus one cycle-to-cycle draw for the event.
  void apply_pulses(size_t i, double dp);
  // (G - Gmin) / (Gmax - Gmin) of the nominal window at t_s seconds after programming: range factor, fault
  // and drift applied, read noise not. May go below 0 when drift takes G under the nominal Gmin.
  double excess(size_t i, double t_s) const;
  double conductance_us(size_t i, double t_s) const {
    return profile_.g_min_us + profile_.range_us() * excess(i, t_s);
  }

 private:
  double c2c_draw(size_t i);

  DeviceProfile profile_;
  uint64_t seed_, array_id_;
  std::vector<double> x_;
  std::vector<float> range_;
  std::vector<double> nu_;
  std::vector<Fault> fault_;
  std::vector<uint32_t> events_;  // programming events so far, the key of the next c2c draw
};

}  // namespace scx::devices
