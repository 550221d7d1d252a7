#pragma once
// Dataset-independent pieces of the applications: byte datasets, feature scaling, folds, voting over the
// chip's responses, train/test runs, novelty scores and ROC AUC. Loading files is the io layer's job.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "silicortex/cogmem/engine.hpp"

namespace scx::cogmem {

// Byte vectors with 1-based categories (category 0 means "counter-example" to the chip, so classes are
// shifted).
struct ByteDataset {
  size_t samples = 0, dim = 0;
  std::vector<uint8_t> x;   // samples x dim
  std::vector<uint16_t> y;  // category per sample, >= 1
  const uint8_t* row(size_t i) const { return x.data() + i * dim; }
  ByteDataset subset(const std::vector<size_t>& rows) const;
};

// Per-feature min-max scaling to 0..255 fitted on `fit_rows` (the training fold only) and applied to all
// rows.
ByteDataset scale_to_bytes(const std::vector<double>& x, const std::vector<int>& labels, size_t features,
                           const std::vector<size_t>& fit_rows);

// Fold of each sample: its rank among the samples of its class, modulo k (stratified, no shuffling; easy to
// reproduce in other tools).
std::vector<int> stratified_folds(const std::vector<uint16_t>& labels, int k);

// Category chosen from a recognition: 0 when unknown; otherwise the majority among the first `k` responses,
// ties going to the category whose first response is nearest.
uint16_t vote(const Recognition& r, size_t k);

struct EvalReport {
  size_t committed = 0, degenerated = 0;
  size_t tested = 0, correct = 0, identified = 0, uncertain = 0, unknown = 0;
  double learn_seconds = 0, test_seconds = 0;
  double accuracy() const {
    return tested ? double(correct) / double(tested) : 0;
  }  // unknown counts as wrong
  double recognised_accuracy() const {
    return tested > unknown ? double(correct) / double(tested - unknown) : 0;
  }
};

// One learning pass over `train` (in RBF mode, as the chip learns), then recognition of `test` in `mode` with
// k responses read and voted. `progress(done, total)` is called during both phases when given.
EvalReport train_and_test(Engine& engine, const ByteDataset& train, const ByteDataset& test, Classifier mode,
                          size_t k, const std::function<void(size_t, size_t)>& progress = {});

// Novelty score of a vector: min over participating neurons of distance / AIF. The chip answers "unknown"
// exactly when the score is >= 1; scaling every AIF by s moves that threshold to s, which traces the ROC
// curve.
double novelty_score(const Engine& engine, std::span<const uint8_t> vector);

// Area under the ROC curve of `scores` for telling positives (true) from negatives; ties count one half.
double roc_auc(const std::vector<double>& scores, const std::vector<bool>& positive);

}  // namespace scx::cogmem
