#pragma once
// Adam (Kingma & Ba 2015) with bias correction. Its state is part of a checkpoint so that resuming is
// bit-exact.
#include <cstdint>
#include <vector>

#include "silicortex/train/spec.hpp"

namespace scx::train {

class Adam {
 public:
  Adam(AdamSpec spec, size_t params) : spec_(spec), m_(params, 0.0f), v_(params, 0.0f) {}
  void step(std::vector<float>& params, const std::vector<float>& grad);
  // The learning rate for the coming steps: spec.lr * spec.lr_decay^epoch.
  void set_epoch(int epoch);

  uint64_t steps() const { return t_; }
  const std::vector<float>& m() const { return m_; }
  const std::vector<float>& v() const { return v_; }
  void restore(uint64_t steps, std::vector<float> m, std::vector<float> v);

 private:
  AdamSpec spec_;
  float lr_ = spec_.lr;
  std::vector<float> m_, v_;
  uint64_t t_ = 0;
};

}  // namespace scx::train
