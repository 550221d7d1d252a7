// The bit-parallel crossbar core against the scalar reference path on random cores, and thread-count
// independence.
#include <gtest/gtest.h>

#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/hw/random_chip.hpp"
#include "silicortex/hw/truenorth_chip.hpp"

namespace scx::hw {
namespace {

ChipProfile small_profile(int cores_x, int cores_y) {
  auto p = read_chip_profile(SCX_SOURCE_DIR "/chips/truenorth.toml");
  p.cores_x = cores_x;
  p.cores_y = cores_y;
  return p;
}

struct Trace {
  std::vector<std::pair<uint64_t, TnSpike>> spikes;
  std::vector<int32_t> v;
  EventCounters counters;
};

Trace run_chip(int cores_x, int cores_y, double density, int threads, bool scalar, uint64_t ticks) {
  TrueNorthChip chip(small_profile(cores_x, cores_y), 7);
  fill_random_chip(chip, {20.0, density, 0, 11});
  chip.set_force_scalar(scalar);
  Trace t;
  chip.run(ticks, threads, [&](uint64_t tick, const std::vector<TnSpike>& s) {
    for (const auto& x : s) t.spikes.push_back({tick, x});
  });
  for (int32_t c = 0; c < chip.cores(); ++c)
    for (int j = 0; j < 256; ++j) t.v.push_back(chip.v(c, j));
  t.counters = chip.counters();
  return t;
}

TEST(CrossbarCore, VectorPathMatchesScalarReference) {
  for (double density : {0.05, 0.5, 0.9}) {
    const Trace vec = run_chip(4, 4, density, 1, false, 300);
    const Trace ref = run_chip(4, 4, density, 1, true, 300);
    ASSERT_FALSE(ref.spikes.empty());
    EXPECT_EQ(vec.v, ref.v) << "density " << density;
    ASSERT_EQ(vec.spikes.size(), ref.spikes.size()) << "density " << density;
    for (size_t i = 0; i < vec.spikes.size(); ++i) {
      EXPECT_EQ(vec.spikes[i].first, ref.spikes[i].first);
      EXPECT_EQ(vec.spikes[i].second.core, ref.spikes[i].second.core);
      EXPECT_EQ(vec.spikes[i].second.neuron, ref.spikes[i].second.neuron);
    }
    EXPECT_EQ(vec.counters.synaptic_events, ref.counters.synaptic_events);
    EXPECT_EQ(vec.counters.saturations, ref.counters.saturations);
  }
}

TEST(CrossbarCore, ResultsDoNotDependOnThreadCount) {
  const Trace one = run_chip(8, 4, 0.5, 1, false, 200);
  const Trace three = run_chip(8, 4, 0.5, 3, false, 200);
  EXPECT_EQ(one.v, three.v);
  EXPECT_EQ(one.spikes.size(), three.spikes.size());
  EXPECT_EQ(one.counters.hops, three.counters.hops);
  EXPECT_EQ(one.counters.synaptic_events, three.counters.synaptic_events);
}

TEST(CrossbarCore, StochasticCoresReproduceWithSeedWhateverTheThreads) {
  // Half the cores get stochastic leak, synapses and threshold masks (scalar path), half stay plain (vector path).
  auto run_mixed = [](uint64_t seed, int threads) {
    TrueNorthChip chip(small_profile(4, 2), seed);
    fill_random_chip(chip, {20.0, 0.3, 0, 5});
    for (int32_t c = 0; c < chip.cores(); c += 2) {
      for (int j = 0; j < 256; ++j) {
        TrueNorthNeuronParams p;
        p.weight = {40, 40, -40, -40};
        p.stochastic_weight = {true, false, true, false};
        p.leak = 13;
        p.stochastic_leak = true;
        p.threshold = 2;
        p.threshold_mask_bits = 3;
        p.neg_threshold = 20;
        p.reset = TnReset::kLinear;
        p.dest = {0, 1, j, 1 + j % 15, true};
        if (c / 4 == 1) p.dest.dy = -1;
        chip.set_neuron(c, j, p);
      }
    }
    std::vector<uint64_t> counts;
    chip.run(200, threads, [&](uint64_t, const std::vector<TnSpike>& s) { counts.push_back(s.size()); });
    return counts;
  };
  const auto a = run_mixed(1, 1), b = run_mixed(1, 3), c = run_mixed(2, 1);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

}  // namespace
}  // namespace scx::hw
