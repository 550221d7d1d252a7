#include "silicortex/sim/engine.hpp"

#include "silicortex/core/error.hpp"

namespace scx::sim {
struct Engine::Impl {};
Engine::Engine(const model::Network& net) { model::validate(net); throw Error("engine not yet built"); }
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
uint64_t Engine::neuron_count() const { return 0; }
uint64_t Engine::synapse_count() const { return 0; }
double Engine::build_wall_s() const { return 0; }
RunResult Engine::run(const RunOptions&) { return {}; }
}  // namespace scx::sim
