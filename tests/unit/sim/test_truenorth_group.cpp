// The reference group of model::TrueNorthNeuron against trajectories worked out by hand from the equations in
// hw/truenorth_neuron.hpp, at dt = tick and at dt = tick / 4; and its TOML form.
#include <gtest/gtest.h>

#include "silicortex/core/error.hpp"
#include "silicortex/io/toml_model.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::sim {
namespace {

std::vector<double> spike_times(const model::Network& net, size_t pop) {
  Engine engine(net);
  return engine.run().spikes[pop].times_ms;
}

TEST(TrueNorthGroup, LeakDrivesRegularSpikesAtAnyDt) {
  // V: tick 0 -> 1, tick 1 -> 2, tick 2 -> 3 >= 3: spike, V = 0; so spikes at 2, 5, 8, ... ms.
  for (double dt : {1.0, 0.25}) {
    model::Network net;
    net.sim.dt_ms = dt;
    net.sim.duration_ms = 12;
    model::TrueNorthNeuron m;
    m.leak = 1;
    m.threshold = 3;
    net.add_population("n", 1, m);
    net.record("n");
    EXPECT_EQ(spike_times(net, 0), (std::vector<double>{2, 5, 8, 11})) << "dt " << dt;
  }
}

TEST(TrueNorthGroup, InputLinearResetAndNegativeSaturation) {
  // Input 5 at ticks 1 and 2 (delay 1 from spikes at 0 and 1), threshold 4, linear reset, leak -1, beta = 2
  // with saturation:
  //   tick 0: V = 0 - 1 = -1                       (>= -2: kept)
  //   tick 1: V = -1 + 5 - 1 = 3                   no spike
  //   tick 2: V = 3 + 5 - 1 = 7 >= 4: spike, V = 3
  //   tick 3: V = 2; tick 4: 1; tick 5: 0; tick 6: -1; tick 7: -2; tick 8: -3 < -2: V = -2; stays at -2.
  model::Network net;
  net.sim.dt_ms = 1.0;
  net.sim.duration_ms = 12;
  net.add_population("src", 1, model::SpikeTimesSource{{{0.0, 1.0}}});
  model::TrueNorthNeuron m;
  m.leak = -1;
  m.threshold = 4;
  m.reset_mode = 1;
  m.neg_threshold = 2;
  m.neg_saturate = 1;
  net.add_population("n", 1, m);
  net.connect("src", "n", model::OneToOne{}, model::Constant{5.0}, model::Constant{1.0});
  net.record("n");
  auto& probe = net.record("n", "v");
  probe.interval_ms = 1.0;
  Engine engine(net);
  const auto r = engine.run();
  EXPECT_EQ(r.spikes[1].times_ms, (std::vector<double>{2}));
  const std::vector<float> v(r.traces[0].values.begin(), r.traces[0].values.end());
  EXPECT_EQ(v, (std::vector<float>{-1, 3, 3, 2, 1, 0, -1, -2, -2, -2, -2, -2}));
}

TEST(TrueNorthGroup, ReadFromToml) {
  const auto net = io::parse_network_toml(R"(
[simulation]
dt_ms = 1.0
[[population]]
name = "tn"
size = 3
model = "truenorth"
params = { leak = -2, threshold = 7, reset_mode = 2, neg_threshold = 5 }
)",
                                          "tn.toml");
  const auto& m = std::get<model::TrueNorthNeuron>(net.populations[0].params);
  EXPECT_EQ(m.leak, -2);
  EXPECT_EQ(m.threshold, 7);
  EXPECT_EQ(m.reset_mode, 2);
  EXPECT_EQ(m.neg_threshold, 5);
  EXPECT_EQ(m.potential_bits, 20);
  EXPECT_THROW(io::parse_network_toml(R"(
[[population]]
name = "tn"
size = 3
model = "truenorth"
params = { threshold = 2.5 }
)",
                                      "bad.toml"),
               Error);
}

}  // namespace
}  // namespace scx::sim
