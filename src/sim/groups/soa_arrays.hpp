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
    arrays_.emplace_back(std::move(name), std::move(arr));
    return raw;
  }

  float* find(const std::string& name) {
    for (auto& [n, arr] : arrays_)
      if (n == name) return arr.get() + kGuard;
    return nullptr;
  }

 private:
  static constexpr uint32_t kGuard = kPrefetchGuardBytes / sizeof(float);
  uint32_t padded_size_;
  std::vector<std::pair<std::string, hwy::AlignedFreeUniquePtr<float[]>>> arrays_;
};

}  // namespace scx::sim
