// The bit-parallel crossbar core against the scalar reference path on random cores, and thread-count
// independence.
#include <gtest/gtest.h>

#include "silicortex/core/rng.hpp"
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
    EXPECT_EQ(vec.counters.hops, ref.counters.hops);
    EXPECT_GT(ref.counters.hops, 0u);
  }
}

// Full-range weights (16-bit path) and bursts of every axon at once (more events than one 16-bit chunk holds:
// 256 x 255 > 32767), vector path against scalar path.
TEST(CrossbarCore, WideWeightsAndFullBurstsMatchScalarReference) {
  auto run_burst = [](bool scalar, int threshold_bits, int32_t max_threshold) {
    const int bits_seed = threshold_bits + max_threshold;  // a different shared rule per case
    auto profile = small_profile(2, 2);
    profile.potential_bits = 17;  // so that the bursts reach the limits
    profile.threshold_bits = threshold_bits;
    TrueNorthChip chip(profile, 3);
    RandomStream r(9, 1);
    for (int32_t c = 0; c < chip.cores(); ++c) {
      for (int a = 0; a < 256; ++a) {
        chip.set_axon_type(c, a, int(r.below(4)));
        for (int j = 0; j < 256; ++j) chip.set_synapse(c, a, j, r.uniform() < 0.7);
      }
      for (int j = 0; j < 256; ++j) {
        TrueNorthNeuronParams p;
        for (auto& w : p.weight) w = c == 0 ? 128 + int32_t(r.below(128)) : int32_t(r.below(511)) - 255;
        p.leak = int32_t(r.below(21)) - 10;
        // Below 2^15 on every neuron of a core: its kernel reads the 16-bit threshold copy.
        p.threshold = 1 + int32_t(r.below(uint64_t(max_threshold)));
        // Core 1's neurons share one reset rule (the chip then reads it per core, not per neuron): its draws
        // restart for every neuron. The other cores' rules differ from neuron to neuron.
        RandomStream shared(uint64_t(bits_seed), 1);
        RandomStream& rule = c == 1 ? shared : r;
        p.neg_threshold = int32_t(rule.below(60000));
        p.neg_saturate = rule.below(2) == 1;
        p.reset = static_cast<TnReset>(rule.below(3));
        p.reset_value = int32_t(rule.below(100));
        chip.set_neuron(c, j, p);
      }
    }
    chip.set_force_scalar(scalar);
    std::vector<int32_t> v;
    for (uint64_t t = 0; t < 6; ++t) {
      for (int32_t c = 0; c < chip.cores(); ++c)
        for (int a = 0; a < 256; ++a)
          if (t < 3 || a % 3 == 0) chip.inject(c, a, t);
      chip.run(1, 2);
      for (int32_t c = 0; c < chip.cores(); ++c)
        for (int j = 0; j < 256; ++j) v.push_back(chip.v(c, j));
    }
    return std::make_pair(v, chip.counters());
  };
  for (auto [bits, max_threshold] : {std::pair{18, 60000}, std::pair{20, 60000}, std::pair{18, 511}}) {
    SCOPED_TRACE(bits * 100000 + max_threshold);
    const auto vec = run_burst(false, bits, max_threshold), ref = run_burst(true, bits, max_threshold);
    EXPECT_EQ(vec.first, ref.first);
    EXPECT_EQ(vec.second.spikes_sent, ref.second.spikes_sent);
    EXPECT_EQ(vec.second.saturations, ref.second.saturations);
    EXPECT_GT(ref.second.saturations, 0u);  // the bursts do drive V into the 17-bit limits
    EXPECT_EQ(vec.second.synaptic_events, ref.second.synaptic_events);
  }
}

TEST(CrossbarCore, ResetStateReplaysTheRunFromItsStart) {
  // Deterministic neurons and delays up to 15 ticks: when the state is reset, spikes are in flight and every
  // V has moved; after it, the run must repeat tick for tick (relative to its start).
  TrueNorthChip chip(small_profile(2, 2), 7);
  fill_random_chip(chip, {50.0, 0.3, 0, 5});
  const auto run = [&] {
    std::vector<std::pair<uint64_t, TnSpike>> out;
    const uint64_t start = chip.now();
    chip.run(40, 1, [&](uint64_t tick, const std::vector<TnSpike>& s) {
      for (const auto& x : s) out.push_back({tick - start, x});
    });
    return out;
  };
  const auto first = run();
  ASSERT_GT(first.size(), 20u);
  chip.reset_state();
  const auto second = run();
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].first, second[i].first);
    EXPECT_EQ(first[i].second.core, second[i].second.core);
    EXPECT_EQ(first[i].second.neuron, second[i].second.neuron);
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
  // Half the cores get stochastic leak, synapses and threshold masks (scalar path), half stay plain (vector
  // path).
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
