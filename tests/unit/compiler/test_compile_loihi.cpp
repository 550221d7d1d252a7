// The Loihi-class path: CUBA LIF populations with integer weights (mantissa x 2^exponent per projection) and
// one-tick delays, compiled onto hw::LoihiChip, spike exactly as the reference engine does; plastic
// projections learn on chip in fixed point.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "compiler_test_util.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/hw/chip_program.hpp"
#include "support/scratch_dir.hpp"

namespace scx::compiler {
namespace {

hw::ChipProfile loihi_profile() {
  return hw::read_chip_profile(hw::find_chip_profile("loihi", SCX_SOURCE_DIR "/chips"));
}

model::LoihiCubaLif lif(double vth, double bias_mant = 0) {
  model::LoihiCubaLif m;
  m.du = 1024;  // u keeps about 3/4 per step
  m.dv = 512;
  m.vth = vth;
  m.bias_mant = bias_mant;
  return m;
}

TEST(CompileLoihi, RecurrentNetworkSpikesExactlyAsTheEngine) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 200;
  net.sim.threads = 2;  // the reference group steps each thread's share on its own
  net.add_population("in", 100, testing::random_times(100, 0.03, 200, 1));
  net.add_population("exc", 2500, lif(200));  // three cores of 1024
  net.add_population("inh", 300, lif(150, 8));
  net.connect("in", "exc", model::FixedProbability{0.05}, model::Constant{300.0}, model::Constant{1.0});
  net.connect("exc", "exc", model::FixedProbability{0.01}, model::Constant{40.0}, model::Constant{1.0});
  net.connect("exc", "inh", model::FixedProbability{0.02}, model::Constant{90.0}, model::Constant{1.0});
  net.connect("inh", "exc", model::FixedProbability{0.05}, model::Constant{-500.0}, model::Constant{1.0},
              model::Receptor::Inhibitory);
  testing::record_all(net);
  const auto c = compile_loihi(net, loihi_profile());
  EXPECT_EQ(c.report.cores.size(), 4u);
  for (const auto& q : c.report.quantisation) EXPECT_EQ(q.max_error, 0.0) << q.projection;
  sim::Engine engine(net);
  const auto ref = engine.run();
  const auto chip = run_on_chip(*c.chip, c.io);
  uint64_t active = 0;
  ASSERT_EQ(ref.spikes.size(), chip.spikes.size());
  for (size_t p = 0; p < ref.spikes.size(); ++p) {
    EXPECT_EQ(ref.spikes[p].times_ms, chip.spikes[p].times_ms) << ref.spikes[p].population;
    EXPECT_EQ(ref.spikes[p].neurons, chip.spikes[p].neurons) << ref.spikes[p].population;
    if (p > 0) active += chip.spikes[p].total_spikes;
  }
  EXPECT_GT(active, 1000u);
  EXPECT_EQ(c.chip->counters().spikes_sent, active);
  EXPECT_GT(c.chip->counters().hops, 0u);
  // Many destinations per neuron, no splitters: exc neurons reach exc and inh cores directly.
  EXPECT_GT(c.report.routed_neurons, 2500u);
}

TEST(CompileLoihi, ChipProgramRoundTripRunsIdentically) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 120;
  net.add_population("in", 40, testing::random_times(40, 0.05, 120, 2));
  net.add_population("exc", 1500, lif(200));     // two cores of 1024: sites need the 1024 stride
  net.add_population("inh", 100, lif(150, 12));  // a bias with a mantissa and an exponent
  net.connect("in", "exc", model::FixedProbability{0.2}, model::Constant{300.0}, model::Constant{1.0});
  net.connect("exc", "inh", model::FixedProbability{0.02}, model::Constant{90.0}, model::Constant{1.0});
  net.connect("inh", "exc", model::FixedProbability{0.05}, model::Constant{-500.0}, model::Constant{1.0},
              model::Receptor::Inhibitory);
  testing::record_all(net);
  const auto dir = scx::test::scratch_dir("loihi_program");
  const auto program = dir / "net.scxp";
  const auto in_memory = compile_loihi(net, loihi_profile());
  save_compiled(in_memory, program);
  const auto expected = run_on_chip(*in_memory.chip, in_memory.io);

  EXPECT_EQ(hw::chip_program_kind(program), hw::ChipProgramKind::kLoihi);
  auto loaded = hw::load_loihi_program(program);
  const auto io = load_chip_io(chip_io_path(program));
  EXPECT_EQ(io.site_stride, 1024u);
  const auto got = run_on_chip(*loaded, io);
  ASSERT_EQ(got.spikes.size(), expected.spikes.size());
  uint64_t total = 0;
  for (size_t p = 0; p < got.spikes.size(); ++p) {
    EXPECT_EQ(got.spikes[p].times_ms, expected.spikes[p].times_ms) << got.spikes[p].population;
    EXPECT_EQ(got.spikes[p].neurons, expected.spikes[p].neurons) << got.spikes[p].population;
    total += got.spikes[p].total_spikes;
  }
  EXPECT_GT(total, 500u);
  EXPECT_EQ(loaded->counters().synaptic_events, in_memory.chip->counters().synaptic_events);
  try {
    hw::load_chip_program(program);
    ADD_FAILURE() << "a loihi program loaded as a truenorth one";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("a loihi chip program, not a truenorth one"));
  }
  in_memory.chip->set_start_delay(0, 2);  // not held by the format: refused, not dropped
  try {
    hw::save_chip_program(*in_memory.chip, dir / "delayed.scxp");
    ADD_FAILURE() << "a start delay was saved";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("core 0 has a start delay"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "delayed.scxp"));
  std::filesystem::remove_all(dir);
}

TEST(CompileLoihi, WeightsGetAMantissaAndASharedExponent) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 10;
  net.add_population("in", 3, model::SpikeTimesSource{{{1.0}}});
  net.add_population("n", 1, lif(100));
  // max |w| = 301 needs exponent 2 for 8-bit mantissas (<= 127): 301 -> 75 x 4 = 300; 8 -> 2 x 4; 6 -> 2 x 4
  // (8).
  net.connect("in", "n", model::FromList{{0, 1, 2}, {0, 0, 0}}, model::ValueArray{{301, 8, 6}},
              model::Constant{1.0});
  const auto c = compile_loihi(net, loihi_profile());
  ASSERT_EQ(c.report.quantisation.size(), 1u);
  EXPECT_NEAR(c.report.quantisation[0].max_error, 2.0 / 301, 1e-9);
}

TEST(CompileLoihi, LimitsAreNamed) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.add_population("in", 5, model::SpikeTimesSource{{{1.0}}});
  net.add_population("n", 5, lif(100));
  net.connect("in", "n", model::AllToAll{}, model::Constant{1.0}, model::Constant{2.0});
  try {
    compile_loihi(net, loihi_profile());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(),
                ::testing::HasSubstr("projection 'in->n': delay 2 ms; chip 'loihi' delivers every spike "
                                     "exactly one tick later"));
  }
  model::Network big;
  big.sim.dt_ms = 1.0;
  big.add_population("n", 200000, lif(100));
  try {
    compile_loihi(big, loihi_profile());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(),
                ::testing::HasSubstr("population 'n': needs 196 cores; the network needs 196 cores, chip "
                                     "'loihi' has 128 (53% over)"));
  }
}

TEST(CompileLoihi, PlasticProjectionsLearnOnChip) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 300;
  net.add_population("in", 20, testing::random_times(20, 0.05, 300, 3));
  net.add_population("out", 5, lif(100));
  model::PairStdp stdp;
  stdp.a_plus = 4, stdp.a_minus = 4.8, stdp.w_max = 100;
  net.connect("in", "out", model::AllToAll{}, model::Constant{30.0}, model::Constant{1.0}).plasticity = stdp;
  const auto c = compile_loihi(net, loihi_profile(), {1, true, 7, 16});
  ASSERT_EQ(c.report.cores.size(), 1u);
  const auto* learner = c.chip->learner(c.report.cores[0].core);
  ASSERT_NE(learner, nullptr);
  ASSERT_EQ(learner->synapses(), 100u);
  EXPECT_EQ(learner->weight_lsb(), 1.0);  // bound 100 fits 8-bit mantissas with exponent 0
  run_on_chip(*c.chip, c.io);
  int changed = 0;
  for (size_t s = 0; s < learner->synapses(); ++s) changed += learner->weight(s) != 30;
  EXPECT_GT(changed, 50);
  EXPECT_GT(c.chip->counters().spikes_sent, 0u);
}

TEST(CompileLoihi, RulesWithoutAFixedPointFormAreNamed) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.add_population("in", 2, model::SpikeTimesSource{{{1.0}}});
  net.add_population("out", 2, lif(100));
  net.connect("in", "out", model::AllToAll{}, model::Constant{30.0}, model::Constant{1.0}).plasticity =
      model::TripletStdp{};
  try {
    compile_loihi(net, loihi_profile());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(),
                ::testing::HasSubstr("projection 'in->out': rule 'triplet_stdp' has no fixed-point form"));
  }
}

}  // namespace
}  // namespace scx::compiler
