#pragma once
// The neurons' knowledge as structure-of-arrays: prototypes in one contiguous, 64-byte aligned block (one row
// of `stride()` bytes per neuron, zero padded, so SIMD kernels may load whole vectors up to the row end), and
// the per-neuron registers NCR (context + norm), CAT (+ degenerated flag), AIF and MINIF in parallel arrays.
// Only committed neurons are stored; neuron i has the chip identifier i + 1.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "silicortex/cogmem/types.hpp"

namespace scx::cogmem {

struct AlignedFree {
  void operator()(uint8_t* p) const;
};

class KnowledgeStore {
 public:
  explicit KnowledgeStore(uint32_t row_bytes = kChipVectorBytes);
  KnowledgeStore(const KnowledgeStore& other);
  KnowledgeStore& operator=(const KnowledgeStore& other);
  KnowledgeStore(KnowledgeStore&&) noexcept = default;
  KnowledgeStore& operator=(KnowledgeStore&&) noexcept = default;

  static constexpr size_t kAlign = 64;
  size_t size() const { return categories_.size(); }
  uint32_t row_bytes() const { return row_bytes_; }  // bytes each neuron can hold
  size_t stride() const { return stride_; }          // row_bytes rounded up to kAlign

  // Appends a neuron; bytes beyond `bytes` keep what the row held before (zero for a fresh row), as the
  // chip's ready-to-learn neuron keeps memory that FORGET did not clear.
  void append(std::span<const uint8_t> bytes, uint8_t context, Norm norm, uint16_t category, uint32_t aif,
              uint32_t minif);
  // Uncommits every neuron; the memory rows stay (FORGET does not clear memory) and are reused by append().
  void clear();
  // Drops the rows as well (the SR-mode "clear memory" sequence).
  void clear_memory();
  // Makes rows at least `row_bytes` wide (software mode grows rows to the longest vector seen); new bytes are
  // 0.
  void widen(uint32_t row_bytes);

  const uint8_t* prototypes() const { return rows_.get(); }
  const uint8_t* prototype(size_t i) const { return rows_.get() + i * stride_; }
  uint8_t* prototype(size_t i) { return rows_.get() + i * stride_; }
  uint8_t context(size_t i) const { return contexts_[i]; }
  Norm norm(size_t i) const { return norms_[i]; }
  uint16_t category(size_t i) const { return categories_[i]; }
  bool degenerated(size_t i) const { return degenerated_[i] != 0; }
  uint32_t aif(size_t i) const { return aifs_[i]; }
  uint32_t minif(size_t i) const { return minifs_[i]; }
  std::span<const uint32_t> aifs() const { return aifs_; }
  std::span<const uint16_t> categories() const { return categories_; }
  std::span<const uint8_t> contexts() const { return contexts_; }

  void set_context(size_t i, uint8_t c) { contexts_[i] = c; }
  void set_norm(size_t i, Norm n) { norms_[i] = n; }
  void set_category(size_t i, uint16_t c) { categories_[i] = c; }
  void set_degenerated(size_t i, bool d) { degenerated_[i] = d ? 1 : 0; }
  void set_aif(size_t i, uint32_t a) { aifs_[i] = a; }
  void set_minif(size_t i, uint32_t m) { minifs_[i] = m; }
  size_t degenerated_count() const;

 private:
  void reserve_rows(size_t rows);
  uint32_t row_bytes_;
  size_t stride_;
  size_t row_capacity_ = 0;  // rows allocated
  size_t rows_written_ = 0;  // rows that ever held a neuron (kept across clear())
  std::unique_ptr<uint8_t[], AlignedFree> rows_;
  std::vector<uint8_t> contexts_;
  std::vector<Norm> norms_;
  std::vector<uint16_t> categories_;
  std::vector<uint8_t> degenerated_;
  std::vector<uint32_t> aifs_, minifs_;
};

}  // namespace scx::cogmem
