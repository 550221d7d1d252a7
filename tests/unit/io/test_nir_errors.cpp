// Bad NIR input: every defect gives an scx::Error naming the node and the field, and damaged files
// (truncated, bytes flipped) end in success or scx::Error, never a crash.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "io/nir_detail.hpp"
#include "io_test_util.hpp"
#include "nir_test_util.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/io/nir_model.hpp"

namespace scx::io::nir {
namespace {

using testing::nir_data;
using testing::TempDir;

Node node(const std::string& name, const std::string& type, std::map<std::string, Tensor> params) {
  return Node{name, type, std::move(params), {}, nullptr};
}

// input(4) -> fc (Linear 3x4) -> lif (3) -> output(3)
Document small_graph() {
  Document doc;
  doc.graph.nodes.push_back(node("input", "Input", {{"shape", Tensor::vector({4})}}));
  doc.graph.nodes.push_back(node("fc", "Linear", {{"weight", Tensor({3, 4}, std::vector<double>(12, 0.5))}}));
  const auto v3 = [](double x) { return Tensor::vector({x, x, x}); };
  doc.graph.nodes.push_back(
      node("lif", "LIF",
           {{"tau", v3(0.01)}, {"r", v3(1)}, {"v_leak", v3(0)}, {"v_threshold", v3(1)}, {"v_reset", v3(0)}}));
  doc.graph.nodes.push_back(node("output", "Output", {{"shape", Tensor::vector({3})}}));
  doc.graph.edges = {{"input", "fc"}, {"fc", "lif"}, {"lif", "output"}};
  return doc;
}

// Writes `doc` without checks, reads and converts it, and returns the error message ("" if none).
std::string error_of(const Document& doc, const TempDir& dir) {
  write_nir_unchecked(dir / "bad.nir", doc);
  try {
    to_network(read_nir(dir / "bad.nir"), Options{});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Node& find(Document& d, const std::string& name) {
  for (auto& n : d.graph.nodes)
    if (n.name == name) return n;
  throw std::logic_error("no node " + name);
}

TEST(NirErrors, TheValidBaseGraphConverts) {
  TempDir dir;
  EXPECT_EQ(error_of(small_graph(), dir), "");
}

TEST(NirErrors, EachDefectNamesTheNodeAndTheField) {
  TempDir dir;
  struct Case {
    const char* what;
    std::function<void(Document&)> mutate;
    std::vector<std::string> expect;
  };
  const std::vector<Case> cases = {
      {"not a type",
       [](Document& d) { find(d, "lif").type = "Spiking"; },
       {"node 'lif' (Spiking).type", "unknown node type 'Spiking'"}},
      {"weight columns",
       [](Document& d) {
         find(d, "fc").params["weight"] = Tensor({3, 5}, std::vector<double>(15, 1));
       },
       {"node 'fc' (Linear).weight", "5 columns", "4 elements"}},
      {"neuron shapes",
       [](Document& d) {
         find(d, "lif").params["r"] = Tensor::vector({1, 1, 1, 1});
       },
       {"node 'lif' (LIF).", "differs from"}},
      {"population size",
       [](Document& d) {
         find(d, "fc").params["weight"] = Tensor({2, 4}, std::vector<double>(8, 1));
       },
       {"node 'lif' (LIF)", "3 neurons", "2 values"}},
      {"output shape",
       [](Document& d) { find(d, "output").params["shape"] = Tensor::vector({7}); },
       {"node 'output' (Output).shape", "declares 7"}},
      {"missing field",
       [](Document& d) { find(d, "lif").params.erase("tau"); },
       {"node 'lif' (LIF).tau", "missing"}},
      {"extra field",
       [](Document& d) {
         find(d, "lif").params["tau_ref"] = Tensor::vector({1, 1, 1});
       },
       {"node 'lif' (LIF).tau_ref", "unknown parameter"}},
      {"not finite",
       [](Document& d) { find(d, "fc").params["weight"].values[3] = NAN; },
       {"node 'fc' (Linear).weight", "finite"}},
      {"negative tau",
       [](Document& d) { find(d, "lif").params["tau"].values[1] = -1; },
       {"node 'lif' (LIF).tau", "positive"}},
      {"dangling edge",
       [](Document& d) {
         d.graph.edges.push_back({"lif", "nowhere"});
       },
       {"edge (lif, nowhere)", "'nowhere'"}},
      {"duplicate edge",
       [](Document& d) {
         d.graph.edges.push_back({"fc", "lif"});
       },
       {"edge (fc, lif) appears twice"}},
      {"no input", [](Document& d) { find(d, "input").type = "Output"; }, {"graph", "no Input node"}},
      {"no output", [](Document& d) { find(d, "output").type = "Input"; }, {"graph", "no Output node"}},
      {"linear loop",
       [](Document& d) {
         d.graph.nodes.push_back(
             node("loop", "Linear", {{"weight", Tensor({3, 3}, std::vector<double>(9, 1))}}));
         d.graph.edges.push_back({"loop", "fc2"});
         d.graph.nodes.push_back(
             node("fc2", "Linear", {{"weight", Tensor({3, 3}, std::vector<double>(9, 1))}}));
         d.graph.edges.push_back({"fc2", "loop"});
         d.graph.edges.push_back({"fc2", "lif"});
         d.graph.edges.push_back({"lif", "loop"});
       },
       {"cycle of linear nodes"}},
      {"conv input channels",
       [](Document& d) {
         find(d, "input").params["shape"] = Tensor::vector({1, 2, 2});
         d.graph.nodes.push_back(node("conv", "Conv2d",
                                      {{"weight", Tensor({3, 2, 1, 1}, std::vector<double>(6, 1))},
                                       {"bias", Tensor::vector({0, 0, 0})},
                                       {"stride", Tensor::vector({1, 1})},
                                       {"padding", Tensor::vector({0, 0})},
                                       {"dilation", Tensor::vector({1, 1})},
                                       {"groups", Tensor({}, {1})}}));
         d.graph.edges = {{"input", "conv"}, {"conv", "fc"}, {"fc", "lif"}, {"lif", "output"}};
       },
       {"node 'conv' (Conv2d).weight", "2 input channels", "the input has 1"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Document d = small_graph();
    c.mutate(d);
    const std::string msg = error_of(d, dir);
    ASSERT_FALSE(msg.empty());
    EXPECT_NE(msg.find((dir / "bad.nir").string()), std::string::npos) << msg;
    for (const auto& part : c.expect) EXPECT_NE(msg.find(part), std::string::npos) << msg;
  }
}

TEST(NirErrors, NotHdf5AndMissingFilesAreNamed) {
  TempDir dir;
  std::ofstream(dir / "text.nir") << "not a NIR file\n";
  for (const auto& [file, want] :
       {std::pair<std::string, std::string>{(dir / "text.nir").string(), "not an HDF5 file"},
        {(dir / "none.nir").string(), "no such file"}}) {
    try {
      read_nir(file);
      ADD_FAILURE() << file;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  }
}

TEST(NirErrors, BadInputSpikeFilesNameTheLine) {
  TempDir dir;
  const Converted c = to_network(read_nir(nir_data("framework_exports/lif_norse.nir")), Options{});
  std::ofstream(dir / "two.csv") << "0\n1\n0,1\n";
  std::ofstream(dir / "half.csv") << "0\n0.5\n";
  int64_t steps = 0;
  for (const char* f : {"two.csv", "half.csv"}) {
    try {
      read_input_spikes(dir / f, c, steps);
      ADD_FAILURE() << f;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string(f) + ":3") == std::string::npos
                    ? std::string(e.what()).find(std::string(f) + ":2")
                    : 0,
                std::string::npos)
          << e.what();
    }
  }
}

// Damaged copies of real files: truncated at many lengths, and with random bytes overwritten.
TEST(NirErrors, DamagedFilesFailCleanly) {
  TempDir dir;
  int outcomes[2] = {0, 0};  // success, scx::Error
  auto attempt = [&](const std::vector<char>& bytes) {
    {
      std::ofstream out(dir / "fuzz.nir", std::ios::binary);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    try {
      Converted c = to_network(read_nir(dir / "fuzz.nir"), Options{});
      std::vector<SpikeTrain> in(c.inputs.size());
      for (size_t k = 0; k < in.size(); ++k) in[k].steps = {0, 1}, in[k].neurons = {0, 0};
      run(c, in, 5);
      ++outcomes[0];
    } catch (const Error&) {
      ++outcomes[1];
    }
  };
  RandomStream rng(42, 7);
  constexpr int kFlips = 60;
  for (const char* f :
       {"framework_exports/lif_norse.nir", "framework_exports/braille_noDelay_bias_zero_subgraph.nir",
        "synthetic_reference_writer/synthetic_conv2d_pool.nir",
        "synthetic_reference_writer/synthetic_all_primitives_1d.nir"}) {
    std::ifstream in(nir_data(f), std::ios::binary);
    const std::vector<char> original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(original.size(), 1000u);
    for (int k = 1; k <= 24; ++k)
      attempt(std::vector<char>(original.begin(),
                                original.begin() + static_cast<std::ptrdiff_t>(original.size() * k / 25)));
    for (int k = 0; k < kFlips; ++k) {
      std::vector<char> bytes = original;
      const int flips = 1 + static_cast<int>(rng.below(8));
      for (int j = 0; j < flips; ++j) bytes[rng.below(bytes.size())] = static_cast<char>(rng.below(256));
      attempt(bytes);
    }
  }
  EXPECT_GT(outcomes[1], 0);
  EXPECT_EQ(outcomes[0] + outcomes[1], 4 * (24 + kFlips));
}

}  // namespace
}  // namespace scx::io::nir
