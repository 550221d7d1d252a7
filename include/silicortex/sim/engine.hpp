#pragma once
// The reference engine: lowers a model::Network into SoA neuron groups and CSR synapses once, then runs the
// clock-driven step loop. An Engine is a value the caller owns; several can live in one process.
#include <functional>
#include <memory>

#include "silicortex/dist/communicator.hpp"
#include "silicortex/model/network.hpp"
#include "silicortex/sim/run_result.hpp"

namespace scx::sim {

struct RunOptions {
  // Called from the simulation thread every few hundred steps with (steps done, total steps). Cheap to leave empty.
  std::function<void(uint64_t, uint64_t)> progress;
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scx::sim
