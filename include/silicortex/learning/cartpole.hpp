#pragma once
// CartPole-v1 with the exact classic-control physics of Gymnasium's cartpole.py (explicit Euler, float64
// state, float32 observations), for reward-learning experiments. Episodes end when |x| > 2.4 or |theta| > 12
// degrees (terminated) or after 500 steps (truncated); every step, including the last, gives reward 1. Resets
// draw each state variable from U(-0.05, 0.05) with a counter-based stream keyed by (seed, episode), so runs
// are repeatable (the numbers differ from numpy's generator).
#include <array>
#include <cstdint>
#include <numbers>

namespace scx::learning {

struct CartPoleState {
  double x = 0, x_dot = 0, theta = 0, theta_dot = 0;
};

class CartPole {
 public:
  static constexpr double kGravity = 9.8;
  static constexpr double kMassCart = 1.0;
  static constexpr double kMassPole = 0.1;
  static constexpr double kTotalMass = kMassPole + kMassCart;
  static constexpr double kLength = 0.5;  // half the pole length
  static constexpr double kPoleMassLength = kMassPole * kLength;
  static constexpr double kForceMag = 10.0;
  static constexpr double kTau = 0.02;  // s per step
  static constexpr double kXThreshold = 2.4;
  static constexpr double kThetaThreshold = 12 * 2 * std::numbers::pi / 360;
  static constexpr int kMaxSteps = 500;
  static constexpr double kSolvedReturn = 475.0;  // mean over 100 consecutive episodes

  struct Step {
    double reward = 0;
    bool terminated = false;  // pole fell or cart left the track
    bool truncated = false;   // reached kMaxSteps
  };

  explicit CartPole(uint64_t seed) : seed_(seed) {}

  const CartPoleState& reset();  // starts the next episode
  void set_state(const CartPoleState& s) { state_ = s, steps_ = 0; }
  Step step(int action);  // 1 pushes right, 0 pushes left
  const CartPoleState& state() const { return state_; }
  std::array<float, 4> observation() const;
  int steps() const { return steps_; }

 private:
  uint64_t seed_;
  uint64_t episode_ = 0;
  CartPoleState state_;
  int steps_ = 0;
};

}  // namespace scx::learning
