// A network with integer-representable parameters compiled to the truenorth profile spikes exactly as the
// reference engine does: same steps, same neurons, in every population.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "compiler_test_util.hpp"
#include "silicortex/hw/chip_program.hpp"
#include "silicortex/io/toml_model.hpp"
#include "support/scratch_dir.hpp"

namespace scx::compiler {
namespace {

using testing::expect_same_spikes;
using testing::random_times;
using testing::record_all;
using testing::tn_neuron;
using testing::truenorth_profile;

// Random spike times in whole ms (one list per neuron), reproducible.
int count_splitters(const CompiledNetwork& c) {
  int n = 0;
  for (const auto& core : c.report.cores) n += core.splitter;
  return n;
}

TEST(CompileExact, FeedForwardWithoutSplitters) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 300;
  net.add_population("in", 40, random_times(40, 0.05, 300, 1));
  net.add_population("hid", 200, tn_neuron(6, -1));
  net.add_population("out", 30, tn_neuron(4, 0, 1));  // linear reset
  net.connect("in", "hid", model::FixedProbability{0.3}, model::Constant{3.0}, model::Constant{2.0});
  net.connect("hid", "out", model::FixedInDegree{20}, model::Constant{2.0}, model::Constant{4.0});
  record_all(net);
  const auto c = compile_network(net, truenorth_profile());
  EXPECT_EQ(count_splitters(c), 0);
  for (const auto& q : c.report.quantisation) EXPECT_EQ(q.max_error, 0.0) << q.projection;
  EXPECT_GT(expect_same_spikes(net, c), 100u);
}

TEST(CompileExact, FanOutThroughSplittersWithMixedWeightsAndDelays) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 400;
  net.add_population("in", 60, random_times(60, 0.04, 400, 2));
  net.add_population("exc", 300, tn_neuron(8, -1));  // two cores
  net.add_population("inh", 50, tn_neuron(5, 0));
  net.connect("in", "exc", model::FixedProbability{0.2}, model::Constant{4.0}, model::Constant{1.0});
  net.connect("exc", "exc", model::FixedProbability{0.02}, model::Constant{2.0}, model::Constant{3.0});
  net.connect("exc", "exc", model::FixedProbability{0.01}, model::Constant{1.0}, model::Constant{7.0});
  net.connect("exc", "inh", model::FixedProbability{0.1}, model::Constant{1.0}, model::Constant{2.0});
  net.connect("inh", "exc", model::FixedProbability{0.2}, model::Constant{-3.0}, model::Constant{2.0},
              model::Receptor::Inhibitory);
  record_all(net);
  const auto c = compile_network(net, truenorth_profile());
  EXPECT_GT(count_splitters(c), 0);
  for (const auto& q : c.report.quantisation) EXPECT_EQ(q.max_error, 0.0) << q.projection;
  EXPECT_GT(expect_same_spikes(net, c), 200u);
}

// An event-camera recording (a real N-MNIST sample, pooled 2 x 2) replayed into chip-native neurons: the chip
// sees the recording's spikes and answers exactly as the engine does.
TEST(CompileExact, AnEventRecordingDrivesTheChipAsTheEngine) {
  const std::string toml = R"(
[simulation]
dt_ms = 1.0
duration_ms = 320.0
[[population]]
name = "retina"
size = 578
model = "events"
params = { file = ")" SCX_SOURCE_DIR
                           R"(/../shared/data/events/tonic_test_data/sample_nmnist.bin", downsample = 2 }
[[population]]
name = "layer"
size = 100
model = "truenorth"
params = { threshold = 3, neg_threshold = 20, neg_saturate = 1 }
[[projection]]
pre = "retina"
post = "layer"
connector = { type = "fixed_indegree", n = 30 }
weight = 1
delay_ms = 1.0
)";
  model::Network net = io::parse_network_toml(toml, "events.toml");
  record_all(net);
  const auto c = compile_network(net, truenorth_profile());
  EXPECT_GT(expect_same_spikes(net, c), 1000u);
}

// The shipped example models/examples/direction: a synthetic DVS128 recording of a bar sweeping right (0 ms),
// left (30 ms) and right (60 ms); delays make neuron 0 answer only rightward sweeps and neuron 1 only the
// leftward one, on the engine and on the chip alike.
TEST(CompileExact, DirectionExampleTellsTheSweepsApart) {
  model::Network net = io::read_network_toml(SCX_SOURCE_DIR "/models/examples/direction/direction.toml");
  record_all(net);
  const auto c = compile_network(net, truenorth_profile());
  EXPECT_EQ(expect_same_spikes(net, c), 6u);
  sim::Engine engine(net);
  const auto r = engine.run();
  ASSERT_EQ(r.spikes.size(), 2u);  // retina, direction
  const auto& s = r.spikes[1];
  ASSERT_FALSE(s.neurons.empty());
  for (size_t k = 0; k < s.neurons.size(); ++k) {
    const bool leftward = s.times_ms[k] >= 30 && s.times_ms[k] < 60;
    EXPECT_EQ(s.neurons[k], leftward ? 1u : 0u) << "spike at " << s.times_ms[k] << " ms";
  }
  EXPECT_NE(std::count(s.neurons.begin(), s.neurons.end(), 1u), 0);
}

TEST(CompileExact, FanInAbove256IsSplitOverCores) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 200;
  net.add_population("in", 700, random_times(700, 0.03, 200, 3));
  net.add_population("sum", 64, tn_neuron(12, -2));
  net.connect("in", "sum", model::FixedInDegree{200}, model::Constant{1.0}, model::Uniform{1.0, 5.0});
  record_all(net);
  const auto c = compile_network(net, truenorth_profile());
  // 200 distinct inputs per neuron out of 700 (x up to 5 delays): no core can hold two neurons' worth of
  // axons beyond 256, so the population spreads over many cores, each within the 256-axon limit.
  EXPECT_GT(c.report.cores.size(), 10u);
  for (const auto& core : c.report.cores) EXPECT_LE(core.axons, 256);
  EXPECT_GT(expect_same_spikes(net, c), 50u);
}

TEST(CompileExact, EngineDtFinerThanTheTick) {
  model::Network net;
  net.sim.dt_ms = 0.5;
  net.sim.duration_ms = 200;
  net.add_population("in", 30, random_times(30, 0.05, 200, 4));
  net.add_population("a", 40, tn_neuron(3, -1));
  net.add_population("b", 20, tn_neuron(2));
  net.connect("in", "a", model::FixedProbability{0.3}, model::Constant{2.0}, model::Constant{1.0});
  net.connect("a", "b", model::FixedProbability{0.2}, model::Constant{1.0}, model::Constant{2.0});
  record_all(net);
  const auto c = compile_network(net, truenorth_profile());
  EXPECT_GT(expect_same_spikes(net, c), 20u);
}

TEST(CompileExact, SavedProgramRunsTheSame) {
  model::Network net;
  net.sim.duration_ms = 150;
  net.sim.dt_ms = 1.0;
  net.add_population("in", 20, random_times(20, 0.1, 150, 5));
  net.add_population("n", 300, tn_neuron(3, -1));
  net.connect("in", "n", model::FixedProbability{0.2}, model::Constant{2.0}, model::Constant{2.0});
  net.connect("n", "n", model::FixedProbability{0.01}, model::Constant{1.0}, model::Constant{2.0});
  record_all(net);
  auto c = compile_network(net, truenorth_profile());
  const auto dir = scx::test::scratch_dir("compile_exact");
  const auto path = dir / "net.scxp";
  save_compiled(c, path);
  auto chip = hw::load_chip_program(path);
  const auto io = load_chip_io(chip_io_path(path));
  const auto a = run_on_chip(*chip, io, 1);
  const auto b = run_on_chip(*c.chip, c.io, 1);
  ASSERT_EQ(a.spikes.size(), b.spikes.size());
  uint64_t total = 0;
  for (size_t p = 0; p < a.spikes.size(); ++p) {
    EXPECT_EQ(a.spikes[p].times_ms, b.spikes[p].times_ms);
    EXPECT_EQ(a.spikes[p].neurons, b.spikes[p].neurons);
    total += a.spikes[p].total_spikes;
  }
  EXPECT_GT(total, 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scx::compiler
