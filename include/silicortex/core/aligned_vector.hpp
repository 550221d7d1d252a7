#pragma once
// std::vector storage aligned to cache lines, for arrays that several threads write in disjoint, line-aligned
// shares (no line is then written by two threads) and that SIMD code loads with aligned instructions.
#include <cstddef>
#include <new>
#include <vector>

namespace scx {

template <class T, std::size_t kAlign = 64>
struct CacheAlignedAllocator {
  using value_type = T;
  CacheAlignedAllocator() = default;
  template <class U>
  CacheAlignedAllocator(const CacheAlignedAllocator<U, kAlign>&) {}
  template <class U>
  struct rebind {
    using other = CacheAlignedAllocator<U, kAlign>;
  };
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{kAlign}));
  }
  void deallocate(T* p, std::size_t) { ::operator delete (p, std::align_val_t{kAlign}); }
  friend bool operator==(const CacheAlignedAllocator&, const CacheAlignedAllocator&) { return true; }
};

template <class T>
using AlignedVector = std::vector<T, CacheAlignedAllocator<T>>;

}  // namespace scx
