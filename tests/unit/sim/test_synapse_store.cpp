// The packed synapse layout: every synapse decodes to its target and exact weight, and stores that do not
// fit 16 bits keep the wide layout.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "sim/synapse_store.hpp"

namespace scx::sim {
namespace {

SynapseStore store_of(uint32_t ring_entries, uint32_t distinct_weights, size_t n) {
  SynapseStore s;
  for (size_t k = 0; k < n; ++k)
    s.target.push_back({uint32_t(k * 7919 % ring_entries), float(k % distinct_weights) * 0.37f - 5.0f});
  return s;
}

uint32_t bits_of(float w) {
  uint32_t b;
  std::memcpy(&b, &w, sizeof b);
  return b;
}

TEST(SynapseStore, PackedSynapsesDecodeToTheirTargetsAndExactWeights) {
  SynapseStore s = store_of(8000, 6, 5000);  // 13 index bits leave room for 8 weights: these 6, -0, 0
  s.target.push_back({7999, -0.0f});
  s.target.push_back({0, 0.0f});
  const std::vector<SynapseTarget> wide = s.target;
  s.pack(8000);
  ASSERT_TRUE(s.packed());
  EXPECT_TRUE(s.target.empty());
  EXPECT_EQ(s.index_bits, 13u);
  const PackedTargets t{s.code.data(), s.weight_of_id.data(), s.index_bits, (1u << s.index_bits) - 1};
  for (size_t k = 0; k < wide.size(); ++k) {
    EXPECT_EQ(t.index(k), wide[k].ring_index) << k;
    EXPECT_EQ(bits_of(t.weight(k)), bits_of(wide[k].weight)) << k;  // -0 stays -0
  }
  EXPECT_EQ(s.synapse_bytes(3) - s.synapse_bytes(1), 4);
}

TEST(SynapseStore, StoresThatDoNotFitStayWide) {
  SynapseStore many = store_of(8000, 9, 100);  // 9 weights need 4 bits beside 13
  many.pack(8000);
  EXPECT_FALSE(many.packed());
  EXPECT_EQ(many.target.size(), 100u);
  SynapseStore large = store_of(1u << 16, 1, 100);  // the index alone needs 16 bits
  large.pack(1u << 16);
  EXPECT_FALSE(large.packed());
  SynapseStore nan = store_of(100, 1, 3);
  nan.target[1].weight = std::nanf("");
  nan.pack(100);
  ASSERT_TRUE(nan.packed());
  EXPECT_TRUE(std::isnan(nan.weight_of_id[nan.code[1] >> nan.index_bits]));
}

}  // namespace
}  // namespace scx::sim
