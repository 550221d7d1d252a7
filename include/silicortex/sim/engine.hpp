#pragma once
// The reference engine: lowers a model::Network into SoA neuron groups and CSR synapses once, then runs the
// clock-driven step loop. An Engine is a value the caller owns; several can live in one process.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "silicortex/dist/communicator.hpp"
#include "silicortex/model/network.hpp"
#include "silicortex/sim/run_result.hpp"

namespace scx::sim {

struct RunOptions {
  // Called from the simulation thread every few hundred steps with (steps done, total steps). Cheap to leave
  // empty.
  std::function<void(uint64_t, uint64_t)> progress;
};

// A projection's synapses sorted by (pre, post), synapses of one pair in generation order; indices are within
// the pre and post populations.
struct ProjectionWeights {
  std::vector<uint32_t> pre, post;
  std::vector<double> weight;
};

class Engine {
 public:
  // Validates and builds; throws scx::Error. With a communicator of several ranks, this process simulates its
  // rank's share of every population and run() returns the whole network's results on every rank.
  explicit Engine(const model::Network& net, std::shared_ptr<dist::Communicator> comm = nullptr);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  uint64_t neuron_count() const;
  uint64_t synapse_count() const;
  double build_wall_s() const;

  // Runs for the network's sim.duration_ms from the current state and returns what the probes recorded.
  RunResult run(const RunOptions& options = {});

  // Plasticity (docs/design/learning.md). The global reward (dopamine) signal seen by reward-modulated rules
  // from the next step on; each rule decays it with its own time constant from the step it was set. No effect
  // on a network without plastic projections.
  void set_reward(double value);
  // Multiplies every plastic rule's weight changes from the next step on (1: as specified, 0: frozen
  // weights with traces and tags still kept): a learning-rate schedule for a long-lived engine.
  void set_learning_rate(double scale);
  // Current weights of a projection; needs a network with at least one plastic projection (throws otherwise).
  ProjectionWeights weights(const std::string& projection) const;
  // Scales each post neuron's incoming weights of a plastic projection to sum to target_sum (Diehl & Cook's
  // normalisation); neurons whose weights sum to 0 are left alone. Call between runs.
  void normalize_weights(const std::string& projection, double target_sum);
  // Replaces a plastic projection's weights, given in the order weights() lists them (a saved state); throws
  // for a wrong count or a value that is not finite.
  void set_weights(const std::string& projection, const std::vector<double>& weights);

  // Control between runs, so one long-lived engine can present many inputs (docs/design/learning.md).
  // Per-neuron rates (Hz) of a Poisson source population, from the next step on.
  void set_rates(const std::string& population, const std::vector<double>& rates_hz);
  // Returns every neuron's state (membrane, synaptic and refractory variables) to its value after building,
  // drops spikes in flight and clears plasticity traces; weights, adaptive thresholds and the clock stay. A
  // cheap stand-in for letting the network rest between inputs.
  void reset_state();
  // The clock: steps simulated so far, where the next run() starts. Random streams (Poisson sources,
  // stochastic models) are keyed by step, so an engine rebuilt from a saved state and set to the saved step
  // continues the streams the saved one would have drawn. set_step() also does what reset_state() does:
  // spikes in flight and traces were scheduled on the old clock.
  int64_t step() const;
  void set_step(int64_t step);
  // The length of each run() from the next one on (rounded to whole steps), e.g. a longer test presentation.
  void set_duration_ms(double duration_ms);
  // Weight updates and adaptive-threshold dynamics on (the default) or frozen, e.g. for a test phase.
  void set_learning(bool enabled);
  // Adaptive thresholds theta (mV, one per neuron) of a population that has one (throws otherwise).
  std::vector<double> thresholds(const std::string& population) const;
  void set_thresholds(const std::string& population, const std::vector<double>& theta_mv);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scx::sim
