// Running NIR graphs: the NIR paper's LIF graph against the exact solution and Norse's trace, a recurrent
// subgraph against a direct simulation of the NIR equations, and the CNN and braille networks end to end.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "../cli/cli_runner.hpp"
#include "nir_test_util.hpp"
#include "silicortex/io/nir_model.hpp"

namespace scx::io::nir {
namespace {

using testing::csv_column;
using testing::nir_data;
using testing::raster;

std::vector<int64_t> spike_steps(const sim::RunResult& r, const std::string& pop, double dt_ms) {
  std::vector<int64_t> out;
  for (const auto& ps : r.spikes)
    if (ps.population == pop)
      for (double t : ps.times_ms) out.push_back(std::llround(t / dt_ms));
  return out;
}

TEST(NirRun, LifNorseMatchesTheExactSolutionWithinOneStep) {
  const auto input = csv_column(nir_data("reference_traces/lif_exact.csv"), 0);
  const auto exact_spikes = csv_column(nir_data("reference_traces/lif_exact.csv"), 2);
  ASSERT_EQ(input.size(), 1000u);
  SpikeTrain in;
  for (size_t s = 0; s < input.size(); ++s)
    if (input[s] != 0) in.steps.push_back(static_cast<int64_t>(s)), in.neurons.push_back(0);
  Converted c = to_network(read_nir(nir_data("framework_exports/lif_norse.nir")), Options{});
  const sim::RunResult r = run(c, {in}, 1000);
  const auto got = spike_steps(r, "1", 0.1);
  std::vector<int64_t> want;
  for (size_t s = 0; s < exact_spikes.size(); ++s)
    if (exact_spikes[s] != 0) want.push_back(static_cast<int64_t>(s));
  ASSERT_EQ(want.size(), 4u);
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) EXPECT_LE(std::abs(got[k] - want[k]), 1) << "spike " << k;

  // Norse integrates the same equations with forward Euler: the voltage agrees to float precision.
  const auto norse_v = csv_column(nir_data("reference_traces/lif_norse.csv"), 1);
  ASSERT_EQ(r.traces.size(), 1u);
  ASSERT_EQ(r.traces[0].values.size(), 1000u);
  for (size_t s = 0; s < 1000; ++s) ASSERT_NEAR(r.traces[0].values[s], norse_v[s], 1e-6) << "step " << s;
}

// input(4) -> Linear -> {LIF <-> Linear w_rec} -> output, integrated here directly in double precision.
TEST(NirRun, RecurrentSubgraphMatchesADirectSimulationStepForStep) {
  const Document doc = read_nir(nir_data("synthetic_reference_writer/synthetic_recurrent_subgraph.nir"));
  const auto& fc = doc.graph.find("fc")->find("weight")->values;
  const Graph& rnn = *doc.graph.find("rnn")->graph;
  const auto& w_rec = rnn.find("w_rec")->find("weight")->values;
  const Node& lif = *rnn.find("lif");
  const double dt = 1e-4;
  const int64_t steps = 400;
  const SpikeTrain in = raster(4, steps, 0.3, 1);
  // Scale the inputs up so that the 1-volt threshold is reached (unit spikes move v by dt/tau = 0.005).
  Options opt;
  opt.spikes = Options::Spikes::Dirac;
  const double scale = 1.0 / dt;

  std::vector<std::vector<int>> x(steps, std::vector<int>(4, 0));
  for (size_t k = 0; k < in.steps.size(); ++k) x[in.steps[k]][in.neurons[k]] = 1;
  std::vector<double> v(3, 0.0);
  std::vector<int> s_prev(3, 0);
  std::set<std::pair<int64_t, uint32_t>> want;
  for (int64_t t = 0; t < steps; ++t) {
    std::vector<int> s(3, 0);
    for (int o = 0; o < 3; ++o) {
      double i_in = 0;
      for (int i = 0; i < 4; ++i) i_in += fc[o * 4 + i] * x[t][i] * scale;
      for (int j = 0; j < 3; ++j) i_in += w_rec[o * 3 + j] * s_prev[j] * scale;  // previous step: back edge
      const double tau = lif.find("tau")->values[o], r = lif.find("r")->values[o];
      v[o] += dt / tau * (lif.find("v_leak")->values[o] - v[o] + r * i_in);
      if (v[o] > lif.find("v_threshold")->values[o]) {
        s[o] = 1;
        v[o] = lif.find("v_reset")->values[o];
        want.insert({t, static_cast<uint32_t>(o)});
      }
    }
    s_prev = s;
  }
  ASSERT_GT(want.size(), 20u);

  Converted c = to_network(doc, opt);
  const sim::RunResult r = run(c, {in}, steps);
  std::set<std::pair<int64_t, uint32_t>> got;
  for (const auto& ps : r.spikes)
    if (ps.population == "rnn.lif")
      for (size_t k = 0; k < ps.times_ms.size(); ++k)
        got.insert({std::llround(ps.times_ms[k] / 0.1), ps.neurons[k]});
  EXPECT_EQ(got, want);
}

// The flat and the nested export of the same braille network compute the same thing.
TEST(NirRun, BrailleFlatAndSubgraphVariantsAgree) {
  const SpikeTrain in = raster(12, 300, 0.2, 7);
  Options opt;
  Converted flat = to_network(read_nir(nir_data("framework_exports/braille_noDelay_bias_zero.nir")), opt);
  Converted nested =
      to_network(read_nir(nir_data("framework_exports/braille_noDelay_bias_zero_subgraph.nir")), opt);
  const sim::RunResult a = run(flat, {in}, 300), b = run(nested, {in}, 300);
  const auto hidden_a = spike_steps(a, "lif1.lif", 0.1), hidden_b = spike_steps(b, "lif1.lif1", 0.1);
  EXPECT_GT(hidden_a.size(), 0u);
  EXPECT_EQ(hidden_a, hidden_b);
  EXPECT_EQ(spike_steps(a, "lif2", 0.1), spike_steps(b, "lif2", 0.1));
}

TEST(NirRun, BrailleSubtractVariantRunsWithSubtractiveReset) {
  Options opt;
  opt.reset = model::NirNeuron::Reset::Subtract;
  Converted c = to_network(read_nir(nir_data("framework_exports/braille_noDelay_noBias_subtract.nir")), opt);
  const sim::RunResult r = run(c, {raster(12, 300, 0.2, 3)}, 300);
  EXPECT_GT(spike_steps(r, "lif1.lif", 0.1).size(), 0u);
  EXPECT_EQ(r.meta.duration_ms, 30.0);
}

TEST(NirRun, SinabsCnnRunsAndItsSpikesReachTheOutput) {
  Options opt;
  opt.spikes = Options::Spikes::Dirac;  // Sinabs' IF layers add each weighted spike to v
  Converted c = to_network(read_nir(nir_data("framework_exports/cnn_sinabs.nir")), opt);
  ASSERT_EQ(c.inputs.size(), 1u);
  EXPECT_EQ(c.inputs[0].size, 2u * 34 * 34);
  const sim::RunResult r = run(c, {raster(2 * 34 * 34, 100, 0.05, 5)}, 100);
  uint64_t first_layer = 0;
  for (const auto& ps : r.spikes)
    if (ps.population == "1") first_layer = ps.total_spikes;
  EXPECT_GT(first_layer, 0u);
  ASSERT_EQ(c.outputs.size(), 1u);
  EXPECT_EQ(c.outputs[0].size, 10u);
}

// A NIRData file (nir.write_data) as input: EventData of the node named like the Input, read here and by
// h5py.
TEST(NirRun, InputSpikesFromANirDataFileMatchWhatH5pyReads) {
  if (std::system("/usr/bin/python3 -c 'import h5py' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "no python3-h5py";
  const std::string file = nir_data("synthetic_reference_writer/synthetic_graph_data.h5");
  Document doc;
  const auto v3 = [](double x) { return Tensor::vector({x, x, x}); };
  doc.graph.nodes.push_back(Node{"lif", "Input", {{"shape", Tensor::vector({3})}}, {}, nullptr});
  doc.graph.nodes.push_back(Node{
      "n", "LIF", {{"tau", v3(0.01)}, {"r", v3(1)}, {"v_leak", v3(0)}, {"v_threshold", v3(1)}}, {}, nullptr});
  doc.graph.nodes.push_back(Node{"out", "Output", {{"shape", Tensor::vector({3})}}, {}, nullptr});
  doc.graph.edges = {{"lif", "n"}, {"n", "out"}};
  Options opt;
  opt.dt_s = 1e-3;
  const Converted c = to_network(doc, opt);
  int64_t steps = 0;
  const auto trains = read_input_spikes(file, c, steps);
  ASSERT_EQ(trains.size(), 1u);
  std::string got;
  for (size_t k = 0; k < trains[0].steps.size(); ++k)
    got += std::to_string(trains[0].steps[k]) + " " + std::to_string(trains[0].neurons[k]) + "\n";
  const std::string script =
      "import h5py\n"
      "o = h5py.File('" +
      file +
      "')['nodes/lif/observables/spike_events']\n"
      "for i, t in zip(o['idx'][0], o['time'][0]):\n"
      "    if i >= 0: print(round(t / 1e-3), i)\n"
      "print('steps', round(o.attrs['t_max'] / 1e-3))\n";
  FILE* pipe = popen(("/usr/bin/python3 -c \"" + script + "\"").c_str(), "r");
  std::string want;
  char buf[256];
  while (fgets(buf, sizeof buf, pipe)) want += buf;
  pclose(pipe);
  EXPECT_EQ(got + "steps " + std::to_string(steps) + "\n", want);
  EXPECT_FALSE(trains[0].steps.empty());
}

TEST(NirRun, CliRunsTheLifGraphFromACsvAndWritesARecording) {
  const auto dir = scx::test::fresh_dir("nir_cli_run");
  std::string csv;
  for (double x : csv_column(nir_data("reference_traces/lif_exact.csv"), 0)) csv += x != 0 ? "1\n" : "0\n";
  scx::test::write_file(dir / "in.csv", csv);
  const auto res =
      scx::test::run_cli("nir run " + nir_data("framework_exports/lif_norse.nir") + " --input " +
                         (dir / "in.csv").string() + " --dt 1e-4 --out " + (dir / "run.h5").string());
  EXPECT_EQ(res.exit_code, 0) << res.output;
  EXPECT_NE(res.output.find("output output (1 neurons): 4 spikes"), std::string::npos) << res.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "run.h5"));
  const auto info = scx::test::run_cli("nir info " + nir_data("framework_exports/cnn_sinabs.nir"));
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("Conv2d"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(NirRun, EventCsvAndDenseCsvGiveTheSameTrains) {
  const auto dir = scx::test::fresh_dir("nir_csv_formats");
  const Converted c = to_network(read_nir(nir_data("framework_exports/braille_noDelay_bias_zero.nir")), {});
  std::string dense, events = "step,neuron\n";
  for (int s = 0; s < 20; ++s) {
    for (int i = 0; i < 12; ++i) {
      const bool spike = (s * 5 + i * 3) % 7 == 0;
      dense += std::string(i ? "," : "") + (spike ? "1" : "0");
      if (spike) events += std::to_string(s) + "," + std::to_string(i) + "\n";
    }
    dense += "\n";
  }
  dense += "0,0,0,0,0,0,0,0,0,0,0,0\n";  // a silent 21st step
  scx::test::write_file(dir / "dense.csv", dense);
  scx::test::write_file(dir / "events.csv", events);
  int64_t dense_steps = 0, event_steps = 0;
  const auto a = read_input_spikes(dir / "dense.csv", c, dense_steps);
  const auto b = read_input_spikes(dir / "events.csv", c, event_steps);
  EXPECT_EQ(dense_steps, 21);
  EXPECT_EQ(event_steps, 20);  // the last step with a spike, plus one
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].steps, b[0].steps);
  EXPECT_EQ(a[0].neurons, b[0].neurons);
  EXPECT_FALSE(a[0].steps.empty());
  std::filesystem::remove_all(dir);
}

TEST(NirRun, CliReportsBadFilesInOneLineAndExportsBuiltInModels) {
  const auto dir = scx::test::fresh_dir("nir_cli_errors");
  scx::test::write_file(dir / "text.nir", "hello\n");
  const auto bad = scx::test::run_cli("nir info " + (dir / "text.nir").string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.output, "silicortex: error: " + (dir / "text.nir").string() + ": not an HDF5 file\n");
  const auto exp = scx::test::run_cli("nir export cuba -o " + (dir / "cuba.nir").string());
  EXPECT_EQ(exp.exit_code, 0) << exp.output;
  EXPECT_NE(exp.output.find("no spike source"), std::string::npos) << exp.output;
  const Document doc = read_nir(dir / "cuba.nir");
  EXPECT_EQ(doc.graph.find("exc")->type, "CubaLIF");
  EXPECT_EQ(doc.graph.find("exc")->find("tau_mem")->values.size(), 3200u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scx::io::nir
