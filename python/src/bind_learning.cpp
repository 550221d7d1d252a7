// Reward learning in Python: the CartPole-v1 environment (Gymnasium's physics), the spiking actor-critic that
// learns it from reward alone (R-STDP with eligibility traces), and the training loop of `silicortex app
// cartpole`. The environment steps like Gymnasium's: step(action) -> (observation, reward, terminated,
// truncated).
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/learning/cartpole.hpp"
#include "silicortex/learning/cartpole_training.hpp"
#include "silicortex/learning/spiking_actor_critic.hpp"

namespace scx::py_bind {
namespace {

using learning::ActorCriticConfig;
using learning::CartPole;

py::array_t<float> observation_of(const CartPole& env) {
  const std::array<float, 4> o = env.observation();
  return owned(std::vector<float>(o.begin(), o.end()));
}

int checked_action(int action) {
  if (action != 0 && action != 1)
    throw Error("action: " + std::to_string(action) + " is not 0 (left) or 1 (right)");
  return action;
}

std::array<float, 4> observation_from(const std::vector<float>& v) {
  if (v.size() != 4)
    throw Error("observation: expected 4 values (x, x_dot, theta, theta_dot), got " +
                std::to_string(v.size()));
  return {v[0], v[1], v[2], v[3]};
}

}  // namespace

void bind_learning(py::module_& m) {
  py::class_<CartPole>(m, "CartPole",
                       "CartPole-v1 with Gymnasium's physics; resets are drawn from a stream keyed by (seed, "
                       "episode)")
      .def(py::init<uint64_t>(), py::arg("seed") = 1)
      .def(
          "reset",
          [](CartPole& env) {
            env.reset();
            return observation_of(env);
          },
          "Starts the next episode; returns the observation")
      .def(
          "step",
          [](CartPole& env, int action) {
            const CartPole::Step s = env.step(checked_action(action));
            return py::make_tuple(observation_of(env), s.reward, s.terminated, s.truncated);
          },
          py::arg("action"), "action 1 pushes right, 0 left: (observation, reward, terminated, truncated)")
      .def_property_readonly("observation", &observation_of)
      .def_property_readonly("steps", &CartPole::steps)
      .def_property(
          "state",
          [](const CartPole& env) {
            const auto& s = env.state();
            return py::make_tuple(s.x, s.x_dot, s.theta, s.theta_dot);
          },
          [](CartPole& env, const std::array<double, 4>& s) {
            env.set_state({s[0], s[1], s[2], s[3]});
          },
          "(x, x_dot, theta, theta_dot) in float64; setting it also restarts the step count");

  py::class_<ActorCriticConfig> config(m, "ActorCriticConfig",
                                       "The spiking actor-critic's encoding, network and learning parameters "
                                       "(docs/learning-apps-cartpole.md)");
  keyword_init(config, "ActorCriticConfig");
  config.def_readwrite("lo", &ActorCriticConfig::lo)
      .def_readwrite("hi", &ActorCriticConfig::hi)
      .def_readwrite("place_cells", &ActorCriticConfig::place_cells)
      .def_readwrite("fields_per_dim", &ActorCriticConfig::fields_per_dim)
      .def_readwrite("grid_fields", &ActorCriticConfig::grid_fields)
      .def_readwrite("peak_rate", &ActorCriticConfig::peak_rate)
      .def_readwrite("steps_per_action", &ActorCriticConfig::steps_per_action)
      .def_readwrite("actor_neurons", &ActorCriticConfig::actor_neurons)
      .def_readwrite("critic_neurons", &ActorCriticConfig::critic_neurons)
      .def_readwrite("tau_m_ms", &ActorCriticConfig::tau_m_ms)
      .def_readwrite("noise", &ActorCriticConfig::noise)
      .def_readwrite("critic_noise", &ActorCriticConfig::critic_noise)
      .def_readwrite("lateral_inhibition", &ActorCriticConfig::lateral_inhibition)
      .def_readwrite("w_init", &ActorCriticConfig::w_init)
      .def_readwrite("w_max", &ActorCriticConfig::w_max)
      .def_readwrite("a_plus", &ActorCriticConfig::a_plus)
      .def_readwrite("a_minus", &ActorCriticConfig::a_minus)
      .def_readwrite("tau_stdp_ms", &ActorCriticConfig::tau_stdp_ms)
      .def_readwrite("eligibility_decay", &ActorCriticConfig::eligibility_decay)
      .def_readwrite("eta_actor", &ActorCriticConfig::eta_actor)
      .def_readwrite("eta_critic", &ActorCriticConfig::eta_critic)
      .def_readwrite("gamma", &ActorCriticConfig::gamma)
      .def_readwrite("value_spikes", &ActorCriticConfig::value_spikes);

  py::class_<learning::SpikingActorCritic>(m, "SpikingActorCritic",
                                           "Spiking actor-critic trained by reward-modulated STDP")
      .def(py::init<const ActorCriticConfig&, uint64_t>(), py::arg("config") = ActorCriticConfig{},
           py::arg("seed") = 1)
      .def(
          "act",
          [](learning::SpikingActorCritic& a, const std::vector<float>& observation) {
            return a.act(observation_from(observation));
          },
          py::arg("observation"), "Runs the network on one observation; returns the action (0 or 1)")
      .def("reward", &learning::SpikingActorCritic::reward, py::arg("reward"), py::arg("terminal"),
           "The outcome of the last action; terminal: the episode ended there")
      .def("truncate", &learning::SpikingActorCritic::truncate,
           "Ends an episode without a terminal state (time limit)")
      .def_property_readonly("value", &learning::SpikingActorCritic::last_value,
                             "The critic's V(s) of the "
                             "last observation")
      .def_property_readonly("inputs", &learning::SpikingActorCritic::inputs)
      .def_property_readonly("outputs", &learning::SpikingActorCritic::outputs)
      .def_property_readonly(
          "weights",
          [](const learning::SpikingActorCritic& a) {
            py::array_t<double> w({size_t(a.inputs()), size_t(a.outputs())});
            std::copy(a.weights().begin(), a.weights().end(), w.mutable_data());
            return w;
          },
          "[input, output] (a copy)");

  m.def(
      "train_cartpole",
      [](const ActorCriticConfig& cfg, uint64_t seed, int max_episodes, const py::object& progress) {
        if (max_episodes < 1) throw Error("max_episodes: must be at least 1");
        // The loop calls progress from this thread between episodes: an exception in it stops the training.
        struct Stop {};
        GuardedCallback call(progress);
        learning::CartPoleRun run;
        try {
          py::gil_scoped_release unlocked;
          run = learning::train_cartpole(cfg, seed, max_episodes, [&](int e, int r) {
            call(e, r);
            if (call.failed()) throw Stop{};
          });
        } catch (const Stop&) {
        }
        call.rethrow_if_failed();
        return py::dict(py::arg("returns") = owned(std::vector<int>(run.returns)),
                        py::arg("solved_after") = run.solved_after);
      },
      py::arg("config") = ActorCriticConfig{}, py::arg("seed") = 1, py::arg("max_episodes") = 1000,
      py::arg("progress") = py::none(),
      "Trains an agent on CartPole until solved (mean return >= 475 over 100 episodes) or max_episodes, as "
      "`silicortex app cartpole` does for one seed: {'returns': per episode, 'solved_after': episodes or "
      "-1}. "
      "progress(episode, return) after each episode.");
}

}  // namespace scx::py_bind
