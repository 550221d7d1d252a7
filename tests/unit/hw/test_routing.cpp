// Spike routing: packets arrive at the exact tick, hops and chip crossings are counted, and the per-link
// traffic follows the x-then-y route.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "silicortex/core/error.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/hw/truenorth_chip.hpp"

namespace scx::hw {
namespace {

// A board of chips_x x chips_y chips of 2 x 2 cores.
ChipProfile board(int chips_x, int chips_y) {
  auto p = read_chip_profile(SCX_SOURCE_DIR "/chips/truenorth.toml");
  p.cores_x = 2;
  p.cores_y = 2;
  p.chips_x = chips_x;
  p.chips_y = chips_y;
  return p;
}

// Neuron `neuron` of `core` fires once at tick 0 (V starts at its threshold, resets to 0, no leak).
TrueNorthNeuronParams fire_once(TnDestination dest) {
  TrueNorthNeuronParams p;
  p.threshold = 5;
  p.v_init = 5;
  p.neg_threshold = 100;
  p.dest = dest;
  return p;
}

// A relay neuron that fires on any input through axon type 0.
TrueNorthNeuronParams relay() {
  TrueNorthNeuronParams p;
  p.weight = {1, 0, 0, 0};
  p.threshold = 1;
  p.neg_threshold = 100;
  return p;
}

std::map<std::pair<uint32_t, uint32_t>, std::vector<uint64_t>> spike_ticks(TrueNorthChip& chip,
                                                                           uint64_t ticks, int threads = 1) {
  std::map<std::pair<uint32_t, uint32_t>, std::vector<uint64_t>> out;
  chip.run(ticks, threads, [&](uint64_t tick, const std::vector<TnSpike>& spikes) {
    for (const auto& s : spikes) out[{s.core, s.neuron}].push_back(tick);
  });
  return out;
}

TEST(Routing, DeliversAtTheExactTickWithDimensionOrderHops) {
  TrueNorthChip chip(board(2, 2), 1);  // a 4 x 4 core mesh of 4 chips
  const auto& mesh = chip.mesh();
  const int32_t src = mesh.core_at(0, 0), dst = mesh.core_at(3, 2);
  chip.set_neuron(src, 0, fire_once({3, 2, 7, 5, true}));
  chip.set_neuron(dst, 9, relay());
  chip.set_synapse(dst, 7, 9, true);
  const auto spikes = spike_ticks(chip, 10);
  EXPECT_EQ(spikes.at({uint32_t(src), 0u}), std::vector<uint64_t>{0});
  EXPECT_EQ(spikes.at({uint32_t(dst), 9u}), std::vector<uint64_t>{5});  // sent at 0, delay 5: integrated at 5
  EXPECT_EQ(chip.counters().hops, 5u);                                  // |dx| + |dy|
  EXPECT_EQ(chip.counters().chip_crossings, 2u);  // x 1 -> 2 and y 1 -> 2 cross the chip edges
  EXPECT_EQ(chip.counters().spikes_sent, 2u);
  EXPECT_EQ(chip.counters().synaptic_events, 1u);
  // x first along row 0, then y along column 3.
  const auto& t = chip.traffic();
  EXPECT_EQ(t.packets_on(0, 0, LinkTraffic::kEast), 1u);
  EXPECT_EQ(t.packets_on(1, 0, LinkTraffic::kEast), 1u);
  EXPECT_EQ(t.packets_on(2, 0, LinkTraffic::kEast), 1u);
  EXPECT_EQ(t.packets_on(3, 0, LinkTraffic::kNorth), 1u);
  EXPECT_EQ(t.packets_on(3, 1, LinkTraffic::kNorth), 1u);
  uint64_t total = 0, boundary = 0;
  for (const auto& l : t.links()) {
    total += l.packets;
    if (l.crosses_chip) boundary += l.packets;
  }
  EXPECT_EQ(total, 5u);
  EXPECT_EQ(boundary, 2u);
}

TEST(Routing, WestAndSouthAndEveryDelay) {
  TrueNorthChip chip(board(2, 2), 1);
  const auto& mesh = chip.mesh();
  const int32_t src = mesh.core_at(3, 3), dst = mesh.core_at(1, 0);
  for (int d = 1; d <= 15; ++d) {
    chip.set_neuron(src, d, fire_once({-2, -3, d, d, true}));
    chip.set_neuron(dst, d, relay());
    chip.set_synapse(dst, d, d, true);
  }
  const auto spikes = spike_ticks(chip, 20, 2);
  for (int d = 1; d <= 15; ++d)
    EXPECT_EQ(spikes.at({uint32_t(dst), uint32_t(d)}), std::vector<uint64_t>{uint64_t(d)});
  EXPECT_EQ(chip.counters().hops, 15u * 5u);
  EXPECT_EQ(chip.counters().chip_crossings, 15u * 2u);
  EXPECT_EQ(chip.traffic().packets_on(1, 3, LinkTraffic::kWest), 15u);   // link between x = 1 and x = 2
  EXPECT_EQ(chip.traffic().packets_on(1, 0, LinkTraffic::kSouth), 15u);  // link between y = 0 and y = 1
}

// Hops, crossings and link traffic are folded from per-neuron packet counts when a run ends: running tick by
// tick (as `chip run` and the deployments do) must count the same as one long run, repeated spikes included.
TEST(Routing, TickByTickRunsCountTheSameTrafficAsOneRun) {
  auto configure = [](TrueNorthChip& chip) {
    const auto& mesh = chip.mesh();
    TrueNorthNeuronParams every_tick;  // leak +1, threshold 1, reset to 0: fires every tick
    every_tick.leak = 1;
    every_tick.threshold = 1;
    every_tick.neg_threshold = 100;
    every_tick.dest = {3, 1, 0, 2, true};
    chip.set_neuron(mesh.core_at(0, 1), 0, every_tick);
    every_tick.dest = {-1, 0, 1, 1, true};
    chip.set_neuron(mesh.core_at(2, 3), 5, every_tick);
  };
  TrueNorthChip whole(board(2, 2), 1), stepped(board(2, 2), 1);
  configure(whole);
  configure(stepped);
  whole.run(12, 2, {});
  for (int t = 0; t < 12; ++t) stepped.run(1, 1 + t % 2, {});
  EXPECT_EQ(whole.counters().spikes_sent, 24u);
  EXPECT_EQ(whole.counters().hops, 12u * 4u + 12u * 1u);
  EXPECT_EQ(stepped.counters().spikes_sent, whole.counters().spikes_sent);
  EXPECT_EQ(stepped.counters().hops, whole.counters().hops);
  EXPECT_EQ(stepped.counters().chip_crossings, whole.counters().chip_crossings);
  auto packets = [](const LinkTraffic& t) {
    std::map<std::tuple<int32_t, int32_t, int>, uint64_t> out;
    for (const auto& l : t.links()) out[{l.x, l.y, int(l.dir)}] = l.packets;
    return out;
  };
  EXPECT_EQ(packets(stepped.traffic()), packets(whole.traffic()));
  EXPECT_EQ(whole.traffic().packets_on(0, 1, LinkTraffic::kEast), 12u);
  EXPECT_EQ(whole.traffic().packets_on(1, 3, LinkTraffic::kWest), 12u);
}

TEST(Routing, InjectedInputArrivesAtItsTick) {
  TrueNorthChip chip(board(1, 1), 1);
  chip.set_neuron(2, 4, relay());
  chip.set_synapse(2, 11, 4, true);
  chip.inject(2, 11, 3);
  const auto spikes = spike_ticks(chip, 6);
  EXPECT_EQ(spikes.at({2u, 4u}), std::vector<uint64_t>{3});
  EXPECT_THROW(chip.inject(2, 11, 100), Error);
  EXPECT_THROW(chip.inject(99, 11, 7), Error);
}

TEST(Routing, DestinationsOffTheBoardAndBadDelaysAreErrors) {
  TrueNorthChip chip(board(1, 1), 1);
  EXPECT_THROW(chip.set_neuron(0, 0, fire_once({-1, 0, 0, 1, true})), Error);
  EXPECT_THROW(chip.set_neuron(0, 0, fire_once({0, 0, 0, 16, true})), Error);
  EXPECT_THROW(chip.set_neuron(0, 0, fire_once({0, 0, 0, 0, true})), Error);
  auto p = relay();
  p.weight[0] = 300;  // 9-bit signed weights stop at 255
  try {
    chip.set_neuron(3, 17, p);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("core 3 neuron 17: weight = 300"), std::string::npos) << e.what();
  }
}

TEST(Routing, MeshGeometryCountsCrossings) {
  MeshGeometry mesh(64, 64, 4, 4);  // NS16e
  EXPECT_EQ(mesh.width(), 256);
  EXPECT_EQ(mesh.chip_crossings(mesh.core_at(63, 0), mesh.core_at(64, 0)), 1);
  EXPECT_EQ(mesh.chip_crossings(mesh.core_at(0, 0), mesh.core_at(255, 255)), 6);
  EXPECT_EQ(mesh.chip_crossings(mesh.core_at(10, 10), mesh.core_at(60, 63)), 0);
  EXPECT_EQ(mesh.destination(mesh.core_at(0, 0), -1, 0), -1);
}

}  // namespace
}  // namespace scx::hw
