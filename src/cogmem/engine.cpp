#include "silicortex/cogmem/engine.hpp"

#include <algorithm>
#include <cstring>

#include "cogmem/response_collector.hpp"
#include "silicortex/cogmem/distance.hpp"
#include "silicortex/cogmem/worker_pool.hpp"
#include "silicortex/core/error.hpp"

namespace scx::cogmem {
namespace {

size_t round_up(size_t n, size_t a) {
  return (n + a - 1) / a * a;
}

// Below this many byte comparisons a single-query scan stays on the calling thread.
constexpr size_t kParallelBytes = size_t{1} << 20;

}  // namespace

Engine::Engine(NetworkShape shape, unsigned threads)
    : shape_(shape),
      store_(std::min(shape.max_vector_bytes, kChipVectorBytes)),
      pool_(std::make_unique<WorkerPool>(threads)) {
  if (shape_.max_vector_bytes == 0) throw_error_at("", 0, 0, "max_vector_bytes", "must be at least 1");
  if (shape_.capacity > kMaxNeuronId)
    throw_error_at("", 0, 0, "capacity", "at most 16777215 neurons (24-bit identifiers)");
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

void Engine::set_threads(unsigned threads) {
  pool_ = std::make_unique<WorkerPool>(threads);
}
unsigned Engine::threads() const {
  return pool_->threads();
}

void Engine::set_context(uint32_t context) {
  if (context > kMaxContext)
    throw_error_at("", 0, 0, "context", "value " + std::to_string(context) + " is out of range 0..127");
  context_ = static_cast<uint8_t>(context);
}

void Engine::set_minif(uint32_t minif) {
  minif_ = minif;
}
void Engine::set_maxif(uint32_t maxif) {
  maxif_ = maxif;
}

void Engine::check_vector(std::span<const uint8_t> vector) const {
  if (vector.empty())
    throw_error_at("", 0, 0, "vector", "is empty (a vector has 1 to the network's maximum bytes)");
  if (vector.size() > shape_.max_vector_bytes)
    throw_error_at("", 0, 0, "vector",
                   "has " + std::to_string(vector.size()) + " bytes, more than the " +
                       std::to_string(shape_.max_vector_bytes) + " a neuron holds in this network");
}

void Engine::block_distances(const uint8_t* queries, size_t query_stride, size_t nq, size_t first,
                             size_t count, size_t length, uint32_t* out, size_t out_stride) const {
  // Rows hold row_bytes(); a longer query meets zeros past them, which adds the same tail to every neuron.
  const size_t common = std::min<size_t>(length, store_.row_bytes());
  size_t p = first;
  const size_t end = first + count;
  while (p < end) {
    const Norm n = store_.norm(p);
    size_t r = p + 1;
    while (r < end && store_.norm(r) == n) ++r;
    distances_block(n, queries, query_stride, nq, store_.prototype(p), store_.stride(), r - p, common,
                    out + (p - first), out_stride);
    p = r;
  }
  if (common == length) return;
  static const uint8_t kZeros[kKernelPadding] = {};
  for (size_t q = 0; q < nq; ++q) {
    const uint8_t* tail = queries + q * query_stride + common;
    uint32_t tail_l1 = 0, tail_max = 0;
    for (size_t i = 0; i < length - common; i += kKernelPadding) {
      const size_t m = std::min(kKernelPadding, length - common - i);
      tail_l1 += l1_distance_scalar(tail + i, kZeros, m);
      tail_max = std::max(tail_max, lsup_distance_scalar(tail + i, kZeros, m));
    }
    for (size_t i = first; i < end; ++i) {
      uint32_t& d = out[q * out_stride + (i - first)];
      d = store_.norm(i) == Norm::kL1 ? d + tail_l1 : std::max(d, tail_max);
    }
  }
}

void Engine::all_distances(std::span<const uint8_t> vector, std::vector<uint32_t>& out) const {
  const size_t n = store_.size();
  out.resize(n);
  std::vector<uint8_t> query(round_up(vector.size(), kKernelPadding), 0);
  std::memcpy(query.data(), vector.data(), vector.size());
  auto scan = [&](size_t b, size_t e, unsigned) {
    block_distances(query.data(), 0, 1, b, e - b, vector.size(), out.data() + b, 0);
  };
  if (n * vector.size() < kParallelBytes)
    scan(0, n, 0);
  else
    pool_->parallel_for(n, scan);
}

void Engine::distances(std::span<const uint8_t> vector, std::vector<uint32_t>& out) const {
  check_vector(vector);
  all_distances(vector, out);
}

LearnOutcome Engine::learn(std::span<const uint8_t> vector, uint32_t category) {
  check_vector(vector);
  if (category > kMaxCategory)
    throw_error_at("", 0, 0, "category", "value " + std::to_string(category) + " is out of range 0..32767");
  all_distances(vector, dist_);
  const bool knn = classifier_ == Classifier::kKnn;
  const size_t n = store_.size();
  bool any_fires = false, same_category_fires = false;
  uint32_t d_min = UINT32_MAX;
  for (size_t i = 0; i < n; ++i) {
    if (!participates(i) || !(knn || dist_[i] < store_.aif(i))) continue;
    any_fires = true;
    d_min = std::min(d_min, dist_[i]);
    same_category_fires |= store_.category(i) == category;
  }
  if (!any_fires) d_min = maxif_;
  LearnOutcome outcome;
  if (any_fires) {
    for (size_t i = 0; i < n; ++i) {
      if (!participates(i) || !(knn || dist_[i] < store_.aif(i))) continue;
      if (store_.category(i) == category || store_.aif(i) <= d_min) continue;
      ++outcome.shrunk;
      uint32_t aif = d_min;
      if (aif <= store_.minif(i)) {
        aif = store_.minif(i);
        if (!store_.degenerated(i)) ++outcome.degenerated;
        store_.set_degenerated(i, true);
      }
      store_.set_aif(i, aif);
    }
  }
  if (!same_category_fires && category != 0 && !full()) {
    const uint32_t aif = std::min(std::max(d_min, minif_), maxif_);
    store_.widen(static_cast<uint32_t>(vector.size()));
    store_.append(vector, context_, norm_, static_cast<uint16_t>(category), aif, minif_);
    outcome.committed = true;
  }
  return outcome;
}

void Engine::scan(const uint32_t* d, size_t first, size_t count, ResponseCollector& collector) const {
  const uint16_t* cats = store_.categories().data() + first;
  const uint8_t* ctxs = store_.contexts().data() + first;
  const uint32_t* aifs = store_.aifs().data() + first;
  uint64_t threshold = collector.threshold();
  auto take = [&](size_t p) {
    if (ResponseCollector::key(d[p], cats[p]) > threshold) return;
    collector.consider(d[p], cats[p], store_.degenerated(first + p), static_cast<uint32_t>(first + p + 1));
    threshold = collector.threshold();
  };
  if (classifier_ == Classifier::kKnn) {  // status comes from set_knn_status()
    for (size_t p = 0; p < count; ++p)
      if (context_ == 0 || ctxs[p] == context_) take(p);
    return;
  }
  for (size_t p = 0; p < count; ++p) {
    if (d[p] >= aifs[p] || (context_ != 0 && ctxs[p] != context_)) continue;
    collector.fire(cats[p]);
    take(p);
  }
}

void Engine::set_knn_status(ResponseCollector& collector) const {
  if (classifier_ != Classifier::kKnn) return;
  uint32_t firing = 0;
  uint16_t first = 0;
  bool disagree = false;
  for (size_t i = 0; i < store_.size(); ++i) {
    if (!participates(i)) continue;
    if (firing++ == 0)
      first = store_.category(i);
    else
      disagree |= store_.category(i) != first;
  }
  collector.set_firing(firing, first, disagree);
}

Recognition Engine::recognize(std::span<const uint8_t> vector, size_t k) const {
  check_vector(vector);
  std::vector<uint32_t> dist;
  all_distances(vector, dist);
  ResponseCollector collector(k);
  set_knn_status(collector);
  scan(dist.data(), 0, dist.size(), collector);
  return collector.finish();
}

void Engine::recognize_batch(const uint8_t* vectors, size_t count, size_t length, size_t row_stride, size_t k,
                             Recognition* out) const {
  if (count == 0) return;
  check_vector({vectors, length});
  const size_t qstride = round_up(length, kKernelPadding);
  const size_t n = store_.size();
  ResponseCollector fresh(k);
  set_knn_status(fresh);
  // Blocks sized for L2: kGroup queries (about 50 KiB at 784 bytes) against kBlock prototypes (about 100
  // KiB).
  constexpr size_t kGroup = 64, kBlock = 128;
  pool_->parallel_for(count, [&](size_t begin, size_t end, unsigned) {
    std::vector<uint8_t> queries(kGroup * qstride, 0);
    std::vector<uint32_t> dist(kGroup * kBlock);
    std::vector<ResponseCollector> collectors;
    for (size_t g = begin; g < end; g += kGroup) {
      const size_t ng = std::min(kGroup, end - g);
      for (size_t q = 0; q < ng; ++q)
        std::memcpy(&queries[q * qstride], vectors + (g + q) * row_stride, length);
      collectors.assign(ng, fresh);
      for (size_t p0 = 0; p0 < n; p0 += kBlock) {
        const size_t nb = std::min(kBlock, n - p0);
        block_distances(queries.data(), qstride, ng, p0, nb, length, dist.data(), kBlock);
        for (size_t q = 0; q < ng; ++q) scan(&dist[q * kBlock], p0, nb, collectors[q]);
      }
      for (size_t q = 0; q < ng; ++q) out[g + q] = collectors[q].finish();
    }
  });
}

void Engine::forget() {
  store_.clear();
  minif_ = kDefaultMinif;
  maxif_ = kDefaultMaxif;
  context_ = 1;
  norm_ = Norm::kL1;
}

}  // namespace scx::cogmem
