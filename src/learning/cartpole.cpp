#include "silicortex/learning/cartpole.hpp"

#include <cmath>

#include "silicortex/core/rng.hpp"

namespace scx::learning {

const CartPoleState& CartPole::reset() {
  RandomStream rng(seed_, stream_id(0xCA27, 0), static_cast<uint32_t>(episode_++));
  state_ = {rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05),
            rng.uniform(-0.05, 0.05)};
  steps_ = 0;
  return state_;
}

CartPole::Step CartPole::step(int action) {
  // Term by term as in Gymnasium's cartpole.py, so the float64 results agree to the last bit where libm does.
  CartPoleState& s = state_;
  const double force = action == 1 ? kForceMag : -kForceMag;
  const double costheta = std::cos(s.theta), sintheta = std::sin(s.theta);
  const double temp = (force + kPoleMassLength * (s.theta_dot * s.theta_dot) * sintheta) / kTotalMass;
  const double thetaacc = (kGravity * sintheta - costheta * temp) /
                          (kLength * (4.0 / 3.0 - kMassPole * (costheta * costheta) / kTotalMass));
  const double xacc = temp - kPoleMassLength * thetaacc * costheta / kTotalMass;
  s.x = s.x + kTau * s.x_dot;  // explicit Euler: positions move with the old velocities
  s.x_dot = s.x_dot + kTau * xacc;
  s.theta = s.theta + kTau * s.theta_dot;
  s.theta_dot = s.theta_dot + kTau * thetaacc;
  ++steps_;
  Step out;
  out.reward = 1.0;
  out.terminated =
      s.x < -kXThreshold || s.x > kXThreshold || s.theta < -kThetaThreshold || s.theta > kThetaThreshold;
  out.truncated = !out.terminated && steps_ >= kMaxSteps;
  return out;
}

std::array<float, 4> CartPole::observation() const {
  return {static_cast<float>(state_.x), static_cast<float>(state_.x_dot), static_cast<float>(state_.theta),
          static_cast<float>(state_.theta_dot)};
}

}  // namespace scx::learning
