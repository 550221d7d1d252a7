// Connector statistics and value distributions.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "silicortex/core/error.hpp"
#include "silicortex/sim/connectivity.hpp"

namespace scx::sim {
namespace {

model::Projection proj(model::Connector c, bool same_pop = false) {
  model::Projection p;
  p.name = "test";
  p.pre = "a";
  p.post = same_pop ? "a" : "b";
  p.connector = std::move(c);
  return p;
}

TEST(Connectivity, FixedProbabilityCountIsBinomial) {
  const uint32_t n_pre = 1000, n_post = 800;
  const double p = 0.02;
  const auto s = build_synapses(proj(model::FixedProbability{p, true}), n_pre, n_post, 0.1, 3, 0);
  const double mean = p * n_pre * n_post, sd = std::sqrt(mean * (1 - p));
  EXPECT_NEAR(static_cast<double>(s.size()), mean, 5 * sd);
  // Each pre neuron's out-degree follows Binomial(n_post, p): check its variance too.
  std::vector<int> out(n_pre, 0);
  for (uint32_t i : s.pre) ++out[i];
  double m = 0, v = 0;
  for (int o : out) m += o;
  m /= n_pre;
  for (int o : out) v += (o - m) * (o - m);
  v /= n_pre - 1;
  EXPECT_NEAR(v, n_post * p * (1 - p), 0.15 * n_post * p);
  std::set<std::pair<uint32_t, uint32_t>> unique;
  for (size_t k = 0; k < s.size(); ++k) unique.insert({s.pre[k], s.post[k]});
  EXPECT_EQ(unique.size(), s.size()) << "no duplicate synapses";
}

TEST(Connectivity, SelfConnectionsAreExcludedWhenAsked) {
  const auto s = build_synapses(proj(model::FixedProbability{0.5, false}, true), 200, 200, 0.1, 1, 0);
  for (size_t k = 0; k < s.size(); ++k) EXPECT_NE(s.pre[k], s.post[k]);
  const auto all = build_synapses(proj(model::AllToAll{false}, true), 50, 50, 0.1, 1, 0);
  EXPECT_EQ(all.size(), 50u * 49u);
}

TEST(Connectivity, FixedInDegreeGivesExactlyNDistinctInputs) {
  const auto s = build_synapses(proj(model::FixedInDegree{30, false}, true), 500, 500, 0.1, 9, 2);
  std::vector<std::set<uint32_t>> in(500);
  for (size_t k = 0; k < s.size(); ++k) {
    EXPECT_NE(s.pre[k], s.post[k]);
    in[s.post[k]].insert(s.pre[k]);
  }
  for (const auto& set : in) EXPECT_EQ(set.size(), 30u);
  EXPECT_EQ(s.size(), 500u * 30u);
  // Pre neurons are drawn uniformly: each is used about 30 times.
  std::vector<int> use(500, 0);
  for (uint32_t i : s.pre) ++use[i];
  double chi2 = 0;
  for (int u : use) chi2 += (u - 30.0) * (u - 30.0) / 30.0;
  EXPECT_LT(chi2, 500 + 5 * std::sqrt(2 * 500.0));
}

TEST(Connectivity, FixedOutDegreeGivesExactlyNDistinctTargets) {
  const auto s = build_synapses(proj(model::FixedOutDegree{499}), 10, 500, 0.1, 4, 0);  // dense: shuffle path
  std::vector<std::set<uint32_t>> out(10);
  for (size_t k = 0; k < s.size(); ++k) out[s.pre[k]].insert(s.post[k]);
  for (const auto& set : out) EXPECT_EQ(set.size(), 499u);
}

TEST(Connectivity, OneToOneAllToAllAndList) {
  const auto one = build_synapses(proj(model::OneToOne{}), 7, 7, 0.1, 1, 0);
  ASSERT_EQ(one.size(), 7u);
  for (size_t k = 0; k < 7; ++k) EXPECT_EQ(one.pre[k], one.post[k]);
  EXPECT_EQ(build_synapses(proj(model::AllToAll{}), 7, 9, 0.1, 1, 0).size(), 63u);
  const auto list = build_synapses(proj(model::FromList{{0, 2, 2}, {1, 0, 1}}), 3, 3, 0.1, 1, 0);
  EXPECT_EQ(list.pre, (std::vector<uint32_t>{0, 2, 2}));
  EXPECT_EQ(list.post, (std::vector<uint32_t>{1, 0, 1}));
}

TEST(Connectivity, WeightAndDelayDistributions) {
  auto p = proj(model::AllToAll{});
  p.weight = model::Uniform{2.0, 4.0};
  p.delay_ms = model::Normal{1.5, 0.3};
  const auto s = build_synapses(p, 100, 100, 0.1, 11, 0);
  double sum = 0, lo = 1e9, hi = -1e9, dsum = 0;
  for (size_t k = 0; k < s.size(); ++k) {
    sum += s.weight[k];
    lo = std::min<double>(lo, s.weight[k]);
    hi = std::max<double>(hi, s.weight[k]);
    dsum += s.delay_steps[k];
    EXPECT_GE(s.delay_steps[k], 1);
  }
  EXPECT_NEAR(sum / s.size(), 3.0, 0.02);
  EXPECT_GE(lo, 2.0);
  EXPECT_LE(hi, 4.0);
  EXPECT_NEAR(dsum / s.size(), 15.0, 0.1);
  p.weight = model::ValueArray{{1.0, 2.0}};
  EXPECT_THROW(build_synapses(p, 100, 100, 0.1, 11, 0), Error);
}

TEST(Connectivity, SameSeedSameSynapsesOtherSeedOther) {
  auto p = proj(model::FixedProbability{0.1});
  const auto a = build_synapses(p, 300, 300, 0.1, 5, 1), b = build_synapses(p, 300, 300, 0.1, 5, 1);
  const auto c = build_synapses(p, 300, 300, 0.1, 6, 1);
  EXPECT_EQ(a.post, b.post);
  EXPECT_NE(a.post, c.post);
}

}  // namespace
}  // namespace scx::sim
