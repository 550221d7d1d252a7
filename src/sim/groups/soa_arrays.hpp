#pragma once
// Named, 64-byte aligned, zero-padded float arrays: the SoA state of a neuron group.
#include <hwy/aligned_allocator.h>

#include <string>
#include <utility>
#include <vector>

namespace scx::sim {

class SoaArrays {
 public:
  explicit SoaArrays(uint32_t padded_size) : padded_size_(padded_size) {}

  float* add(std::string name, float initial) {
    auto arr = hwy::AllocateAligned<float>(padded_size_);
    for (uint32_t i = 0; i < padded_size_; ++i) arr[i] = initial;
    float* raw = arr.get();
    arrays_.emplace_back(std::move(name), std::move(arr));
    return raw;
  }

  float* find(const std::string& name) {
    for (auto& [n, arr] : arrays_)
      if (n == name) return arr.get();
    return nullptr;
  }

 private:
  uint32_t padded_size_;
  std::vector<std::pair<std::string, hwy::AlignedFreeUniquePtr<float[]>>> arrays_;
};

}  // namespace scx::sim
