// On-chip learning on a Loihi-class core: a weak plastic input paired before a strong driver is potentiated
// until it fires the neuron alone; one arriving after the neuron's spike is depressed; the learner's weights
// are the ones the chip integrates.
#include <gtest/gtest.h>

#include "silicortex/core/error.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/hw/loihi_chip.hpp"

namespace scx::hw {
namespace {

ChipProfile loihi_profile() {
  return read_chip_profile(find_chip_profile("loihi", SCX_SOURCE_DIR "/chips"));
}

// Core 0, one neuron that fires in the tick its input exceeds 70 (u and v forget everything each tick).
// Axons 0 and 2 are plastic (weights 20 and 45); axon 1 is a static driver of weight 100.
LoihiChip paired_chip() {
  LoihiChip chip(loihi_profile());
  chip.configure_core(0, {4095, 4095, 70}, 1);
  model::ExpressionRule r;
  r.text = "dw = 2^3*x1*y0 - 2^3*y1*x0";
  r.w_min = 0, r.w_max = 100;
  chip.set_learner(
      0, std::make_unique<learning::FixedPointLearner>(r, 1.0, 8, 1.0, learning::FixedPointOptions{}, 3, 1),
      0);
  chip.add_plastic_synapse(0, 0, 0, 20);
  chip.add_synapse(0, 1, 0, 100, 0);
  chip.add_plastic_synapse(0, 2, 0, 45);
  return chip;
}

TEST(LoihiLearning, CausalPairsPotentiateAndAntiCausalOnesDepress) {
  LoihiChip chip = paired_chip();
  for (int rep = 0; rep < 6; ++rep) {
    chip.inject(0, 0);
    chip.run(2);
    chip.inject(0, 1);  // the neuron fires 2 ticks after axon 0
    chip.run(3);
    chip.inject(0, 2);  // axon 2 arrives 3 ticks after the spike
    chip.run(100);      // long enough for every trace to fall below what rounds to a step
  }
  const auto* learner = chip.learner(0);
  ASSERT_NE(learner, nullptr);
  // Traces of impulse 16 (4096 units) decay by the Q16 factor 62340 (e^{-1/20}): 3896 after one tick,
  // 3706 after two, 3525 after three. Per pairing axon 0 gains round(8 * 3706/4096) = round(7.24) = 7 and
  // axon 2 loses round(8 * 3525/4096) = round(6.88) = 7.
  EXPECT_EQ(learner->weight(0), 20 + 6 * 7);
  EXPECT_EQ(learner->weight(1), 45 - 6 * 7);
  EXPECT_EQ(chip.counters().spikes_sent, 6u);
}

TEST(LoihiLearning, ThePotentiatedInputDrivesTheNeuronAlone) {
  LoihiChip chip = paired_chip();
  chip.inject(0, 0);
  chip.run(3);
  EXPECT_EQ(chip.counters().spikes_sent, 0u) << "weight 20 is below threshold before learning";
  for (int rep = 0; rep < 8; ++rep) {  // 20 + 8 * 7 = 76
    chip.inject(0, 0);
    chip.run(2);
    chip.inject(0, 1);
    chip.run(100);
  }
  const uint64_t before = chip.counters().spikes_sent;
  chip.inject(0, 0);
  chip.run(3);
  EXPECT_EQ(chip.counters().spikes_sent, before + 1) << "learned weight " << chip.learner(0)->weight(0);
}

TEST(LoihiLearning, PlasticSynapsesNeedALearnerInRange) {
  LoihiChip chip(loihi_profile());
  chip.configure_core(0, {4095, 4095, 50}, 2);
  EXPECT_THROW(chip.add_plastic_synapse(0, 0, 0, 1), Error);
  chip.set_learner(0,
                   std::make_unique<learning::FixedPointLearner>(model::PairStdp{}, 1.0, 8, 1.0,
                                                                 learning::FixedPointOptions{}, 1, 2),
                   0);
  EXPECT_THROW(chip.add_plastic_synapse(0, 1, 0, 1), Error);
  EXPECT_NO_THROW(chip.add_plastic_synapse(0, 0, 1, 1));
}

}  // namespace
}  // namespace scx::hw
