// RCE learning, field shrinking, status codes and response order on hand-made 2-D examples whose outcomes
// follow from the chip rules by hand, plus random cross-checks against a naive reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "silicortex/cogmem/distance.hpp"
#include "silicortex/cogmem/engine.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"

namespace scx::cogmem {
namespace {

using V = std::vector<uint8_t>;

TEST(CogmemEngine, RceCommitsShrinksAndDegenerates) {
  Engine e(NetworkShape::cm1k());
  // First vector: nothing fires, so d_min = MAXIF and the neuron commits with AIF = MAXIF.
  auto o1 = e.learn(V{10, 10}, 1);
  EXPECT_TRUE(o1.committed);
  ASSERT_EQ(e.committed(), 1u);
  EXPECT_EQ(e.store().aif(0), kDefaultMaxif);
  // Second vector at L1 distance 10 with another category: neuron 1 fires (10 < 16384) and shrinks to 10; the
  // new neuron commits with AIF = d_min = 10.
  auto o2 = e.learn(V{20, 10}, 2);
  EXPECT_TRUE(o2.committed);
  EXPECT_EQ(o2.shrunk, 1u);
  ASSERT_EQ(e.committed(), 2u);
  EXPECT_EQ(e.store().aif(0), 10u);
  EXPECT_EQ(e.store().aif(1), 10u);
  EXPECT_EQ(e.store().category(1), 2);
  EXPECT_EQ(e.store().context(1), 1);

  // (14,10): distances 4 and 6, both < 10: uncertain, responses by distance.
  auto r = e.recognize(V{14, 10}, 5);
  EXPECT_EQ(r.status, Status::kUncertain);
  ASSERT_EQ(r.responses.size(), 2u);
  EXPECT_EQ(r.responses[0], (Response{4, 1, false, 1}));
  EXPECT_EQ(r.responses[1], (Response{6, 2, false, 2}));
  // (10,12): distances 2 and 12; only neuron 1 fires.
  r = e.recognize(V{10, 12}, 5);
  EXPECT_EQ(r.status, Status::kIdentified);
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_EQ(r.responses[0].category, 1);
  // Far away: nothing fires.
  r = e.recognize(V{50, 50}, 5);
  EXPECT_EQ(r.status, Status::kUnknown);
  EXPECT_TRUE(r.responses.empty());
  // Distance exactly equal to AIF does not fire (strict <): (10,20) is at 10 from neuron 1, 20 from neuron 2.
  EXPECT_EQ(e.recognize(V{10, 20}, 5).status, Status::kUnknown);

  // (11,10) with category 2: neuron 1 (distance 1) and neuron 2 (distance 9) fire; d_min = 1. Neuron 2 has
  // the taught category, so nothing commits; neuron 1 shrinks to 1 <= MINIF 2, so AIF = 2 and it degenerates.
  auto o3 = e.learn(V{11, 10}, 2);
  EXPECT_FALSE(o3.committed);
  EXPECT_EQ(o3.shrunk, 1u);
  EXPECT_EQ(o3.degenerated, 1u);
  EXPECT_EQ(e.store().aif(0), 2u);
  EXPECT_TRUE(e.store().degenerated(0));
  EXPECT_EQ(e.store().aif(1), 10u);
  r = e.recognize(V{10, 10}, 5);
  EXPECT_EQ(r.status, Status::kIdentified);
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_EQ(r.responses[0].cat_register(), 0x8001);

  // KNN: every neuron fires, nearest first.
  e.set_classifier(Classifier::kKnn);
  r = e.recognize(V{50, 50}, 5);
  EXPECT_EQ(r.status, Status::kUncertain);
  ASSERT_EQ(r.responses.size(), 2u);
  EXPECT_EQ(r.responses[0].distance, 70u);
  EXPECT_EQ(r.responses[0].neuron_id, 2u);
  EXPECT_EQ(r.responses[1].distance, 80u);
}

TEST(CogmemEngine, CounterExampleShrinksWithoutCommitting) {
  Engine e;
  e.learn(V{0, 0}, 3);
  auto o = e.learn(V{5, 0}, 0);
  EXPECT_FALSE(o.committed);
  EXPECT_EQ(e.committed(), 1u);
  EXPECT_EQ(e.store().aif(0), 5u);
}

TEST(CogmemEngine, NewNeuronFieldIsClampedBetweenMinifAndMaxif) {
  Engine e;
  e.set_maxif(30);
  e.set_minif(4);
  e.learn(V{0, 0}, 1);
  EXPECT_EQ(e.store().aif(0), 30u);  // nothing fired: MAXIF
  e.learn(V{1, 0}, 2);               // d_min = 1: clamp to MINIF 4, old neuron degenerates at its MINIF
  EXPECT_EQ(e.store().aif(1), 4u);
  EXPECT_EQ(e.store().minif(1), 4u);
  EXPECT_TRUE(e.store().degenerated(0));
  EXPECT_FALSE(e.store().degenerated(1));
}

TEST(CogmemEngine, ResponsesComeOutByDistanceThenCategoryAndTiesMerge) {
  Engine e;
  auto& s = e.store();
  s.append(V{0, 0}, 1, Norm::kL1, 5, 100, 2);  // id 1
  s.append(V{2, 0}, 1, Norm::kL1, 3, 100, 2);  // id 2
  s.append(V{0, 2}, 1, Norm::kL1, 3, 100, 2);  // id 3
  s.append(V{4, 4}, 1, Norm::kL1, 1, 100, 2);  // id 4
  e.set_classifier(Classifier::kKnn);
  auto r = e.recognize(V{1, 1}, 10);
  EXPECT_EQ(r.firing, 4u);
  ASSERT_EQ(r.responses.size(), 3u);
  EXPECT_EQ(r.responses[0], (Response{2, 3, false, 2 & 3}));  // ids 2 and 3 tie: one response, AND of ids
  EXPECT_EQ(r.responses[1], (Response{2, 5, false, 1}));
  EXPECT_EQ(r.responses[2], (Response{6, 1, false, 4}));
  // k limits the list without changing its head.
  auto r1 = e.recognize(V{1, 1}, 1);
  ASSERT_EQ(r1.responses.size(), 1u);
  EXPECT_EQ(r1.responses[0], r.responses[0]);
}

TEST(CogmemEngine, ContextsRestrictParticipationAndZeroSelectsAll) {
  Engine e;
  e.set_context(1);
  e.learn(V{0, 0}, 1);
  e.set_context(2);
  e.learn(V{0, 0}, 2);  // neuron 1 is in context 1, so it does not fire: commits in context 2
  ASSERT_EQ(e.committed(), 2u);
  EXPECT_EQ(e.store().context(1), 2);
  EXPECT_EQ(e.store().aif(0), kDefaultMaxif);  // untouched
  auto r = e.recognize(V{1, 0}, 5);
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_EQ(r.responses[0].category, 2);
  e.set_context(0);
  EXPECT_EQ(e.recognize(V{1, 0}, 5).status, Status::kUncertain);
}

TEST(CogmemEngine, NeuronsKeepTheNormTheyCommittedWith) {
  Engine e;
  e.set_norm(Norm::kLsup);
  e.learn(V{10, 10}, 1);
  e.set_norm(Norm::kL1);
  auto r = e.recognize(V{14, 13}, 1);
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_EQ(r.responses[0].distance, 4u);  // Lsup, not L1's 7
}

TEST(CogmemEngine, FullNetworkLearnsNothingAndForgetResets) {
  Engine e(NetworkShape{2, 256});
  e.learn(V{0}, 1);
  e.learn(V{100}, 2);
  e.set_minif(5);
  auto o = e.learn(V{200}, 3);
  EXPECT_FALSE(o.committed);
  EXPECT_EQ(e.committed(), 2u);
  EXPECT_TRUE(e.full());
  e.forget();
  EXPECT_EQ(e.committed(), 0u);
  EXPECT_EQ(e.minif(), kDefaultMinif);
  EXPECT_EQ(e.maxif(), kDefaultMaxif);
  EXPECT_EQ(e.context(), 1);
}

TEST(CogmemEngine, BadInputIsAClearError) {
  Engine e(NetworkShape::nm500());
  EXPECT_THROW(e.learn(V(257, 1), 1), Error);
  EXPECT_THROW(e.learn(V{}, 1), Error);
  EXPECT_THROW(e.learn(V{1}, 0x8000), Error);
  EXPECT_THROW(e.set_context(128), Error);
  try {
    e.learn(V(300, 1), 1);
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("300 bytes"), std::string::npos) << err.what();
  }
  Engine soft(NetworkShape::software(1000));
  EXPECT_NO_THROW(soft.learn(V(1000, 1), 1));
  EXPECT_THROW(parse_shape("cm2k", "--chip"), Error);
  EXPECT_EQ(parse_shape("cm1k:4", "--chip").capacity, 4096u);
  EXPECT_EQ(parse_shape("nm500", "--chip").capacity, 576u);
}

// Naive reference: every firing neuron, sorted by (distance, category), ties merged.
std::vector<Response> reference_responses(const Engine& e, const V& q, bool knn) {
  std::map<std::pair<uint32_t, uint16_t>, Response> by_key;
  const auto& s = e.store();
  for (size_t i = 0; i < s.size(); ++i) {
    if (e.context() != 0 && s.context(i) != e.context()) continue;
    const uint32_t d = distance_scalar(s.norm(i), q.data(), s.prototype(i), q.size());
    if (!knn && d >= s.aif(i)) continue;
    auto [it, fresh] = by_key.try_emplace(
        {d, s.category(i)}, Response{d, s.category(i), s.degenerated(i), static_cast<uint32_t>(i + 1)});
    if (!fresh) {
      it->second.neuron_id &= static_cast<uint32_t>(i + 1);
      it->second.degenerated = it->second.degenerated && s.degenerated(i);
    }
  }
  std::vector<Response> out;
  for (auto& [k, r] : by_key) out.push_back(r);
  return out;
}

TEST(CogmemEngine, RecognitionMatchesNaiveReferenceSingleAndBatched) {
  RandomStream rng(3, 4);
  const size_t dim = 37;
  Engine e(NetworkShape::software(), 3);
  // Small byte values force many distance ties.
  for (int i = 0; i < 600; ++i) {
    V v(dim);
    for (auto& b : v) b = static_cast<uint8_t>(rng.below(4));
    e.set_norm(rng.below(4) == 0 ? Norm::kLsup : Norm::kL1);
    e.set_context(1 + static_cast<uint32_t>(rng.below(2)));
    e.learn(v, 1 + static_cast<uint32_t>(rng.below(5)));
  }
  ASSERT_GT(e.committed(), 100u);
  const size_t nq = 70;
  V queries(nq * dim);
  for (auto& b : queries) b = static_cast<uint8_t>(rng.below(4));
  for (Classifier c : {Classifier::kRbf, Classifier::kKnn}) {
    for (uint32_t ctx : {0u, 2u}) {
      e.set_classifier(c);
      e.set_context(ctx);
      std::vector<Recognition> batch(nq);
      e.recognize_batch(queries.data(), nq, dim, dim, 8, batch.data());
      for (size_t q = 0; q < nq; ++q) {
        V v(queries.begin() + static_cast<long>(q * dim), queries.begin() + static_cast<long>((q + 1) * dim));
        auto ref = reference_responses(e, v, c == Classifier::kKnn);
        std::set<uint16_t> cats;
        for (auto& r : ref) cats.insert(r.category);
        const Status want = ref.empty()        ? Status::kUnknown
                            : cats.size() == 1 ? Status::kIdentified
                                               : Status::kUncertain;
        if (ref.size() > 8) ref.resize(8);
        auto single = e.recognize(v, 8);
        ASSERT_EQ(single.responses, ref) << "query " << q;
        ASSERT_EQ(single.status, want);
        ASSERT_EQ(batch[q].responses, ref) << "query " << q;
        ASSERT_EQ(batch[q].status, want);
      }
    }
  }
}

}  // namespace
}  // namespace scx::cogmem

namespace scx::cogmem {
namespace {

TEST(CogmemEngine, SoftwareRowsGrowAndShorterRowsReadAsZeros) {
  Engine e(NetworkShape::software(2000));
  e.set_classifier(Classifier::kKnn);
  e.learn(V(10, 3), 1);  // a 10-byte neuron
  V longer(300, 0);
  longer[0] = 5;
  longer[299] = 7;
  auto r = e.recognize(longer, 1);  // |5-3| + 9 * 3 + 7 = 36 under L1
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_EQ(r.responses[0].distance, 36u);
  e.learn(V(1000, 1), 2);  // widens every row to 1000 bytes; the first neuron keeps its 10 bytes, then zeros
  EXPECT_GE(e.store().row_bytes(), 1000u);
  r = e.recognize(longer, 2);
  ASSERT_EQ(r.responses.size(), 2u);
  EXPECT_EQ(r.responses[0].distance, 36u);
  EXPECT_EQ(r.responses[0].category, 1);
}

}  // namespace
}  // namespace scx::cogmem
