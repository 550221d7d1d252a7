#pragma once
// The device study: one non-ideality at a time, every other one ideal, for inference with a trained network
// (levels, device-to-device variation, drift time, fault rate, read noise, ADC bits, and the profile as a
// whole) and for on-chip learning (levels, nonlinearity, cycle-to-cycle variation, the profile), with an SVG
// of accuracy against each parameter.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "silicortex/devices/analog_network.hpp"
#include "silicortex/devices/onchip_learning.hpp"

namespace scx::devices {

struct SweepAxis {
  std::string name;     // "levels", "d2d_sigma", ...
  std::string x_label;  // the plotted x, e.g. "log2(levels)"
  std::vector<double> values;
  double (*plot_x)(double) = nullptr;  // value -> plotted x (null: the value)
};

struct SweepPoint {
  std::string axis;
  double value = 0;
  double accuracy = 0;
  double agreement = -1;  // fraction of predictions equal to the digital ones (inference only)
  double energy_pj = 0;   // read energy per inference (inference) or of the whole run (learning)
  uint64_t pulses = 0;    // programming pulses (learning)
};

std::vector<SweepAxis> inference_axes();
std::vector<SweepAxis> learning_axes();
// Keeps the axes named in the comma-separated `names` ("" or "all": all); an unknown name is an scx::Error
// listing the valid ones.
std::vector<SweepAxis> select_axes(std::vector<SweepAxis> axes, const std::string& names);

// The ideal device with the profile's window and read pulse (so energies are the profile's), and `base` with
// DAC, ADC and IR drop off and reads at t0.
AnalogSetup ideal_setup(const DeviceProfile& profile, const CrossbarConfig& base, uint64_t seed);
// The ideal setup with one axis at `value`; axis "profile" is the whole profile with `base` as given.
AnalogSetup axis_setup(const DeviceProfile& profile, const CrossbarConfig& base, uint64_t seed,
                       const std::string& axis, double value);

using SweepProgress = std::function<void(const SweepPoint&)>;
// Digital reference first (axis "digital"), then the ideal device (axis "ideal"), every axis point, and the
// profile (axis "profile").
std::vector<SweepPoint> sweep_inference(const train::TrainedNetwork& net, const train::Dataset& data,
                                        const DeviceProfile& profile, const CrossbarConfig& base,
                                        uint64_t seed, const std::vector<SweepAxis>& axes,
                                        const SweepProgress& progress = {});
// Float reference first (axis "float"), then the ideal device, every axis point, and the profile.
std::vector<SweepPoint> sweep_learning(const train::Dataset& train_set, const train::Dataset& test_set,
                                       const DeviceProfile& profile, const CrossbarConfig& base,
                                       uint64_t seed, const DeltaRuleOptions& options,
                                       const std::vector<SweepAxis>& axes,
                                       const SweepProgress& progress = {});

// One panel per axis: accuracy (%) against the plotted x, with the reference (the first point) and the
// profile's accuracy as dashed lines.
std::string sweep_svg(const std::vector<SweepPoint>& points, const std::vector<SweepAxis>& axes,
                      std::string_view title);

}  // namespace scx::devices
