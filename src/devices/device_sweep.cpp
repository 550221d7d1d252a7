#include "silicortex/devices/device_sweep.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "silicortex/core/error.hpp"
#include "silicortex/io/svg.hpp"

namespace scx::devices {
namespace {

double log2_x(double v) {
  return std::log2(v);
}
double log10_x(double v) {
  return std::log10(v);
}
double inverse_x(double v) {
  return v > 0 ? 1.0 / v : 0.0;
}

const SweepPoint* find_point(const std::vector<SweepPoint>& points, std::string_view axis) {
  for (const SweepPoint& p : points)
    if (p.axis == axis) return &p;
  return nullptr;
}

}  // namespace

std::vector<SweepAxis> inference_axes() {
  return {
      {"levels", "log2(levels), linear levels", {256, 128, 64, 32, 16, 8, 4, 3, 2}, log2_x},
      {"d2d_sigma", "device-to-device sigma (relative range)", {0.02, 0.05, 0.1, 0.2, 0.3, 0.5}},
      {"drift_time_s",
       "log10(read time / s), profile's drift",
       {60, 3600, 86400, 2.6e6, 3.15e7, 3.15e8},
       log10_x},
      {"c2c_sigma", "programming error sigma (fraction of window)", {0.005, 0.01, 0.02, 0.035, 0.05, 0.1}},
      {"fault_rate", "stuck-at fault rate", {0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2}},
      {"read_noise", "read noise sigma (relative)", {0.01, 0.02, 0.05, 0.1, 0.2}},
      {"adc_bits", "ADC bits", {12, 10, 8, 7, 6, 5, 4}},
      {"wire_ohm", "log10(wire ohm per cell), first-order IR drop", {0.01, 0.03, 0.1, 0.3, 1}, log10_x},
  };
}

std::vector<SweepAxis> learning_axes() {
  return {
      {"levels", "log2(levels), linear device", {1024, 256, 64, 32, 16, 8, 4}, log2_x},
      {"nonlinearity", "Pmax / A (A_LTP = A_LTD; 0 = linear)", {2, 1, 0.5, 0.25, 0.1, 0.05}, inverse_x},
      {"c2c_sigma", "cycle-to-cycle sigma (fraction of window)", {0.002, 0.005, 0.01, 0.02, 0.05}},
  };
}

std::vector<SweepAxis> select_axes(std::vector<SweepAxis> axes, const std::string& names) {
  if (names.empty() || names == "all") return axes;
  std::vector<SweepAxis> out;
  size_t start = 0;
  while (start <= names.size()) {
    const size_t end = std::min(names.find(',', start), names.size());
    const std::string name = names.substr(start, end - start);
    auto it = std::find_if(axes.begin(), axes.end(), [&](const SweepAxis& a) { return a.name == name; });
    if (it == axes.end()) {
      std::string valid;
      for (const SweepAxis& a : axes) valid += (valid.empty() ? "" : ", ") + a.name;
      throw Error(fmt::format("--axes: unknown axis '{}' (valid: {})", name, valid));
    }
    out.push_back(*it);
    start = end + 1;
  }
  return out;
}

AnalogSetup ideal_setup(const DeviceProfile& profile, const CrossbarConfig& base, uint64_t seed) {
  AnalogSetup s{ideal_device_profile(), base, seed};
  s.profile.g_min_us = profile.g_min_us;
  s.profile.g_max_us = profile.g_max_us;
  s.profile.v_read_v = profile.v_read_v;
  s.profile.t_read_ns = profile.t_read_ns;
  s.crossbar.dac_bits = s.crossbar.adc_bits = 0;
  s.crossbar.wire_ohm = 0;
  s.crossbar.time_s = 0;
  return s;
}

AnalogSetup axis_setup(const DeviceProfile& profile, const CrossbarConfig& base, uint64_t seed,
                       const std::string& axis, double value) {
  if (axis == "profile") return {profile, base, seed};
  AnalogSetup s = ideal_setup(profile, base, seed);
  DeviceProfile& d = s.profile;
  if (axis == "levels") {
    d.levels = int(value);
  } else if (axis == "d2d_sigma") {
    d.d2d_sigma = value;
  } else if (axis == "drift_time_s") {
    d.drift_nu = profile.drift_nu;
    d.drift_nu_sigma = profile.drift_nu_sigma;
    d.drift_t0_s = profile.drift_t0_s;
    s.crossbar.time_s = value;
  } else if (axis == "fault_rate") {  // split as in the profile (evenly if it has none)
    const double total = profile.stuck_gmin_rate + profile.stuck_gmax_rate;
    const double to_min = total > 0 ? profile.stuck_gmin_rate / total : 0.5;
    d.stuck_gmin_rate = value * to_min;
    d.stuck_gmax_rate = value * (1 - to_min);
  } else if (axis == "read_noise") {
    d.read_noise_sigma = value;
  } else if (axis == "adc_bits") {
    s.crossbar.adc_bits = int(value);
  } else if (axis == "wire_ohm") {
    s.crossbar.wire_ohm = value;
  } else if (axis == "nonlinearity") {
    d.a_ltp = d.a_ltd = value;
  } else if (axis == "c2c_sigma") {
    d.c2c_sigma = value;
  } else {
    throw Error(fmt::format("device sweep: unknown axis '{}'", axis));
  }
  return s;
}

std::vector<SweepPoint> sweep_inference(const train::TrainedNetwork& net, const train::Dataset& data,
                                        const DeviceProfile& profile, const CrossbarConfig& base,
                                        uint64_t seed, const std::vector<SweepAxis>& axes,
                                        const SweepProgress& progress) {
  std::vector<SweepPoint> points;
  const EvalResult digital = evaluate_network(net, data, nullptr);
  auto add = [&](const std::string& axis, double value, const EvalResult& r) {
    SweepPoint p{axis, value, r.accuracy(), 0, r.energy_pj_per_sample(), 0};
    size_t same = 0;
    for (size_t i = 0; i < r.predictions.size(); ++i) same += r.predictions[i] == digital.predictions[i];
    p.agreement = r.samples ? double(same) / r.samples : 0;
    points.push_back(p);
    if (progress) progress(p);
  };
  add("digital", 0, digital);
  const AnalogSetup ideal = ideal_setup(profile, base, seed);
  add("ideal", 0, evaluate_network(net, data, &ideal));
  for (const SweepAxis& axis : axes)
    for (double v : axis.values) {
      const AnalogSetup s = axis_setup(profile, base, seed, axis.name, v);
      add(axis.name, v, evaluate_network(net, data, &s));
    }
  const AnalogSetup whole = axis_setup(profile, base, seed, "profile", 0);
  add("profile", base.time_s, evaluate_network(net, data, &whole));
  return points;
}

std::vector<SweepPoint> sweep_learning(const train::Dataset& train_set, const train::Dataset& test_set,
                                       const DeviceProfile& profile, const CrossbarConfig& base,
                                       uint64_t seed, const DeltaRuleOptions& options,
                                       const std::vector<SweepAxis>& axes, const SweepProgress& progress) {
  std::vector<SweepPoint> points;
  auto add = [&](const std::string& axis, double value, const LearningResult& r) {
    points.push_back({axis, value, r.test_accuracy, -1, r.read_energy_pj, r.pulses});
    if (progress) progress(points.back());
  };
  add("float", 0, train_delta_rule(train_set, test_set, nullptr, options));
  const AnalogSetup ideal = ideal_setup(profile, base, seed);
  add("ideal", 0, train_delta_rule(train_set, test_set, &ideal, options));
  for (const SweepAxis& axis : axes)
    for (double v : axis.values) {
      const AnalogSetup s = axis_setup(profile, base, seed, axis.name, v);
      add(axis.name, v, train_delta_rule(train_set, test_set, &s, options));
    }
  const AnalogSetup whole = axis_setup(profile, base, seed, "profile", 0);
  add("profile", 0, train_delta_rule(train_set, test_set, &whole, options));
  return points;
}

std::string sweep_svg(const std::vector<SweepPoint>& points, const std::vector<SweepAxis>& axes,
                      std::string_view title) {
  const int cols = 2, rows = int((axes.size() + cols - 1) / cols);
  const double panel_w = 430, panel_h = 270;
  io::svg::Figure fig(cols * panel_w + 20, std::max(1, rows) * panel_h + 70);
  fig.title(title);
  const SweepPoint* ref = points.empty() ? nullptr : &points.front();
  const SweepPoint* whole = find_point(points, "profile");
  for (size_t a = 0; a < axes.size(); ++a) {
    const SweepAxis& axis = axes[a];
    std::vector<double> xs, ys;
    for (const SweepPoint& p : points)
      if (p.axis == axis.name) {
        xs.push_back(axis.plot_x ? axis.plot_x(p.value) : p.value);
        ys.push_back(100 * p.accuracy);
      }
    if (xs.empty()) continue;
    double lo = *std::min_element(xs.begin(), xs.end()), hi = *std::max_element(xs.begin(), xs.end());
    if (hi == lo) hi = lo + 1;
    const io::svg::Box box{(a % cols) * panel_w + 70, (a / cols) * panel_h + 70, panel_w - 100, panel_h - 90};
    const io::svg::Axes ax(box, lo, hi, 0, 100);
    ax.draw(fig, axis.x_label, "accuracy (%)", axis.name);
    auto dashed = [&](double acc, const char* colour) {
      const double y = ax.py(100 * acc);
      fig.raw(fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="5,4"/>)"
                          "\n",
                          io::svg::num(box.x), io::svg::num(y), io::svg::num(box.x + box.w), io::svg::num(y),
                          colour));
    };
    if (ref) dashed(ref->accuracy, "#888888");
    if (whole) dashed(whole->accuracy, io::svg::colour(1));
    ax.polyline(fig, xs, ys, io::svg::colour(0), 1.8);
    for (size_t i = 0; i < xs.size(); ++i)
      fig.raw(fmt::format(R"(<circle cx="{}" cy="{}" r="3" fill="{}"/>)"
                          "\n",
                          io::svg::num(ax.px(xs[i])), io::svg::num(ax.py(ys[i])), io::svg::colour(0)));
  }
  if (ref)
    fig.text(20, fig.height() - 12,
             fmt::format("grey dashed: {} {:.2f}%; red dashed: whole profile {:.2f}%", ref->axis,
                         100 * ref->accuracy, whole ? 100 * whole->accuracy : 0.0));
  return fig.str();
}

}  // namespace scx::devices
