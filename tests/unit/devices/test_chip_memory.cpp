// A Loihi core's synapse memory in devices: an ideal device changes nothing (weights and spikes), lossy
// devices change weights deterministically per seed, plastic synapses are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/devices/chip_memory.hpp"
#include "silicortex/devices/device_profile.hpp"
#include "silicortex/hw/chip_profile.hpp"

using namespace scx;
using namespace scx::devices;

namespace {

hw::ChipProfile loihi() {
  return hw::read_chip_profile(hw::find_chip_profile("loihi", SCX_SOURCE_DIR "/chips"));
}

// Core 0: 8 neurons on 16 input axons, weights m << 2 with m uniform in [-120, 120]; its neurons drive core 1
// (4 neurons, weights m << 3), whose spikes are the output.
hw::LoihiChip two_layer_chip(uint64_t seed) {
  hw::LoihiChip chip(loihi());
  RandomStream rng(seed, 7);
  chip.configure_core(0, {1000, 400, 150}, 8);
  chip.configure_core(1, {1000, 400, 150}, 4);
  for (int32_t a = 0; a < 16; ++a)
    for (int32_t n = 0; n < 8; ++n) chip.add_synapse(0, a, n, int32_t(rng.uniform(-120.0, 120.0)), 2);
  for (int32_t n = 0; n < 8; ++n) {
    chip.add_destination(0, n, 1, n);
    for (int32_t j = 0; j < 4; ++j) chip.add_synapse(1, n, j, int32_t(rng.uniform(-120.0, 120.0)), 3);
  }
  return chip;
}

using Spikes = std::vector<std::tuple<uint64_t, uint32_t, uint32_t>>;
Spikes run(hw::LoihiChip chip) {
  RandomStream rng(99, 1);
  Spikes out;
  for (int t = 0; t < 60; ++t) {
    for (int32_t a = 0; a < 16; ++a)
      if (rng.uniform(0.0, 1.0) < 0.4) chip.inject(0, a);
    chip.run(1, [&](uint64_t tick, const std::vector<hw::TnSpike>& s) {
      for (const auto& x : s) out.emplace_back(tick, x.core, x.neuron);
    });
  }
  return out;
}

std::vector<int32_t> weights(const hw::LoihiChip& chip) {
  std::vector<int32_t> w;
  for (int32_t c = 0; c < chip.cores(); ++c)
    for (const auto& list : chip.axons(c))
      for (const auto& s : list) w.push_back(s.weight);
  return w;
}

}  // namespace

TEST(ChipMemory, IdealDevicesChangeNoWeightAndNoSpike) {
  const hw::LoihiChip reference = two_layer_chip(5);
  const Spikes ref_spikes = run(reference);
  ASSERT_GT(ref_spikes.size(), 20u);  // the test means something only if neurons fire
  hw::LoihiChip chip = reference;
  DeviceProfile p = ideal_device_profile();
  p.g_min_us = 0.3, p.g_max_us = 17;  // any window: the decode is relative
  const ChipMemoryResult r = store_in_devices(chip, p, {}, 1);
  EXPECT_EQ(r.synapses, 16u * 8 + 8 * 4);
  EXPECT_EQ(r.cores, 2);
  EXPECT_EQ(r.changed, 0u);
  EXPECT_EQ(weights(chip), weights(reference));
  EXPECT_EQ(run(chip), ref_spikes);
}

TEST(ChipMemory, ManyLevelsKeepEveryWeightWithinHalfAStepOfItsLevel) {
  // 2^14 levels over w_max = 120 << 3 on core 1: a level is ~0.06 of a weight unit, far below the step 8,
  // so rounding to the step recovers every weight exactly.
  hw::LoihiChip chip = two_layer_chip(6);
  const auto before = weights(chip);
  DeviceProfile p = ideal_device_profile();
  p.levels = 1 << 14;
  EXPECT_EQ(store_in_devices(chip, p, {}, 1).changed, 0u);
  EXPECT_EQ(weights(chip), before);
}

TEST(ChipMemory, LossyDevicesChangeWeightsDeterministicallyPerSeed) {
  DeviceProfile p = ideal_device_profile();
  p.levels = 5;  // per device of a pair: the difference takes 9 values over [-w_max, w_max]
  p.stuck_gmax_rate = 0.05;
  hw::LoihiChip a = two_layer_chip(7), b = a, c = a;
  const auto before = weights(a);
  const ChipMemoryResult ra = store_in_devices(a, p, {}, 11);
  const ChipMemoryResult rb = store_in_devices(b, p, {}, 11);
  store_in_devices(c, p, {}, 12);
  EXPECT_GT(ra.changed, ra.synapses / 2);  // 9 values cannot hold ~240 mantissas
  EXPECT_EQ(ra.changed, rb.changed);
  EXPECT_EQ(weights(a), weights(b));
  EXPECT_NE(weights(a), weights(c));  // other seed, other stuck devices
  // Every weight is a multiple of its core's step and within the 8-bit mantissa range.
  for (int32_t core = 0; core < 2; ++core)
    for (const auto& list : a.axons(core))
      for (const auto& s : list) {
        const int32_t step = core == 0 ? 4 : 8;
        EXPECT_EQ(s.weight % step, 0);
        EXPECT_LE(s.weight / step, 127);
        EXPECT_GE(s.weight / step, -128);
      }
  // Levels only (no faults): the error of a weight is at most half a level difference plus half a step.
  p.stuck_gmax_rate = 0;
  hw::LoihiChip d = two_layer_chip(7);
  store_in_devices(d, p, {}, 11);
  const auto after = weights(d);
  size_t i = 0;
  for (int32_t core = 0; core < 2; ++core) {
    int32_t w_max = 0;
    for (const auto& list : d.axons(core))
      for (size_t k = 0; k < list.size(); ++k, ++i) w_max = std::max(w_max, std::abs(before[i]));
    const size_t first = core == 0 ? 0 : 16 * 8;
    for (size_t j = first; j < i; ++j)
      EXPECT_LE(std::abs(after[j] - before[j]), w_max / 4.0 / 2 + (core == 0 ? 4 : 8) / 2.0) << j;
  }
}

TEST(ChipMemory, PlasticSynapsesAreRefused) {
  hw::LoihiChip chip(loihi());
  chip.configure_core(0, {4095, 4095, 70}, 1);
  model::ExpressionRule r;
  r.text = "dw = 2^3*x1*y0 - 2^3*y1*x0";
  r.w_min = 0, r.w_max = 100;
  chip.set_learner(
      0, std::make_unique<learning::FixedPointLearner>(r, 1.0, 8, 1.0, learning::FixedPointOptions{}, 3, 1),
      0);
  chip.add_plastic_synapse(0, 0, 0, 20);
  try {
    store_in_devices(chip, ideal_device_profile(), {}, 1);
    FAIL() << "expected scx::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("core 0: plastic"), std::string::npos) << e.what();
  }
  EXPECT_THROW(chip.set_weight(0, 0, 0, 4), Error);
}
