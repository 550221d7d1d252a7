#pragma once
// `silicortex app image`: a trained network deployed on an emulated chip classifies a labelled image set,
// with the float trainer's prediction of every image beside the chip's, the chip's event counts (for the
// energy model), a confusion matrix, and the spike raster of the first image. Images are split over threads,
// each with its own copy of the chip; results do not depend on the thread count.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "silicortex/hw/energy_meter.hpp"
#include "silicortex/train/loihi_deploy.hpp"
#include "silicortex/train/trainer.hpp"
#include "silicortex/train/truenorth_deploy.hpp"

namespace scx::train {

struct RasterSpike {
  uint32_t tick;
  int layer, neuron;
};

struct ImageAppResult {
  size_t images = 0, chip_correct = 0, float_correct = 0, agree = 0;
  std::vector<std::vector<uint32_t>> confusion;  // [true label][chip prediction]
  std::vector<RasterSpike> raster;               // image 0
  hw::EventCounters counters;
  double wall_s = 0;
  double accuracy() const { return images ? double(chip_correct) / double(images) : 0; }
  double float_accuracy() const { return images ? double(float_correct) / double(images) : 0; }
};

// Runs every image of `data` on copies of `dep`; `progress(done)` is called from one thread.
ImageAppResult run_image_app(const TrainedNetwork& net, const LoihiDeployment& dep, const Dataset& data,
                             int threads, const std::function<void(size_t)>& progress = {});
ImageAppResult run_image_app(const TrainedNetwork& net, const TrueNorthDeployment& dep, const Dataset& data,
                             int threads, const std::function<void(size_t)>& progress = {});

// The SVG report: confusion matrix, spike raster of image 0, energy per image by component beside the
// conventional processor.
std::string image_report_svg(const ImageAppResult& r, const LoihiDeployment& dep, const hw::EnergyReport& e,
                             const std::string& title);
std::string image_report_svg(const ImageAppResult& r, const TrueNorthDeployment& dep,
                             const hw::EnergyReport& e, const std::string& title);

}  // namespace scx::train
