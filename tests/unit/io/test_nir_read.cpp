// Reading NIR: every sample file loads, every node type is seen, and the lowering of linear nodes matches the
// formulas of PyTorch's convolution and pooling, checked entry by entry.
#include <gtest/gtest.h>

#include <set>

#include "nir_test_util.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/nir_model.hpp"

namespace scx::io::nir {
namespace {

using testing::nir_data;

const char* kFiles[] = {"framework_exports/lif_norse.nir",
                        "framework_exports/lif_rockpool.nir",
                        "framework_exports/two_lif_neurons.nir",
                        "framework_exports/cnn_sinabs.nir",
                        "framework_exports/braille_noDelay_bias_zero.nir",
                        "framework_exports/braille_noDelay_noBias_subtract.nir",
                        "framework_exports/braille_noDelay_bias_zero_subgraph.nir",
                        "synthetic_reference_writer/synthetic_all_primitives_1d.nir",
                        "synthetic_reference_writer/synthetic_conv2d_pool.nir",
                        "synthetic_reference_writer/synthetic_conv1d.nir",
                        "synthetic_reference_writer/synthetic_recurrent_subgraph.nir"};

void collect_types(const Graph& g, std::set<std::string>& types) {
  for (const auto& n : g.nodes) {
    types.insert(n.type);
    if (n.graph) collect_types(*n.graph, types);
  }
}

TEST(NirRead, EveryFileLoadsAndTheSyntheticOnesCoverEveryNodeType) {
  std::set<std::string> synthetic_types;
  for (const char* f : kFiles) {
    SCOPED_TRACE(f);
    const Document doc = read_nir(nir_data(f));
    EXPECT_FALSE(doc.graph.nodes.empty());
    if (std::string(f).find("synthetic") != std::string::npos) {
      EXPECT_EQ(doc.version.substr(0, 2), "1.");
      collect_types(doc.graph, synthetic_types);
    }
  }
  for (const auto& t : node_types()) EXPECT_TRUE(synthetic_types.count(t)) << t;
  EXPECT_TRUE(synthetic_types.count("NIRGraph"));
}

TEST(NirRead, OldFilesKeepTheirVersionAndParameters) {
  const Document doc = read_nir(nir_data("framework_exports/lif_norse.nir"));
  EXPECT_EQ(doc.version, "0.1.1");
  const Node* lif = doc.graph.find("1");
  ASSERT_NE(lif, nullptr);
  EXPECT_EQ(lif->type, "LIF");
  EXPECT_NEAR(lif->find("tau")->values.at(0), 0.0025, 1e-9);
  EXPECT_EQ(lif->find("v_reset"), nullptr);  // 0.x files have none; the converter uses 0
  EXPECT_EQ(doc.graph.edges.size(), 3u);
}

TEST(NirRead, SnnTorchSubgraphWithRenamedNodeIsRepairedWithAWarning) {
  const Document doc = read_nir(nir_data("framework_exports/braille_noDelay_bias_zero_subgraph.nir"));
  ASSERT_EQ(doc.warnings.size(), 1u);
  EXPECT_NE(doc.warnings[0].find("'lif'"), std::string::npos);
}

// Conv2d(4,2,3,3; stride 1, pad 1) on (2,8,8), then SumPool2d(2), AvgPool2d(2), Flatten, Affine(5x16).
TEST(NirRead, ConvolutionAndPoolingWeightsFollowPyTorch) {
  const Document doc = read_nir(nir_data("synthetic_reference_writer/synthetic_conv2d_pool.nir"));
  const Converted c = to_network(doc, Options{});
  const Tensor& w = *doc.graph.find("conv2d")->find("weight");
  const Tensor& a = *doc.graph.find("affine")->find("weight");
  int checked_conv = 0, checked_head = 0;
  for (const auto& proj : c.net.projections) {
    const auto& conn = std::get<model::FromList>(proj.connector);
    const auto& weights = std::get<model::ValueArray>(proj.weight).values;
    for (size_t k = 0; k < conn.pre.size(); ++k) {
      if (proj.pre == "input") {  // in (ci, iy, ix) -> out (co, oy, ox): W[co, ci, iy - oy + 1, ix - ox + 1]
        const int ci = conn.pre[k] / 64, iy = conn.pre[k] / 8 % 8, ix = conn.pre[k] % 8;
        const int co = conn.post[k] / 64, oy = conn.post[k] / 8 % 8, ox = conn.post[k] % 8;
        ASSERT_LE(std::abs(iy - oy), 1);
        ASSERT_LE(std::abs(ix - ox), 1);
        EXPECT_DOUBLE_EQ(weights[k], w.values[((co * 2 + ci) * 3 + iy - oy + 1) * 3 + ix - ox + 1]);
        ++checked_conv;
      } else {  // if1 (c, y, x) -> lif o: A[o, c*4 + (y/4)*2 + x/4] / 4 (sum of 2x2, then mean of 2x2)
        const int ch = conn.pre[k] / 64, y = conn.pre[k] / 8 % 8, x = conn.pre[k] % 8;
        EXPECT_NEAR(weights[k], a.values[conn.post[k] * 16 + ch * 4 + (y / 4) * 2 + x / 4] / 4, 1e-7);
        ++checked_head;
      }
    }
  }
  EXPECT_EQ(checked_conv, 4 * 2 * 22 * 22);  // taps inside the zero padding are absent
  EXPECT_EQ(checked_head, 5 * 256);
}

TEST(NirRead, AffineBiasBecomesTheConstantInputOfTheTarget) {
  const Converted c =
      to_network(read_nir(nir_data("synthetic_reference_writer/synthetic_conv2d_pool.nir")), {});
  const auto& lif = std::get<model::NirNeuron>(c.net.find_population("lif")->params);
  const Document doc = read_nir(nir_data("synthetic_reference_writer/synthetic_conv2d_pool.nir"));
  EXPECT_EQ(lif.bias, doc.graph.find("affine")->find("bias")->values);
}

}  // namespace
}  // namespace scx::io::nir
