#pragma once
// SVG learning curves: per run, the mean return of the last `window` episodes against the episode, with an
// optional dashed target line (e.g. CartPole's 475).
#include <string>
#include <vector>

namespace scx::io {

struct LearningCurve {
  std::string label;
  std::vector<double> returns;  // per episode
};

std::string svg_learning_curves(const std::vector<LearningCurve>& curves, const std::string& title,
                                size_t window, double target);

}  // namespace scx::io
