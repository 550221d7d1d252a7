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

  // A firing neuron, for the status.
  void fire(uint16_t category) {
    ++firing_;
    if (firing_ == 1)
      first_category_ = category;
    else if (category != first_category_)
      disagree_ = true;
  }
  // KNN mode: every participating neuron fires, so the status is known beforehand.
  void set_firing(uint32_t firing, uint16_t first_category, bool disagree) {
    firing_ = firing;
    first_category_ = first_category;
    disagree_ = disagree;
  }
  // Largest key that can still enter the list; keys are (distance << 16) | category.
  uint64_t threshold() const { return top_.size() < k_ ? UINT64_MAX : key_of(top_.back()); }
  static uint64_t key(uint32_t distance, uint16_t category) { return (uint64_t{distance} << 16) | category; }

  // A firing neuron whose key is at most threshold().
  void consider(uint32_t distance, uint16_t category, bool degenerated, uint32_t neuron_id) {
    if (k_ == 0) return;
    const uint64_t k = key(distance, category);
    size_t pos = top_.size();
    while (pos > 0 && key_of(top_[pos - 1]) > k) --pos;
    if (pos > 0 && key_of(top_[pos - 1]) == k) {  // tie on (distance, category): one merged response
      top_[pos - 1].neuron_id &= neuron_id;
      top_[pos - 1].degenerated = top_[pos - 1].degenerated && degenerated;
      return;
    }
    top_.insert(top_.begin() + static_cast<std::ptrdiff_t>(pos),
                Response{distance, category, degenerated, neuron_id});
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
  static uint64_t key_of(const Response& r) { return key(r.distance, r.category); }
  size_t k_;
  std::vector<Response> top_;
  uint32_t firing_ = 0;
  uint16_t first_category_ = 0;
  bool disagree_ = false;
};

}  // namespace scx::cogmem
