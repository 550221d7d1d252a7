#pragma once
// Gathers the firing neurons of one recognition: the status (do they agree on one category?) and the k best
// responses by (distance, category), merging neurons that tie on both as the chip's search-and-sort bus does.
#include <cstdint>
#include <vector>

#include "silicortex/cogmem/engine.hpp"

namespace scx::cogmem {

class ResponseCollector {
 public:
  explicit ResponseCollector(size_t k) : k_(k) { top_.reserve(k + 1); }

  void offer(uint32_t distance, uint16_t category, bool degenerated, uint32_t neuron_id) {
    ++firing_;
    if (firing_ == 1) first_category_ = category;
    else if (category != first_category_) disagree_ = true;
    if (k_ == 0) return;
    const uint64_t key = (uint64_t{distance} << 16) | category;
    if (top_.size() == k_ && key > key_of(top_.back())) return;
    size_t pos = top_.size();
    while (pos > 0 && key_of(top_[pos - 1]) > key) --pos;
    if (pos > 0 && key_of(top_[pos - 1]) == key) {  // tie on (distance, category): one merged response
      top_[pos - 1].neuron_id &= neuron_id;
      top_[pos - 1].degenerated = top_[pos - 1].degenerated && degenerated;
      return;
    }
    top_.insert(top_.begin() + static_cast<std::ptrdiff_t>(pos), Response{distance, category, degenerated, neuron_id});
    if (top_.size() > k_) top_.pop_back();
  }

  Recognition finish() {
    Recognition r;
    r.firing = firing_;
    r.status = firing_ == 0 ? Status::kUnknown : disagree_ ? Status::kUncertain : Status::kIdentified;
    r.responses = std::move(top_);
    return r;
  }

 private:
  static uint64_t key_of(const Response& r) { return (uint64_t{r.distance} << 16) | r.category; }
  size_t k_;
  std::vector<Response> top_;
  uint32_t firing_ = 0;
  uint16_t first_category_ = 0;
  bool disagree_ = false;
};

}  // namespace scx::cogmem
