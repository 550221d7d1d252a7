#include "silicortex/cogmem/knowledge_store.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "silicortex/core/error.hpp"

namespace scx::cogmem {

void AlignedFree::operator()(uint8_t* p) const {
  std::free(p);
}

KnowledgeStore::KnowledgeStore(uint32_t row_bytes)
    : row_bytes_(row_bytes), stride_((std::max<size_t>(row_bytes, 1) + kAlign - 1) / kAlign * kAlign) {}

KnowledgeStore::KnowledgeStore(const KnowledgeStore& other) : KnowledgeStore(other.row_bytes_) {
  *this = other;
}

KnowledgeStore& KnowledgeStore::operator=(const KnowledgeStore& other) {
  if (this == &other) return *this;
  row_bytes_ = other.row_bytes_;
  stride_ = other.stride_;
  rows_.reset();
  row_capacity_ = rows_written_ = 0;
  reserve_rows(other.rows_written_);
  if (other.rows_written_ > 0) std::memcpy(rows_.get(), other.rows_.get(), other.rows_written_ * stride_);
  rows_written_ = other.rows_written_;
  contexts_ = other.contexts_;
  norms_ = other.norms_;
  categories_ = other.categories_;
  degenerated_ = other.degenerated_;
  aifs_ = other.aifs_;
  minifs_ = other.minifs_;
  return *this;
}

void KnowledgeStore::reserve_rows(size_t rows) {
  if (rows <= row_capacity_) return;
  const size_t cap = std::max<size_t>({rows, row_capacity_ * 2, 64});
  auto* p = static_cast<uint8_t*>(std::aligned_alloc(kAlign, cap * stride_));
  if (p == nullptr) throw std::bad_alloc();
  std::unique_ptr<uint8_t[], AlignedFree> fresh(p);
  if (rows_written_ > 0) std::memcpy(p, rows_.get(), rows_written_ * stride_);
  std::memset(p + rows_written_ * stride_, 0, (cap - rows_written_) * stride_);
  rows_ = std::move(fresh);
  row_capacity_ = cap;
}

void KnowledgeStore::append(std::span<const uint8_t> bytes, uint8_t context, Norm norm, uint16_t category,
                            uint32_t aif, uint32_t minif) {
  SCX_ASSERT(bytes.size() <= row_bytes_);
  const size_t i = size();
  reserve_rows(i + 1);
  std::memcpy(prototype(i), bytes.data(), bytes.size());
  rows_written_ = std::max(rows_written_, i + 1);
  contexts_.push_back(context);
  norms_.push_back(norm);
  categories_.push_back(category);
  degenerated_.push_back(0);
  aifs_.push_back(aif);
  minifs_.push_back(minif);
}

void KnowledgeStore::clear() {
  contexts_.clear();
  norms_.clear();
  categories_.clear();
  degenerated_.clear();
  aifs_.clear();
  minifs_.clear();
}

void KnowledgeStore::clear_memory() {
  clear();
  if (rows_) std::memset(rows_.get(), 0, row_capacity_ * stride_);
  rows_written_ = 0;
}

void KnowledgeStore::widen(uint32_t row_bytes) {
  if (row_bytes <= row_bytes_) return;
  KnowledgeStore wide(row_bytes);
  wide.reserve_rows(std::max(rows_written_, row_capacity_));
  for (size_t i = 0; i < rows_written_; ++i) std::memcpy(wide.prototype(i), prototype(i), row_bytes_);
  wide.rows_written_ = rows_written_;
  rows_ = std::move(wide.rows_);
  row_capacity_ = wide.row_capacity_;
  row_bytes_ = row_bytes;
  stride_ = wide.stride_;
}

size_t KnowledgeStore::degenerated_count() const {
  return static_cast<size_t>(std::count(degenerated_.begin(), degenerated_.end(), uint8_t{1}));
}

}  // namespace scx::cogmem
