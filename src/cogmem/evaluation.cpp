#include "silicortex/cogmem/evaluation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "silicortex/core/error.hpp"

namespace scx::cogmem {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

ByteDataset ByteDataset::subset(const std::vector<size_t>& rows) const {
  ByteDataset d;
  d.dim = dim;
  d.samples = rows.size();
  d.x.reserve(rows.size() * dim);
  for (size_t r : rows) {
    d.x.insert(d.x.end(), row(r), row(r) + dim);
    d.y.push_back(y[r]);
  }
  return d;
}

ByteDataset scale_to_bytes(const std::vector<double>& x, const std::vector<int>& labels, size_t features,
                           const std::vector<size_t>& fit_rows) {
  SCX_ASSERT(x.size() == labels.size() * features);
  std::vector<double> lo(features, std::numeric_limits<double>::infinity()), hi(features, -lo[0]);
  for (size_t r : fit_rows)
    for (size_t f = 0; f < features; ++f) {
      lo[f] = std::min(lo[f], x[r * features + f]);
      hi[f] = std::max(hi[f], x[r * features + f]);
    }
  ByteDataset d;
  d.samples = labels.size();
  d.dim = features;
  d.x.resize(x.size());
  for (size_t i = 0; i < d.samples; ++i) {
    if (labels[i] < 0 || labels[i] >= kMaxCategory) throw_error_at("", 0, 0, "label", "out of range");
    d.y.push_back(static_cast<uint16_t>(labels[i] + 1));
    for (size_t f = 0; f < features; ++f) {
      const double span = hi[f] - lo[f];
      const double v = span > 0 ? (x[i * features + f] - lo[f]) / span * 255.0 : 0.0;
      d.x[i * features + f] = static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
    }
  }
  return d;
}

std::vector<int> stratified_folds(const std::vector<uint16_t>& labels, int k) {
  std::map<uint16_t, int> seen;
  std::vector<int> folds(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) folds[i] = seen[labels[i]]++ % k;
  return folds;
}

uint16_t vote(const Recognition& r, size_t k) {
  if (r.status == Status::kUnknown || r.responses.empty()) return 0;
  const size_t n = std::min(k == 0 ? 1 : k, r.responses.size());
  std::map<uint16_t, std::pair<size_t, size_t>> tally;  // category -> (votes, -first position)
  for (size_t i = 0; i < n; ++i) {
    auto [it, fresh] = tally.try_emplace(r.responses[i].category, 0, i);
    ++it->second.first;
  }
  uint16_t best = r.responses[0].category;
  size_t best_votes = 0, best_pos = 0;
  for (const auto& [cat, vp] : tally)
    if (vp.first > best_votes || (vp.first == best_votes && vp.second < best_pos)) {
      best = cat;
      best_votes = vp.first;
      best_pos = vp.second;
    }
  return best;
}

EvalReport train_and_test(Engine& engine, const ByteDataset& train, const ByteDataset& test, Classifier mode,
                          size_t k, const std::function<void(size_t, size_t)>& progress) {
  EvalReport rep;
  const size_t total = train.samples + test.samples;
  engine.set_classifier(Classifier::kRbf);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < train.samples; ++i) {
    engine.learn({train.row(i), train.dim}, train.y[i]);
    if (progress && i % 64 == 0) progress(i, total);
  }
  rep.learn_seconds = seconds_since(t0);
  rep.committed = engine.committed();
  rep.degenerated = engine.store().degenerated_count();
  engine.set_classifier(mode);
  t0 = std::chrono::steady_clock::now();
  constexpr size_t kChunk = 512;
  std::vector<Recognition> out(kChunk);
  for (size_t b = 0; b < test.samples; b += kChunk) {
    const size_t n = std::min(kChunk, test.samples - b);
    engine.recognize_batch(test.row(b), n, test.dim, test.dim, std::max<size_t>(k, 1), out.data());
    for (size_t i = 0; i < n; ++i) {
      const Recognition& r = out[i];
      rep.identified += r.status == Status::kIdentified;
      rep.uncertain += r.status == Status::kUncertain;
      rep.unknown += r.status == Status::kUnknown;
      rep.correct += vote(r, k) == test.y[b + i];
    }
    if (progress) progress(train.samples + b + n, total);
  }
  rep.tested = test.samples;
  rep.test_seconds = seconds_since(t0);
  return rep;
}

double novelty_score(const Engine& engine, std::span<const uint8_t> vector) {
  std::vector<uint32_t> dist;
  engine.distances(vector, dist);
  const auto& s = engine.store();
  double best = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < dist.size(); ++i) {
    if (engine.context() != 0 && s.context(i) != engine.context()) continue;
    best = std::min(best, static_cast<double>(dist[i]) / std::max<uint32_t>(s.aif(i), 1));
  }
  return best;
}

double roc_auc(const std::vector<double>& scores, const std::vector<bool>& positive) {
  SCX_ASSERT(scores.size() == positive.size());
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Mann-Whitney U with average ranks for ties.
  double rank_sum = 0;
  size_t pos = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    const double avg_rank = 0.5 * static_cast<double>(i + 1 + j);
    for (size_t t = i; t < j; ++t)
      if (positive[order[t]]) {
        rank_sum += avg_rank;
        ++pos;
      }
    i = j;
  }
  const size_t neg = scores.size() - pos;
  if (pos == 0 || neg == 0) return 0.5;
  return (rank_sum - 0.5 * static_cast<double>(pos) * static_cast<double>(pos + 1)) /
         (static_cast<double>(pos) * static_cast<double>(neg));
}

}  // namespace scx::cogmem
