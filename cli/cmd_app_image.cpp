// `app image`: Fashion-MNIST (or any IDX image set) classified by a trained spiking network on an emulated
// chip, with accuracy, speed, cores, energy and an SVG report.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/data_dir.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/progress.hpp"
#include "silicortex/devices/chip_memory.hpp"
#include "silicortex/devices/device_profile.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/train/image_app.hpp"

namespace scx::cli {
namespace {

struct ImageArgs {
  std::string chip = "loihi", model, images, labels, svg = "image_report.svg", device;
  double device_time_s = 0;
  uint64_t device_seed = 1;
  size_t limit = 0;
  int threads = 2;
  bool train = false, quiet = false;
};

const std::string kTestImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
const std::string kTestLabels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";

// Runs the images on a deployment and prints the report lines common to both chip kinds.
template <typename Deployment>
void run_and_report(const ImageArgs& a, const hw::ChipProfile& profile, const std::filesystem::path& model,
                    const train::TrainedNetwork& net, const train::Dataset& data, const Deployment& dep) {
  ProgressBar bar("images", data.count, !a.quiet);
  const train::ImageAppResult r =
      train::run_image_app(net, dep, data, a.threads, [&](size_t done) { bar.update(done); });
  bar.finish();
  const hw::EnergyReport e = hw::compute_energy(profile, r.counters, dep.neurons_used(), r.images);
  const double n = double(std::max<size_t>(1, r.images));
  std::printf("images:                 %zu (%s)\n", r.images,
              a.images.empty() ? kTestImages.c_str() : a.images.c_str());
  std::printf(
      "accuracy on the chip:   %.2f%%   (float trainer: %.2f%%, same prediction on %.2f%% of images)\n",
      100 * r.accuracy(), 100 * r.float_accuracy(), 100 * double(r.agree) / n);
  std::printf("time steps per image:   %d (%d input steps + %zu layers of pipeline)\n",
              dep.ticks_per_sample(), dep.steps(), dep.layers().size() - 1);
  std::printf("images per second:      %.1f (emulation on %d threads, %.1f s)\n", n / r.wall_s, a.threads,
              r.wall_s);
  std::printf("cores used:             %d of %lld\n", dep.cores_used(),
              static_cast<long long>(profile.total_cores()));
  std::printf("energy per image:       %.3g uJ on the chip (%.3g synaptic events, %.3g spikes per image)\n",
              e.per_inference_j * 1e6, double(r.counters.synaptic_events) / n,
              double(r.counters.spikes_sent) / n);
  std::printf("conventional processor: %.3g uJ per image for the same synaptic operations (%.0fx)\n",
              e.conventional_j / n * 1e6,
              e.per_inference_j > 0 ? e.conventional_j / n / e.per_inference_j : 0.0);
  if (r.counters.saturations > 0)
    std::fprintf(stderr,
                 "warning: the chip's arithmetic hit its limits %.3g times per image (membrane or input "
                 "wrapped or clipped): its scale leaves too little headroom for this model or input\n",
                 double(r.counters.saturations) / n);
  if (!a.svg.empty()) {
    write_text_atomically(a.svg, train::image_report_svg(
                                     r, dep, e,
                                     fmt::format("{} on {}: {:.2f}% on {} images", model.filename().string(),
                                                 profile.name, 100 * r.accuracy(), r.images)));
    std::printf("wrote %s\n", a.svg.c_str());
  }
}

void run_truenorth(const ImageArgs& a, const hw::ChipProfile& profile, const std::filesystem::path& model,
                   const train::TrainedNetwork& net, const train::Dataset& data) {
  if (!a.device.empty())
    throw Error(
        fmt::format("--device: storing synapses in devices is implemented for loihi-model chips "
                    "only, and chip '{}' is a truenorth-model chip",
                    profile.name));
  const train::TrueNorthDeployment dep(net.config, net.params, profile);
  std::printf(
      "model %s on chip '%s': %d cores of %lld, %llu neurons (fan-out copies included), %d time "
      "steps per image\n",
      model.c_str(), profile.name.c_str(), dep.cores_used(), static_cast<long long>(profile.total_cores()),
      static_cast<unsigned long long>(dep.neurons_used()), dep.ticks_per_sample());
  for (const auto& l : dep.layers())
    std::printf("  %-44s %6d neurons (%6d with copies, up to %3d) %4d cores %8llu synapses  axons <= %d%s\n",
                l.origin.c_str(), l.neurons, l.chip_neurons, l.max_copies, l.cores,
                static_cast<unsigned long long>(l.synapses), l.max_axons, l.exact ? "" : "  (leak rounded)");
  run_and_report(a, profile, model, net, data, dep);
}

void run_image(const ImageArgs& a) {
  const auto profile = hw::read_chip_profile(hw::find_chip_profile(a.chip, data_dir() / "chips"));
  const bool truenorth = profile.neuron_kind == hw::NeuronKind::kTrueNorth;
  const std::string stem = truenorth ? "fmnist_truenorth" : "fmnist_loihi";
  std::filesystem::path model =
      a.model.empty() ? data_dir() / "models/trained" / (stem + ".scxnet") : std::filesystem::path(a.model);
  if (!a.svg.empty()) check_writable(a.svg);
  if (a.train) {
    const auto config = data_dir() / "configs/train" / (stem + ".toml");
    model = stem + ".scxnet";
    std::printf("training %s from scratch (writes %s)\n", config.c_str(), model.c_str());
    train_network(config.string(), model.string(), a.quiet);
  }
  const train::TrainedNetwork net = train::read_trained_network(model);
  const train::Dataset data = train::load_dataset(a.images.empty() ? kTestImages : a.images,
                                                  a.labels.empty() ? kTestLabels : a.labels, a.limit);
  if (truenorth) return run_truenorth(a, profile, model, net, data);
  train::LoihiDeployment dep(net.config, net.params, profile);
  std::printf("model %s on chip '%s': %d cores of %lld, %llu neurons, %d time steps per image\n",
              model.c_str(), profile.name.c_str(), dep.cores_used(),
              static_cast<long long>(profile.total_cores()),
              static_cast<unsigned long long>(dep.neurons_used()), dep.ticks_per_sample());
  for (const auto& l : dep.layers())
    std::printf("  %-44s %6d neurons %3d cores %9llu synapses  weight exp %d  vth %d%s\n", l.origin.c_str(),
                l.neurons, l.cores, static_cast<unsigned long long>(l.synapses), l.weight_exp, l.vth,
                l.exact ? "" : "  (rounded)");
  if (!a.device.empty()) {
    const devices::DeviceProfile device = devices::read_device_profile(a.device);
    devices::CrossbarConfig xcfg;
    xcfg.time_s = a.device_time_s;
    const devices::ChipMemoryResult m = devices::store_in_devices(dep.chip(), device, xcfg, a.device_seed);
    std::printf(
        "synapse memory in %s devices (%s, read %g s after programming, seed %llu): %llu of %llu "
        "weights changed (%.2f%%) on %d cores\n",
        device.name.c_str(), a.device.c_str(), a.device_time_s,
        static_cast<unsigned long long>(a.device_seed), static_cast<unsigned long long>(m.changed),
        static_cast<unsigned long long>(m.synapses),
        100.0 * double(m.changed) / double(std::max<uint64_t>(1, m.synapses)), m.cores);
  }
  run_and_report(a, profile, model, net, data, dep);
}

}  // namespace

void register_app_image(CommandGroups& groups) {
  auto args = std::make_shared<ImageArgs>();
  CLI::App* cmd =
      groups.app->add_subcommand("image", "Classify Fashion-MNIST test images on an emulated chip");
  cmd->footer(
      "Runs a trained network (default: the model shipped in models/trained for the chip's kind,\n"
      "fmnist_loihi or fmnist_truenorth) on the chip emulator.\n"
      "Example: silicortex app image --limit 500");
  cmd->add_option("--chip", args->chip, "Chip profile name or file (default loihi; truenorth works too)");
  cmd->add_option("--model", args->model, "Trained network (.scxnet)")->check(CLI::ExistingFile);
  cmd->add_option("--images", args->images, "IDX images (default: Fashion-MNIST t10k)");
  cmd->add_option("--labels", args->labels, "IDX labels");
  cmd->add_option("--limit", args->limit, "Use the first N images (0: all)");
  cmd->add_option("--threads", args->threads, "Emulation threads (the result does not depend on it)");
  cmd->add_option("--svg", args->svg, "SVG report (empty: none)");
  cmd->add_option("--device", args->device,
                  "Store the chip's synapse weights in these devices (e.g. devices/pcm.toml) before running")
      ->check(CLI::ExistingFile);
  cmd->add_option("--device-time-s", args->device_time_s,
                  "Read the devices this long after programming (drift)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--device-seed", args->device_seed, "Seed of the devices' variation, errors and faults");
  cmd->add_flag("--train", args->train,
                "Retrain the shipped model's configuration (of the chip's kind) from scratch first");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([args] { run_image(*args); });
}

}  // namespace scx::cli
