#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/devices/device_sweep.hpp"

namespace scx::cli {
namespace {

constexpr const char* kFashion = "/usr/share/datasets/fashion-mnist/";

struct DevicesArgs {
  std::string network, profile, images, labels, train_images, train_labels, axes, svg;
  size_t limit = 2000, train_limit = 10000;
  uint64_t seed = 1;
  devices::CrossbarConfig crossbar;
  devices::DeltaRuleOptions delta;
};

void print_profile(const devices::DeviceProfile& p) {
  std::printf(
      "device %s: %s\n  window %g..%g uS, %d levels, A/Pmax LTP %g LTD %g, d2d %g, c2c %g, read noise %g,\n"
      "  drift nu %g +- %g (t0 %g s), stuck-at Gmin %g Gmax %g, read %g V x %g ns\n",
      p.name.c_str(), p.description.c_str(), p.g_min_us, p.g_max_us, p.levels, p.a_ltp, p.a_ltd, p.d2d_sigma,
      p.c2c_sigma, p.read_noise_sigma, p.drift_nu, p.drift_nu_sigma, p.drift_t0_s, p.stuck_gmin_rate,
      p.stuck_gmax_rate, p.v_read_v, p.t_read_ns);
}

void write_svg(const std::string& path, const std::vector<devices::SweepPoint>& points,
               const std::vector<devices::SweepAxis>& axes, const std::string& title) {
  write_text_atomically(path, devices::sweep_svg(points, axes, title));
  std::printf("wrote %s\n", path.c_str());
}

void run_sweep(const DevicesArgs& a) {
  const devices::DeviceProfile profile = devices::read_device_profile(a.profile);
  const train::TrainedNetwork net = train::read_trained_network(a.network);
  const std::string images = a.images.empty() ? net.config.data.test_images : a.images;
  const std::string labels = a.labels.empty() ? net.config.data.test_labels : a.labels;
  if (images.empty() || labels.empty())
    throw Error(fmt::format("{}: the network names no test data; give --images and --labels", a.network));
  const auto axes = devices::select_axes(devices::inference_axes(), a.axes);
  const std::string svg = a.svg.empty() ? fmt::format("devices_sweep_{}.svg", profile.name) : a.svg;
  check_writable(svg);
  const train::Dataset data = train::load_dataset(images, labels, a.limit);
  print_profile(profile);
  std::printf(
      "network %s, %zu test images; one axis at a time, the others ideal; profile row: all of the "
      "profile at t = %g s\n",
      a.network.c_str(), data.count, a.crossbar.time_s);
  std::printf("%-14s %12s %10s %10s %14s\n", "axis", "value", "accuracy", "agree", "read pJ/inf");
  std::fflush(stdout);
  const auto points = devices::sweep_inference(
      net, data, profile, a.crossbar, a.seed, axes, [](const devices::SweepPoint& p) {
        std::printf("%-14s %12g %9.2f%% %9.2f%% %14.4g\n", p.axis.c_str(), p.value, 100 * p.accuracy,
                    100 * p.agreement, p.energy_pj);
        std::fflush(stdout);
      });
  write_svg(svg, points, axes,
            fmt::format("{} on {} crossbars: accuracy, one non-ideality at a time", a.network, profile.name));
}

void run_learn(const DevicesArgs& a) {
  const devices::DeviceProfile profile = devices::read_device_profile(a.profile);
  const auto axes = devices::select_axes(devices::learning_axes(), a.axes);
  const std::string svg = a.svg.empty() ? fmt::format("devices_learn_{}.svg", profile.name) : a.svg;
  check_writable(svg);
  const train::Dataset train_set = train::load_dataset(a.train_images, a.train_labels, a.train_limit);
  const train::Dataset test_set = train::load_dataset(a.images, a.labels, a.limit);
  print_profile(profile);
  std::printf(
      "on-chip delta rule, %zu training and %zu test images, %d epochs, batch %d, lr %g, w_max %g; one "
      "axis at a time, the others ideal\n",
      train_set.count, test_set.count, a.delta.epochs, a.delta.batch, a.delta.lr, a.delta.w_max);
  std::printf("%-14s %12s %10s %14s %16s\n", "axis", "value", "accuracy", "pulses", "read pJ (run)");
  std::fflush(stdout);
  const auto points = devices::sweep_learning(
      train_set, test_set, profile, a.crossbar, a.seed, a.delta, axes, [](const devices::SweepPoint& p) {
        std::printf("%-14s %12g %9.2f%% %14llu %16.4g\n", p.axis.c_str(), p.value, 100 * p.accuracy,
                    static_cast<unsigned long long>(p.pulses), p.energy_pj);
        std::fflush(stdout);
      });
  write_svg(
      svg, points, axes,
      fmt::format("On-chip delta rule on {} crossbars: accuracy, one non-ideality at a time", profile.name));
}

void add_crossbar_options(CLI::App* cmd, DevicesArgs& a) {
  cmd->add_option("--profile", a.profile, "Device profile (TOML, see devices/)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--seed", a.seed, "Seed of the device draws");
  cmd->add_option("--axes", a.axes, "Comma-separated axes to sweep (default: all)");
  cmd->add_option("--svg", a.svg, "Output figure (default: devices_<sweep>_<profile>.svg)");
  cmd->add_option("--dac-bits", a.crossbar.dac_bits, "DAC bits of the profile row (0: off)");
  cmd->add_option("--adc-bits", a.crossbar.adc_bits, "ADC bits of the profile row (0: off)");
  cmd->add_option("--wire-ohm", a.crossbar.wire_ohm,
                  "Wire resistance per cell for the profile row (0: no IR drop)");
}

}  // namespace

void register_devices(CLI::App& root) {
  auto args = std::make_shared<DevicesArgs>();
  CLI::App* group = root.add_subcommand("devices", "Multi-level synaptic devices and analog crossbars");
  group->require_subcommand(1);
  group->footer("Models, equations, sources and the profile format: docs/devices.md");

  CLI::App* sweep =
      group->add_subcommand("sweep", "Accuracy and read energy of a trained network on crossbars");
  sweep->add_option("network", args->network, "Trained network (.scxnet from silicortex train)")
      ->required()
      ->check(CLI::ExistingFile);
  add_crossbar_options(sweep, *args);
  sweep->add_option("--images", args->images, "Test images (IDX; default: the network's test data)");
  sweep->add_option("--labels", args->labels, "Test labels (IDX)");
  sweep->add_option("--limit", args->limit, "Use the first N test images (0: all)");
  args->crossbar.time_s = 86400;
  sweep->add_option("--time-s", args->crossbar.time_s, "Read time after programming for the profile row (s)");
  sweep->callback([args] { run_sweep(*args); });

  CLI::App* learn = group->add_subcommand("learn", "On-chip delta-rule learning with device non-idealities");
  add_crossbar_options(learn, *args);
  learn->add_option("--images", args->images, "Test images (IDX; default: Fashion-MNIST)");
  learn->add_option("--labels", args->labels, "Test labels (IDX)");
  learn->add_option("--train-images", args->train_images, "Training images (IDX; default: Fashion-MNIST)");
  learn->add_option("--train-labels", args->train_labels, "Training labels (IDX)");
  learn->add_option("--limit", args->limit, "Use the first N test images (0: all)");
  learn->add_option("--train-limit", args->train_limit, "Use the first N training images (0: all)");
  learn->add_option("--epochs", args->delta.epochs, "Epochs");
  learn->add_option("--batch", args->delta.batch, "Samples per weight update");
  learn->add_option("--lr", args->delta.lr, "Learning rate");
  learn->add_option("--w-max", args->delta.w_max, "Weight of a full-window conductance difference");
  learn->callback([args] {
    const std::string dir = kFashion;  // learn's defaults; sweep defaults to the network's test data
    if (args->images.empty()) args->images = dir + "t10k-images-idx3-ubyte.gz";
    if (args->labels.empty()) args->labels = dir + "t10k-labels-idx1-ubyte.gz";
    if (args->train_images.empty()) args->train_images = dir + "train-images-idx3-ubyte.gz";
    if (args->train_labels.empty()) args->train_labels = dir + "train-labels-idx1-ubyte.gz";
    args->crossbar.time_s = 0;  // devices are reprogrammed all the time: read right after programming
    run_learn(*args);
  });
}

}  // namespace scx::cli
