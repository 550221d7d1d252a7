// Writing NIR: exported files pass an h5py check of the reference layout, read back to the same weights, and
// a NIR graph that goes through model::Network and back runs exactly as before.
#include <gtest/gtest.h>

#include <cstdlib>

#include "io_test_util.hpp"
#include "nir_test_util.hpp"
#include "silicortex/io/nir_model.hpp"
#include "silicortex/io/toml_model.hpp"
#include "silicortex/sim/connectivity.hpp"

namespace scx::io::nir {
namespace {

using testing::nir_data;
using testing::TempDir;

constexpr char kSmall[] = R"(
[simulation]
dt_ms = 0.1
seed = 3
[[population]]
name = "in"
size = 10
model = "poisson_source"
[[population]]
name = "out"
size = 5
model = "lif_curr_exp"
[population.params]
tau_syn_exc_ms = 5.0
tau_syn_inh_ms = 5.0
t_ref_ms = 0.0
i_e_pa = 100.0
[[projection]]
pre = "in"
post = "out"
connector = { type = "fixed_probability", p = 0.5 }
weight = 50.0
)";

// Runs the h5py layout check (tests/python/nir_layout_check.py); empty when it passes.
std::string layout_problem(const std::filesystem::path& file) {
  const std::string cmd = "/usr/bin/python3 " + std::string(SCX_SOURCE_DIR) +
                          "/tests/python/nir_layout_check.py " + file.string() + " > " + file.string() +
                          ".check 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream in(file.string() + ".check");
  std::stringstream ss;
  ss << in.rdbuf();
  return rc == 0 ? "" : ss.str();
}

bool have_h5py() {
  return std::system("/usr/bin/python3 -c 'import h5py' > /dev/null 2>&1") == 0;
}

TEST(NirWrite, TomlNetworkExportsInTheReferenceLayoutWithTheEngineWeights) {
  if (!have_h5py()) GTEST_SKIP() << "python3-h5py is not installed";
  TempDir dir;
  const model::Network net = parse_network_toml(kSmall, "small.toml");
  std::vector<std::string> warnings;
  const Document doc = from_network(net, warnings);
  write_nir(dir / "small.nir", doc);
  EXPECT_EQ(layout_problem(dir / "small.nir"), "");

  const Document back = read_nir(dir / "small.nir");
  EXPECT_EQ(back.version, "1.0.7");
  const Node* lin = back.graph.find("in_to_out");
  ASSERT_NE(lin, nullptr);
  EXPECT_EQ(lin->type, "Affine");  // carries the i_e bias
  const auto syn = sim::build_synapses(net.projections[0], 10, 5, 0.1, 3, 0);
  std::vector<double> dense(50, 0.0);
  for (size_t k = 0; k < syn.size(); ++k) dense[syn.post[k] * 10 + syn.pre[k]] += syn.weight[k];
  EXPECT_EQ(lin->find("weight")->values, dense);
  EXPECT_EQ(lin->find("weight")->shape, (std::vector<int64_t>{5, 10}));
  const Node* out = back.graph.find("out");
  EXPECT_EQ(out->type, "CubaLIF");
  EXPECT_DOUBLE_EQ(out->find("tau_mem")->values[0], 0.01);
  EXPECT_DOUBLE_EQ(out->find("r")->values[0], 10.0 / 250.0);  // tau_m / C: mV per pA
  // The constant current: w_in * bias = i_e.
  EXPECT_NEAR(out->find("w_in")->values[0] * lin->find("bias")->values[0], 100.0, 1e-9);
}

TEST(NirWrite, EveryReadableSampleRewritesInTheReferenceLayout) {
  if (!have_h5py()) GTEST_SKIP() << "python3-h5py is not installed";
  TempDir dir;
  for (const char* f : {"framework_exports/cnn_sinabs.nir", "framework_exports/braille_noDelay_bias_zero.nir",
                        "synthetic_reference_writer/synthetic_all_primitives_1d.nir"}) {
    SCOPED_TRACE(f);
    Document doc = read_nir(nir_data(f));
    doc.version.clear();  // written as the current format
    write_nir(dir / "copy.nir", doc);
    EXPECT_EQ(layout_problem(dir / "copy.nir"), "");
    const Document back = read_nir(dir / "copy.nir");
    EXPECT_EQ(back.graph.nodes.size(), doc.graph.nodes.size());
    EXPECT_EQ(back.graph.edges, doc.graph.edges);
  }
}

TEST(NirWrite, BrailleThroughNetworkAndBackRunsIdentically) {
  TempDir dir;
  const Options opt;
  Converted first = to_network(read_nir(nir_data("framework_exports/braille_noDelay_bias_zero.nir")), opt);
  std::vector<std::string> warnings;
  write_nir(dir / "again.nir", from_network(first.net, warnings));
  Converted second = to_network(read_nir(dir / "again.nir"), opt);
  SpikeTrain in;
  for (int64_t s = 0; s < 300; ++s)
    for (uint32_t i = 0; i < 12; ++i)
      if ((s * 7 + i * 5) % 9 == 0) in.steps.push_back(s), in.neurons.push_back(i);
  const sim::RunResult a = run(first, {in}, 300), b = run(second, {in}, 300);
  ASSERT_EQ(a.spikes.size(), b.spikes.size());
  uint64_t total = 0;
  for (const auto& pa : a.spikes) {
    const auto it = std::find_if(b.spikes.begin(), b.spikes.end(), [&](const sim::PopulationSpikes& p) {
      return p.population == pa.population;
    });
    ASSERT_NE(it, b.spikes.end()) << pa.population;
    EXPECT_EQ(pa.times_ms, it->times_ms) << pa.population;
    EXPECT_EQ(pa.neurons, it->neurons) << pa.population;
    total += pa.total_spikes;
  }
  EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace scx::io::nir
