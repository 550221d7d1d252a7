// Every way a network can fail to fit says which limit it breaks, by how much, and for which population or
// projection; and the placed program routes each spike over the hops its placement implies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "compiler_test_util.hpp"
#include "silicortex/core/error.hpp"
#include "support/scratch_dir.hpp"

namespace scx::compiler {
namespace {

using ::testing::HasSubstr;
using testing::tn_neuron;
using testing::truenorth_profile;

std::string compile_error(const model::Network& net, const hw::ChipProfile& p) {
  try {
    compile_network(net, p);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

model::Network base(uint32_t n_in = 10, uint32_t n = 20) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 50;
  net.add_population("in", n_in, model::SpikeTimesSource{{{1.0, 5.0}}});
  net.add_population("exc", n, tn_neuron(2));
  return net;
}

TEST(CompileErrors, ModelTheChipDoesNotHave) {
  auto net = base();
  net.add_population("lif", 5, model::LifCurrExp{});
  EXPECT_THAT(compile_error(net, truenorth_profile()),
              HasSubstr("population 'lif': model lif_curr_exp cannot run on chip 'truenorth'"));
  auto poisson = base();
  poisson.add_population("noise", 5, model::PoissonSource{});
  EXPECT_THAT(compile_error(poisson, truenorth_profile()), HasSubstr("model poisson_source cannot run"));
}

TEST(CompileErrors, DelayAboveTheChipsMaximum) {
  auto net = base();
  net.connect("in", "exc", model::AllToAll{}, model::Constant{1.0}, model::Constant{20.0});
  EXPECT_THAT(compile_error(net, truenorth_profile()),
              HasSubstr("projection 'in->exc': delay 20 ms is above the chip's 15 ticks of 1 ms"));
}

TEST(CompileErrors, TooManyCoresSaysByHowMuch) {
  auto p = truenorth_profile();
  p.cores_x = p.cores_y = 2;  // 4 cores
  auto net = base(10, 1100);  // 5 cores of 256 neurons (the last one 76)
  EXPECT_THAT(
      compile_error(net, p),
      HasSubstr("population 'exc': needs 5 cores after fan-in splitting (+0 splitter cores); the network "
                "needs 5 cores, chip 'truenorth' has 4 (25% over)"));
}

TEST(CompileErrors, FanInOfOneNeuronAboveTheAxons) {
  auto net = base(400, 4);
  net.connect("in", "exc", model::FixedInDegree{300, true}, model::Constant{1.0}, model::Constant{1.0});
  EXPECT_THAT(
      compile_error(net, truenorth_profile()),
      HasSubstr("population 'exc': neuron 0 has fan-in 300 (distinct source neuron and delay pairs), a core "
                "of chip 'truenorth' has 256 axons (17% over)"));
}

TEST(CompileErrors, DelayOfOneCannotFanOut) {
  auto net = base(10, 300);  // two cores
  net.connect("exc", "exc", model::FromList{{0, 0}, {0, 299}}, model::Constant{1.0}, model::Constant{1.0});
  EXPECT_THAT(
      compile_error(net, truenorth_profile()),
      HasSubstr("projection 'exc->exc': neuron 0 of 'exc' has targets on 2 cores and needs a splitter, which "
                "takes one tick; a delay of 1 tick cannot fan out"));
}

TEST(CompileErrors, ParameterOutsideTheProfilesWidth) {
  model::Network net = base();
  std::get<model::TrueNorthNeuron>(net.populations[1].params).leak = 300;
  EXPECT_THAT(
      compile_error(net, truenorth_profile()),
      HasSubstr("population 'exc': leak = 300 does not fit the signed 9-bit field of chip 'truenorth' "
                "(-256..255)"));
  std::get<model::TrueNorthNeuron>(net.populations[1].params).leak = 0;
  std::get<model::TrueNorthNeuron>(net.populations[1].params).potential_bits = 16;
  EXPECT_THAT(compile_error(net, truenorth_profile()),
              HasSubstr("population 'exc': potential_bits = 16 but chip 'truenorth' has 20"));
}

TEST(CompileErrors, TimeStepThatDoesNotDivideTheTick) {
  auto net = base();
  net.sim.dt_ms = 0.3;
  EXPECT_THAT(compile_error(net, truenorth_profile()),
              HasSubstr("simulation.dt_ms = 0.3: chip 'truenorth' ticks every 1 ms"));
}

TEST(CompileErrors, LoihiHasNoProgramFileYet) {
  const auto loihi = hw::read_chip_profile(hw::find_chip_profile("loihi", SCX_SOURCE_DIR "/chips"));
  EXPECT_THAT(compile_error(base(), loihi),
              HasSubstr("chip 'loihi': only truenorth-model chips have a program file so far"));
}

TEST(Quantisation, MoreDistinctWeightsThanAxonTypesIsReported) {
  auto net = base(6, 1);
  // Six inputs onto one neuron with six different weights: only four axon types.
  net.connect("in", "exc", model::FromList{{0, 1, 2, 3, 4, 5}, {0, 0, 0, 0, 0, 0}},
              model::ValueArray{{1, 2, 3, 4, 5, 6}}, model::Constant{1.0});
  const auto c = compile_network(net, truenorth_profile());
  ASSERT_EQ(c.report.quantisation.size(), 1u);
  const auto& q = c.report.quantisation[0];
  EXPECT_EQ(q.synapses, 6u);
  EXPECT_EQ(q.max_abs_weight, 6.0);
  EXPECT_GT(q.max_error, 0.0);
  // Four weights are kept exactly; the two others take one of the kept levels: at most |6 - 1| / 6 off.
  EXPECT_LE(q.max_error, 5.0 / 6.0);
  // Non-integer weights round to integers, and the rounding is reported: 2.4 -> 2.
  auto frac = base(1, 1);
  frac.connect("in", "exc", model::AllToAll{}, model::Constant{2.4}, model::Constant{1.0});
  const auto f = compile_network(frac, truenorth_profile());
  EXPECT_NEAR(f.report.quantisation[0].max_error, 0.4 / 2.4, 1e-6);  // weights are stored as float
}

TEST(Routing, HopsOfThePlacedProgramMatchTheRouter) {
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 100;
  net.add_population("in", 8, model::SpikeTimesSource{{{1, 10, 20, 30}}});
  net.add_population("a", 128, tn_neuron(1));
  net.add_population("b", 128, tn_neuron(1));
  net.add_population("c", 128, tn_neuron(1));
  net.connect("in", "a", model::AllToAll{}, model::Constant{1.0}, model::Constant{1.0});
  net.connect("a", "b", model::OneToOne{}, model::Constant{1.0}, model::Constant{2.0});
  net.connect("a", "c", model::OneToOne{}, model::Constant{1.0}, model::Constant{3.0});  // a fans out
  testing::record_all(net);
  auto c = compile_network(net, truenorth_profile());
  // Four cores on a 2 x 2 Hilbert curve: a, its splitter core, b, c.
  auto& chip = *c.chip;
  const auto& mesh = chip.mesh();
  EXPECT_EQ(mesh.width(), 2);
  ASSERT_EQ(c.report.cores.size(), 4u);
  // Hops per spike implied by the routes: for every neuron that will fire, |dx| + |dy| of its destination.
  uint64_t expected = 0;
  const auto r = run_on_chip(chip, c.io, 1);
  for (size_t p = 1; p < r.spikes.size(); ++p) {
    for (uint32_t n : r.spikes[p].neurons) {
      const int64_t site = c.io.populations[p].sites[n];
      const auto d = chip.neuron(int32_t(site / 256), int32_t(site % 256)).dest;
      if (d.enabled) expected += uint64_t(std::abs(d.dx) + std::abs(d.dy));
    }
  }
  // Splitter neurons fire once per spike of `a` and forward one leg each.
  uint64_t splitter_hops = 0;
  for (const auto& core : c.report.cores)
    if (core.splitter)
      for (int s = 0; s < core.neurons; ++s) {
        const auto d = chip.neuron(core.core, s).dest;
        splitter_hops += uint64_t(std::abs(d.dx) + std::abs(d.dy));
      }
  const uint64_t a_spikes = r.spikes[1].total_spikes;
  EXPECT_EQ(a_spikes, 128u * 4);
  // Each spike of a reaches its splitter; each of its two splitter neurons fires and forwards; splitter_hops
  // sums both legs of all 128 neurons, so per round of 128 spikes it is counted once.
  EXPECT_EQ(chip.counters().hops, expected + splitter_hops * 4);
  // A layered network on a Hilbert curve: every route is at most 2 hops here.
  EXPECT_LE(c.report.hops_per_spike, 4.0);
  EXPECT_GT(c.report.total_hops, 0u);
}

TEST(ChipIo, OtherVersionOrTruncatedIsRejected) {
  const auto dir = scx::test::scratch_dir("chip_io_test");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  auto error_of = [](const std::filesystem::path& p) {
    try {
      load_chip_io(p);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_THAT(error_of(write("v2.io", "scx-chip-io 3\n")), HasSubstr("v2.io:1: chip io format version 3"));
  EXPECT_THAT(error_of(write("junk.io", "hello\n")), HasSubstr("not a chip io file"));
  EXPECT_THAT(error_of(write("cut.io", "scx-chip-io 1\npopulation 3 0 p\nsites 1 2\n")),
              HasSubstr("cut.io:3: 2 sites for 3 neurons"));
  EXPECT_THAT(error_of(write("bad.io", "scx-chip-io 1\ninput 5 x\n")),
              HasSubstr("bad.io:2: bad input record"));
  EXPECT_THAT(error_of(dir / "missing.io"), HasSubstr("cannot open"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scx::compiler
