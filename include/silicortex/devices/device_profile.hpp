#pragma once
// A synaptic device technology as data: conductance window, programmable levels, pulse-response
// nonlinearity, variation, read noise, drift and fault rates, each number with its source. Read from TOML
// files under devices/ (format in docs/devices.md); a missing or out-of-range field gives scx::Error naming
// file:line:column and the field, e.g. "rram.toml:12:1: conductance.levels: 1 is outside [2, 65536]".
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace scx::devices {

struct DeviceProfile {
  std::string name, description, file;
  double g_min_us = 0.1, g_max_us = 10.0;  // conductance window (microsiemens)
  int levels = 0;                          // programmable states; 0: continuous (an ideal analog device)
  // Pulse response G(P) = B (1 - exp(-P / A)) + Gmin over P in [0, levels - 1] pulses (NeuroSim form), with A
  // given relative to the pulse range: a = A / (levels - 1). 0: linear response.
  double a_ltp = 0, a_ltd = 0;
  double d2d_sigma = 0;         // relative std of each device's conductance range (fixed per device)
  double c2c_sigma = 0;         // std of each programming event's error, as a fraction of Gmax - Gmin
  double read_noise_sigma = 0;  // relative std of each read (drawn per read, per device)
  double drift_nu = 0, drift_nu_sigma = 0, drift_t0_s = 20;  // G(t) = G0 (t / t0)^-nu, nu ~ N(nu, nu_sigma)
  double stuck_gmin_rate = 0, stuck_gmax_rate = 0;           // fraction of devices stuck at Gmin / Gmax
  double v_read_v = 0.2, t_read_ns = 10;                     // read pulse (energy G V^2 t per device)
  std::map<std::string, std::string> sources;                // "table.key" -> where the value comes from

  double range_us() const { return g_max_us - g_min_us; }
};

// An ideal device: continuous levels, linear, no variation, noise, drift or faults.
DeviceProfile ideal_device_profile();

DeviceProfile parse_device_profile(std::string_view text, const std::string& source_name);
DeviceProfile read_device_profile(const std::filesystem::path& path);

}  // namespace scx::devices
