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

// Unused bytes kept on both sides of an array that one thread streams through every step. A core's stream
// prefetcher runs a few lines past the end of what it reads; without a gap those lines are the start of the
// next allocation, often another thread's hot array, and its owner then pays a cross-core miss on each of
// them every step (the lower half of each group updated at a third of the speed of the upper half on 2
// threads).
inline constexpr std::size_t kPrefetchGuardBytes = 1024;

}  // namespace scx
