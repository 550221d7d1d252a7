// Graded outputs: a non-spiking node (LI, CubaLI, I) drives the nodes after it with its voltage every step.
// Checked against the NIR equations integrated here in double precision, for thread-count independence, and
// on the synthetic fixture that chains every neuron type.
#include <gtest/gtest.h>

#include <cmath>

#include "nir_test_util.hpp"
#include "silicortex/io/nir_model.hpp"

namespace scx::io::nir {
namespace {

using testing::nir_data;
using testing::node;
using testing::scalar;

// input(1) -> Linear 2 -> LI -> Affine (0.8, bias 0.05) -> LIF -> output
Document li_chain() {
  Document d;
  d.source = "graded.nir";
  d.version = "1.0.7";
  auto& g = d.graph;
  g.nodes.push_back(node("in", "Input", {{"shape", scalar(1)}}));
  g.nodes.push_back(node("w1", "Linear", {{"weight", Tensor({1, 1}, {2.0})}}));
  g.nodes.push_back(node("li", "LI", {{"tau", scalar(2e-3)}, {"r", scalar(1.5)}, {"v_leak", scalar(0.1)}}));
  g.nodes.push_back(node("w2", "Affine", {{"weight", Tensor({1, 1}, {0.8})}, {"bias", scalar(0.05)}}));
  g.nodes.push_back(node("lif", "LIF",
                         {{"tau", scalar(1e-3)},
                          {"r", scalar(1.0)},
                          {"v_leak", scalar(0.0)},
                          {"v_threshold", scalar(0.2)},
                          {"v_reset", scalar(0.0)}}));
  g.nodes.push_back(node("out", "Output", {{"shape", scalar(1)}}));
  g.edges = {{"in", "w1"}, {"w1", "li"}, {"li", "w2"}, {"w2", "lif"}, {"lif", "out"}};
  check_graph(g, d.source);
  return d;
}

TEST(NirGraded, LiVoltageDrivesTheNextLayerAsAHandComputedTrajectory) {
  const Document doc = li_chain();
  Converted c = to_network(doc, Options{});
  SpikeTrain in;
  for (int64_t s : {3, 4, 5, 6, 7, 8, 20, 21, 22, 23, 24, 25, 26, 60})
    in.steps.push_back(s), in.neurons.push_back(0);
  constexpr int64_t kSteps = 120;
  const sim::RunResult r = run(c, {in}, kSteps);

  // The NIR equations with forward Euler at dt = 1e-4 s, every edge within the same step.
  const double dt = 1e-4;
  double v_li = 0.1, v = 0.0;
  std::vector<double> want_v;
  std::vector<int64_t> want_spikes;
  size_t next = 0;
  double min_margin = 1;
  for (int64_t s = 0; s < kSteps; ++s) {
    const double x = next < in.steps.size() && in.steps[next] == s ? (++next, 2.0) : 0.0;
    v_li += dt / 2e-3 * (0.1 - v_li) + dt * 1.5 / 2e-3 * x;
    const double x2 = 0.8 * v_li + 0.05;
    v += dt / 1e-3 * (0.0 - v) + dt * 1.0 / 1e-3 * x2;
    min_margin = std::min(min_margin, std::fabs(v - 0.2));
    if (v > 0.2) want_spikes.push_back(s), v = 0.0;
    want_v.push_back(v);
  }
  ASSERT_GT(min_margin, 1e-4) << "the scenario must not graze the threshold (float vs double)";
  ASSERT_GE(want_spikes.size(), 2u);

  std::vector<int64_t> got;
  for (const auto& ps : r.spikes)
    if (ps.population == "lif")
      for (double t : ps.times_ms) got.push_back(std::llround(t / 0.1));
  EXPECT_EQ(got, want_spikes);
  ASSERT_EQ(r.traces.size(), 1u);
  ASSERT_EQ(r.traces[0].values.size(), size_t(kSteps));
  for (int64_t s = 0; s < kSteps; ++s)
    EXPECT_NEAR(r.traces[0].values[size_t(s)], want_v[size_t(s)], 2e-6) << "step " << s;
}

// 20 inputs -> Linear -> CubaLI(64) -> Linear -> LIF(48), CubaLI also recorded: two threads split both.
Document wide_graph() {
  Document d;
  d.source = "wide.nir";
  d.version = "1.0.7";
  auto& g = d.graph;
  std::vector<double> w1(64 * 20), w2(48 * 64);
  for (size_t k = 0; k < w1.size(); ++k) w1[k] = double((k * 7919) % 23) / 23.0 - 0.3;
  for (size_t k = 0; k < w2.size(); ++k) w2[k] = double((k * 104729) % 31) / 31.0 - 0.45;
  g.nodes.push_back(node("in", "Input", {{"shape", scalar(20)}}));
  g.nodes.push_back(node("w1", "Linear", {{"weight", Tensor({64, 20}, w1)}}));
  g.nodes.push_back(node("cli", "CubaLI",
                         {{"tau_mem", scalar(2e-3)},
                          {"tau_syn", scalar(5e-3)},
                          {"r", scalar(1.0)},
                          {"v_leak", scalar(0.0)},
                          {"w_in", scalar(20.0)}}));
  g.nodes.push_back(node("w2", "Linear", {{"weight", Tensor({48, 64}, w2)}}));
  g.nodes.push_back(node("lif", "LIF",
                         {{"tau", scalar(1e-3)},
                          {"r", scalar(1.0)},
                          {"v_leak", scalar(0.0)},
                          {"v_threshold", scalar(0.05)},
                          {"v_reset", scalar(0.0)}}));
  g.nodes.push_back(node("out", "Output", {{"shape", scalar(48)}}));
  g.nodes.push_back(node("out_v", "Output", {{"shape", scalar(64)}}));
  g.edges = {{"in", "w1"}, {"w1", "cli"}, {"cli", "w2"}, {"w2", "lif"}, {"lif", "out"}, {"cli", "out_v"}};
  check_graph(g, d.source);
  return d;
}

TEST(NirGraded, OneAndTwoThreadsGiveBitIdenticalResults) {
  const Document doc = wide_graph();
  SpikeTrain in;
  for (int64_t s = 0; s < 200; ++s)
    for (uint32_t i = 0; i < 20; ++i)
      if ((s * 31 + i * 17) % 11 == 0) in.steps.push_back(s), in.neurons.push_back(i);
  Converted c1 = to_network(doc, Options{}), c2 = to_network(doc, Options{});
  const sim::RunResult a = run(c1, {in}, 200, 1), b = run(c2, {in}, 200, 2);
  uint64_t spikes = 0;
  ASSERT_EQ(a.spikes.size(), b.spikes.size());
  for (size_t p = 0; p < a.spikes.size(); ++p) {
    EXPECT_EQ(a.spikes[p].times_ms, b.spikes[p].times_ms) << a.spikes[p].population;
    EXPECT_EQ(a.spikes[p].neurons, b.spikes[p].neurons) << a.spikes[p].population;
    if (a.spikes[p].population == "lif") spikes = a.spikes[p].times_ms.size();
  }
  EXPECT_GT(spikes, 50u) << "the graded layer must drive the LIF layer";
  ASSERT_EQ(a.traces.size(), b.traces.size());
  for (size_t t = 0; t < a.traces.size(); ++t) EXPECT_EQ(a.traces[t].values, b.traces[t].values);
}

TEST(NirGraded, DiracSpikesDoNotScaleGradedValues) {
  // Under --spikes dirac only projections from spiking sources carry 1/dt.
  const Converted c =
      to_network(li_chain(), Options{1e-4, model::NirNeuron::Reset::ToValue, Options::Spikes::Dirac});
  for (const auto& proj : c.net.projections) {
    const double w = std::get<model::ValueArray>(proj.weight).values.at(0);
    if (proj.pre == "in") {
      EXPECT_NEAR(w, 2.0 / 1e-4, 1e-6);
    } else {
      EXPECT_DOUBLE_EQ(w, 0.8);
    }
  }
}

TEST(NirGraded, EveryPrimitiveChainRuns) {
  // LI -> CubaLI -> I -> Threshold: refused before graded outputs existed.
  Converted c =
      to_network(read_nir(nir_data("synthetic_reference_writer/synthetic_all_primitives_1d.nir")), {});
  std::vector<SpikeTrain> in(c.inputs.size());
  for (auto& t : in)
    for (int64_t s = 0; s < 20; ++s) t.steps.push_back(s), t.neurons.push_back(0);
  const sim::RunResult r = run(c, in, 30);
  for (const auto& tr : r.traces)
    for (float v : tr.values) EXPECT_TRUE(std::isfinite(v)) << tr.population;
}

}  // namespace
}  // namespace scx::io::nir
