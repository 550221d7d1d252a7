#pragma once
// A small spiking actor-critic that learns only through three-factor synaptic plasticity (reward-modulated
// STDP with eligibility traces, Izhikevich 2007; a spiking TD critic as in Frémaux, Sprekeler & Gerstner
// 2013).
//
// Per environment step the observation is place-coded by input neurons with Gaussian receptive fields (a 4-D
// grid of place cells; rows per dimension and 2-D grids are alternatives), each emitting a
// deterministic regular spike train whose rate is its receptive-field response, for `steps_per_action` ms of
// network time. Inputs project with plastic excitatory synapses onto two action populations (mutual lateral
// inhibition, noisy membranes for exploration) and a critic population. The action is the population with
// more spikes; the critic's spike count is the value estimate V. STDP between input and output spikes only
// tags synapses (eligibility, learning::Rule with a RewardStdp spec); weights change when the global TD
// error δ = r + γV(s') − V(s) (the dopamine signal) arrives: w += η δ e. No gradient, no table.
// docs/learning-apps-cartpole.md describes the network and what was tried.
#include <array>
#include <cstdint>
#include <vector>

#include "silicortex/core/rng.hpp"
#include "silicortex/learning/rule.hpp"

namespace scx::learning {

struct ActorCriticConfig {
  // Encoding: per-dimension ranges (values are clipped into them) and receptive fields. The default is a 4-D
  // grid of place cells (5 x 5 x 7 x 7 over x, x_dot, theta, theta_dot); one row of fields per dimension and
  // 2-D grids over (theta, theta_dot) and (x_dot, theta_dot) are alternatives (they learned to ~250 steps).
  std::array<double, 4> lo{-2.4, -2.0, -0.21, -2.5}, hi{2.4, 2.0, 0.21, 2.5};
  std::array<int, 4> place_cells{5, 5, 7, 7};  // 0 = no 4-D grid
  int fields_per_dim = 0;                      // 0 = none
  int grid_fields = 0;                         // per side of each 2-D grid; 0 = none
  double peak_rate = 0.5;                      // input spikes per ms at the centre of a receptive field
  // Network time per environment step and neurons.
  int steps_per_action = 10;  // ms, dt = 1 ms
  int actor_neurons = 10;     // per action
  int critic_neurons = 10;
  double tau_m_ms = 10.0;
  double noise = 0.15;  // s.d. of the actor membranes' per-ms Gaussian noise (exploration)
  double critic_noise = 0.05;
  double lateral_inhibition = 2.0;  // per spike of the other action population, onto each neuron
  double w_init = 0.1, w_max = 0.6;
  // Plasticity: STDP tagging amplitudes and time constant, eligibility decay per environment step (TD(λ)'s
  // λ), learning rates of the reward-modulated weight change, TD discount, critic scale.
  double a_plus = 1.0, a_minus = 0.2, tau_stdp_ms = 10.0;
  double eligibility_decay = 0.8;
  double eta_actor = 0.001, eta_critic = 0.002;  // the critic learns faster (two timescales)
  double gamma = 0.98;
  double value_spikes = 4.0;  // mean critic spikes per neuron at V = 0; V = count/(N·value_spikes) − 1
};

class SpikingActorCritic {
 public:
  SpikingActorCritic(const ActorCriticConfig& config, uint64_t seed);

  // Runs the network on one observation; returns the action (0 left, 1 right). Remembers V(s).
  int act(const std::array<float, 4>& observation);
  // Delivers the outcome of the last action: reward, and whether the episode ended there. With `terminal`
  // the TD error is r − V(s); otherwise it is computed at the next act() as r + γV(s') − V(s).
  void reward(double r, bool terminal);
  // Ends an episode without a terminal state (time limit): pending eligibility is dropped unlearned.
  void truncate();

  double last_value() const { return value_; }
  int inputs() const { return int(phi_.size()); }
  int outputs() const { return outputs_; }  // 2·actor_neurons action neurons, then the critic's
  // Input-to-output weights, [input · outputs() + output].
  const std::vector<double>& weights() const { return w_; }

 private:
  void encode(const std::array<float, 4>& obs);
  void simulate();  // steps_per_action ms; fills counts and this step's tags
  void learn(double delta);

  ActorCriticConfig c_;
  Rule rule_;  // RewardStdp: on_pre / on_post tag the synapses
  uint64_t seed_;
  uint64_t calls_ = 0;
  int64_t now_ = 0;  // network ms, for the lazily kept traces
  std::vector<double> phi_, phase_;
  // Outputs: actor neurons 0..2N−1 (action 0 then action 1), then critic neurons.
  int outputs_ = 0;
  std::vector<double> v_;
  std::vector<int> count_;
  std::vector<double> pre_trace_, post_trace_;
  std::vector<int64_t> pre_last_, post_last_;
  std::vector<int> active_;   // inputs that spike in this environment step
  std::vector<int> touched_;  // inputs with eligibility, and the step each was last active
  std::vector<int64_t> last_active_;
  // Weights, this step's STDP tags and the accumulated eligibility, all [input · outputs_ + output].
  std::vector<double> w_, tag_, elig_;
  double value_ = 0, pending_reward_ = 0;
  bool pending_ = false;
};

}  // namespace scx::learning
