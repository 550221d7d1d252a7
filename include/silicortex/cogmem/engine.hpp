#pragma once
// The cognitive-memory engine: RCE learning and RBF / KNN recognition exactly as a NeuroMem chain does it, on
// a KnowledgeStore, with SIMD distances and threads over neurons (one query) or over queries (batches).
//
// Chip rules (anchors-hardware.md 3.3):
//  - a committed neuron takes part when GCR's context is 0 or equals the neuron's context; it uses its own
//  norm
//    (NCR bit 7, copied from GCR when it committed);
//  - RBF: it fires when distance < AIF (strict); KNN: every participating neuron fires;
//  - status: identified (all firing neurons share one category), uncertain (they disagree), unknown (none
//  fires);
//  - responses come out by increasing (distance, category); neurons tying on both answer together, with the
//  AND
//    of their identifiers, as on the chip's wired bus;
//  - learning category c: d_min = closest firing distance (MAXIF when none fires); every firing neuron of
//  another
//    category with AIF > d_min shrinks to d_min, floored at its MINIF where it becomes degenerated; if no
//    firing neuron has category c and c != 0 and the network is not full, a neuron commits with AIF =
//    clamp(d_min, MINIF, MAXIF), context and norm from GCR.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "silicortex/cogmem/knowledge_store.hpp"
#include "silicortex/cogmem/types.hpp"

namespace scx::cogmem {

class WorkerPool;
class ResponseCollector;

struct Recognition {
  Status status = Status::kUnknown;
  uint32_t firing = 0;              // firing neurons (before ties are merged)
  std::vector<Response> responses;  // best first, at most the k asked for
};

struct LearnOutcome {
  bool committed = false;
  uint32_t shrunk = 0;       // neurons whose AIF shrank
  uint32_t degenerated = 0;  // of which became degenerated now
};

class Engine {
 public:
  explicit Engine(NetworkShape shape = NetworkShape::cm1k(), unsigned threads = 1);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  const NetworkShape& shape() const { return shape_; }
  void set_threads(unsigned threads);
  unsigned threads() const;

  // Global registers (GCR, MINIF, MAXIF, NSR bit 5). Out-of-range values throw scx::Error.
  void set_context(uint32_t context);
  uint8_t context() const { return context_; }
  void set_norm(Norm norm) { norm_ = norm; }
  Norm norm() const { return norm_; }
  void set_classifier(Classifier c) { classifier_ = c; }
  Classifier classifier() const { return classifier_; }
  void set_minif(uint32_t minif);
  void set_maxif(uint32_t maxif);
  uint32_t minif() const { return minif_; }
  uint32_t maxif() const { return maxif_; }

  // Vectors longer than shape().max_vector_bytes, empty vectors and categories > kMaxCategory throw
  // scx::Error.
  LearnOutcome learn(std::span<const uint8_t> vector, uint32_t category);
  Recognition recognize(std::span<const uint8_t> vector, size_t k) const;
  // `count` vectors of `length` bytes, `row_stride` bytes apart; out[i] for vector i. Threads split the
  // queries.
  void recognize_batch(const uint8_t* vectors, size_t count, size_t length, size_t row_stride, size_t k,
                       Recognition* out) const;
  // Distance from `vector` to every committed neuron (its own norm), whatever its context.
  void distances(std::span<const uint8_t> vector, std::vector<uint32_t>& out) const;

  // FORGET: uncommits every neuron (memory rows are kept) and resets MINIF, MAXIF and GCR to their defaults.
  void forget();
  size_t committed() const { return store_.size(); }
  bool full() const { return store_.size() >= shape_.neuron_limit(); }
  const KnowledgeStore& store() const { return store_; }
  KnowledgeStore& store() { return store_; }  // save-and-restore access; callers keep registers in range

  void check_vector(std::span<const uint8_t> vector) const;

 private:
  bool participates(size_t neuron) const { return context_ == 0 || store_.context(neuron) == context_; }
  // Offers neurons [first, first + count) with distances d to the collector (firing test, context filter).
  void scan(const uint32_t* d, size_t first, size_t count, ResponseCollector& collector) const;
  void set_knn_status(ResponseCollector& collector) const;
  void all_distances(std::span<const uint8_t> vector, std::vector<uint32_t>& out) const;
  // Distances from nq padded queries to neurons [first, first + count), split into runs of one norm.
  void block_distances(const uint8_t* queries, size_t query_stride, size_t nq, size_t first, size_t count,
                       size_t length, uint32_t* out, size_t out_stride) const;

  NetworkShape shape_;
  KnowledgeStore store_;
  std::unique_ptr<WorkerPool> pool_;
  uint8_t context_ = 1;
  Norm norm_ = Norm::kL1;
  Classifier classifier_ = Classifier::kRbf;
  uint32_t minif_ = kDefaultMinif, maxif_ = kDefaultMaxif;
  std::vector<uint32_t> dist_;  // learning scratch
};

}  // namespace scx::cogmem
