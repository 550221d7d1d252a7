#pragma once
// Named, 64-byte aligned, zero-padded float arrays: the SoA state of a neuron group. Each array has
// kPrefetchGuardBytes of unused space on both sides: each thread owns an instance of the group.
#include <hwy/aligned_allocator.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "silicortex/core/aligned_vector.hpp"

namespace scx::sim {

class SoaArrays {
 public:
  explicit SoaArrays(uint32_t padded_size) : padded_size_(padded_size) {}

  float* add(std::string name, float initial) {
    auto arr = hwy::AllocateAligned<float>(padded_size_ + 2 * kGuard);
    float* raw = arr.get() + kGuard;
    std::fill(arr.get(), arr.get() + padded_size_ + 2 * kGuard, 0.0f);
    std::fill(raw, raw + padded_size_, initial);
    arrays_.push_back({std::move(name), std::move(arr), raw});
    return raw;
  }

  float* find(const std::string& name) {
    for (auto& a : arrays_)
      if (a.name == name) return a.at;
    return nullptr;
  }

  // Moves an array's values to memory the caller owns (padded_size entries, aligned like ours), which holds
  // the array from then on.
  float* move_to(const std::string& name, float* elsewhere) {
    for (auto& a : arrays_) {
      if (a.name != name) continue;
      std::copy(a.at, a.at + padded_size_, elsewhere);
      a.own.reset();
      return a.at = elsewhere;
    }
    return nullptr;
  }

 private:
  static constexpr uint32_t kGuard = kPrefetchGuardBytes / sizeof(float);
  struct Array {
    std::string name;
    hwy::AlignedFreeUniquePtr<float[]> own;  // null once moved elsewhere
    float* at;
  };
  uint32_t padded_size_;
  std::vector<Array> arrays_;
};

}  // namespace scx::sim
