// The energy model: the formula on known counters, and the TrueNorth profile against the published 63-70 mW
// of a chip running in real time.
#include <gtest/gtest.h>

#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/hw/energy_meter.hpp"
#include "silicortex/hw/random_chip.hpp"
#include "silicortex/hw/truenorth_chip.hpp"

namespace scx::hw {
namespace {

TEST(Energy, FormulaOnKnownCounters) {
  auto p = read_chip_profile(SCX_SOURCE_DIR "/chips/custom_example.toml");  // 2 chips, 2 mW static each
  EventCounters c;
  c.synaptic_events = 1000000;
  c.neuron_updates = 500000;
  c.spikes_sent = 2000;
  c.hops = 10000;
  c.chip_crossings = 100;
  c.ticks = 1000;  // 1 s of model time
  const auto r = compute_energy(p, c, 10000, 10);
  const double expect_j =
      (1e6 * 5.0 + 5e5 * 4.0 + 2000 * 0.5 + 9900 * 1.0 + 100 * 20.0) * 1e-12 + 2 * 2e-3 * 1.0;
  EXPECT_DOUBLE_EQ(r.total_j, expect_j);
  EXPECT_DOUBLE_EQ(r.per_model_second_j, expect_j);
  EXPECT_DOUBLE_EQ(r.per_inference_j, expect_j / 10);
  EXPECT_DOUBLE_EQ(r.conventional_j, 1e6 * (640.0 + 4.6) * 1e-12);
  EXPECT_DOUBLE_EQ(r.synaptic_ops_per_s_per_w, 1e6 / expect_j);
  EXPECT_DOUBLE_EQ(r.mean_rate_hz, 0.2);
}

// Merolla et al. 2014 report 63 mW (video at 30 fps) to 65-72 mW (20 Hz mean rate, 128 active synapses per
// neuron) for one chip in real time. A full emulated chip at that activity must land in that band. The
// profile's synaptic coefficient is calibrated on the 26 pJ all-in figure at the same operating point, so
// this checks that the counters (events, updates, hops) and the model add up, not an independent prediction.
TEST(Energy, TrueNorthChipAtRealisticActivityDraws63To70mW) {
  const auto profile = read_chip_profile(SCX_SOURCE_DIR "/chips/truenorth.toml");
  TrueNorthChip chip(profile, 3);
  fill_random_chip(chip, {20.0, 0.5, 0, 3});
  chip.run(150, 2);
  const auto r = compute_energy(profile, chip.counters(), chip.neurons());
  EXPECT_NEAR(r.mean_rate_hz, 20.0, 1.5);
  const double mw = r.per_model_second_j * 1e3;
  EXPECT_GE(mw, 63.0);
  EXPECT_LE(mw, 70.0);
  // Published efficiencies: 26 pJ per event (= 38 GSOPS/W, Merolla 2014) and 46 GSOPS/W (Cassidy SC14,
  // another workload). The emulated chip must sit in that bracket.
  EXPECT_GE(r.synaptic_ops_per_s_per_w * 1e-9, 36.0);
  EXPECT_LE(r.synaptic_ops_per_s_per_w * 1e-9, 46.0);
  // A von Neumann machine fetching every weight from DRAM spends more than an order of magnitude more.
  EXPECT_GT(r.conventional_j / r.total_j, 10.0);
}

}  // namespace
}  // namespace scx::hw
