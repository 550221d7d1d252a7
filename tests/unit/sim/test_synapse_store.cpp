// The packed synapse layouts: every synapse decodes to its target and exact weight in the smallest code
// that holds them (16 or 32 bits), and stores that fit neither keep the wide layout.
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

// The wide store packed as the engine builds stores: each weight into the table, then the codes; a store
// whose weights the table cannot take stays wide.
void pack(SynapseStore& s, uint32_t ring_entries) {
  WeightTable table(ring_entries);
  for (const SynapseTarget& t : s.target)
    if (!table.add(t.weight)) return;
  const std::vector<SynapseTarget> wide = std::move(s.target);
  s.start_packed(table, wide.size());
  for (size_t k = 0; k < wide.size(); ++k) s.set_packed(k, table.code(wide[k].ring_index, wide[k].weight));
}

uint32_t bits_of(float w) {
  uint32_t b;
  std::memcpy(&b, &w, sizeof b);
  return b;
}

template <class Code>
void expect_decodes(const SynapseStore& s, const std::vector<Code>& code,
                    const std::vector<SynapseTarget>& wide) {
  ASSERT_EQ(code.size(), wide.size());
  EXPECT_TRUE(s.target.empty());
  const auto t = packed_targets(code, s);
  for (size_t k = 0; k < wide.size(); ++k) {
    EXPECT_EQ(t.index(k), wide[k].ring_index) << k;
    EXPECT_EQ(bits_of(t.weight(k)), bits_of(wide[k].weight)) << k;  // -0 stays -0
  }
  EXPECT_EQ(s.synapse_bytes(3) - s.synapse_bytes(1), long(2 * sizeof(Code)));
}

TEST(SynapseStore, SixteenBitCodesWhenIndexAndWeightsFit) {
  SynapseStore s = store_of(8000, 6, 5000);  // 13 index bits leave room for 8 weights: these 6, -0, 0
  s.target.push_back({7999, -0.0f});
  s.target.push_back({0, 0.0f});
  const std::vector<SynapseTarget> wide = s.target;
  pack(s, 8000);
  EXPECT_TRUE(s.code32.empty());
  EXPECT_EQ(s.index_bits, 13u);
  expect_decodes(s, s.code16, wide);
}

TEST(SynapseStore, ThirtyTwoBitCodesForLargerNetworksOrMoreWeights) {
  SynapseStore large = store_of(80000, 2, 3000);  // 17 index bits
  const std::vector<SynapseTarget> wide = large.target;
  pack(large, 80000);
  EXPECT_TRUE(large.code16.empty());
  expect_decodes(large, large.code32, wide);
  SynapseStore many = store_of(8000, 9, 100);  // 9 weights need 4 bits beside 13
  const std::vector<SynapseTarget> many_wide = many.target;
  pack(many, 8000);
  expect_decodes(many, many.code32, many_wide);
  SynapseStore nan = store_of(100, 1, 3);
  nan.target[1].weight = std::nanf("");
  pack(nan, 100);
  ASSERT_EQ(nan.code16.size(), 3u);
  EXPECT_TRUE(std::isnan(nan.weight_of_id[nan.code16[1] >> nan.index_bits]));
}

TEST(SynapseStore, StoresThatFitNoCodeStayWide) {
  SynapseStore s = store_of(1u << 28, 40, 5000);  // 28 index bits and 6 weight bits: 34
  pack(s, 1u << 28);
  EXPECT_TRUE(s.code16.empty() && s.code32.empty());
  EXPECT_EQ(s.target.size(), 5000u);
  // Weights from a distribution: a table that large would cost a cache miss per synapse.
  SynapseStore drawn = store_of(8000, 5000, 5000);
  pack(drawn, 8000);
  EXPECT_TRUE(drawn.code16.empty() && drawn.code32.empty());
  EXPECT_EQ(drawn.target.size(), 5000u);
}

}  // namespace
}  // namespace scx::sim
