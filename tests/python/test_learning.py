"""Reward learning from Python: CartPole steps as Gymnasium's equations say, an agent driven step by step from
Python learns exactly as the library's training loop, which solves CartPole in the episodes `silicortex app
cartpole` reports; bad input is an Error."""
import math
import os
import re
import subprocess
import unittest

import numpy as np

import silicortex as sc

SOURCE = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def gymnasium_step(state, action):
    """CartPole-v1's Euler step, written from Gymnasium's classic_control/cartpole.py."""
    x, x_dot, theta, theta_dot = state
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass, polemass_length = masspole + masscart, masspole * length
    force = force_mag if action == 1 else -force_mag
    costheta, sintheta = math.cos(theta), math.sin(theta)
    temp = (force + polemass_length * theta_dot**2 * sintheta) / total_mass
    thetaacc = (gravity * sintheta - costheta * temp) / (
        length * (4.0 / 3.0 - masspole * costheta**2 / total_mass))
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    return (x + tau * x_dot, x_dot + tau * xacc, theta + tau * theta_dot, theta_dot + tau * thetaacc)


class CartPoleEnvironment(unittest.TestCase):
    def test_steps_follow_gymnasium(self):
        env = sc.CartPole(seed=5)
        rng = np.random.default_rng(2)
        for _ in range(50):
            state = tuple(rng.uniform(-0.2, 0.2, 4))
            env.state = state
            action = int(rng.integers(0, 2))
            obs, reward, terminated, truncated = env.step(action)
            expected = gymnasium_step(state, action)
            np.testing.assert_allclose(env.state, expected, rtol=1e-12, atol=1e-15)
            np.testing.assert_array_equal(obs, np.array(expected, dtype=np.float32))
            self.assertEqual(reward, 1.0)
            self.assertEqual(terminated, abs(expected[0]) > 2.4 or abs(expected[2]) > 12 * 2 * math.pi / 360)
            self.assertFalse(truncated)

    def test_resets_are_small_and_repeatable(self):
        a, b = sc.CartPole(seed=7), sc.CartPole(seed=7)
        for _ in range(5):
            first = a.reset()
            np.testing.assert_array_equal(first, b.reset())
            self.assertTrue(np.all(np.abs(first) <= 0.05))

    def test_bad_input_is_an_error(self):
        env = sc.CartPole()
        env.reset()
        with self.assertRaisesRegex(sc.Error, "action: 2 is not 0"):
            env.step(2)
        with self.assertRaisesRegex(sc.Error, "expected 4 values"):
            sc.SpikingActorCritic().act([0.0, 0.1])
        with self.assertRaisesRegex(sc.Error, "max_episodes"):
            sc.train_cartpole(max_episodes=0)
        with self.assertRaisesRegex(sc.Error, r"hi\[2\] must be above lo\[2\]"):
            sc.SpikingActorCritic(sc.ActorCriticConfig(lo=[-1, -1, 0.2, -1], hi=[1, 1, 0.2, 1]))
        with self.assertRaisesRegex(sc.Error, "tau_m_ms must be positive"):
            sc.SpikingActorCritic(sc.ActorCriticConfig(tau_m_ms=0))
        with self.assertRaisesRegex(TypeError, "no parameter 'noize'"):
            sc.ActorCriticConfig(noize=0.1)


class ActorCritic(unittest.TestCase):
    def test_a_python_loop_learns_exactly_as_the_library_loop(self):
        config = sc.ActorCriticConfig(noise=0.2, eta_actor=0.002)
        library = sc.train_cartpole(config, seed=3, max_episodes=40)["returns"]
        agent, env, returns = sc.SpikingActorCritic(config, seed=3), sc.CartPole(seed=3), []
        for _ in range(40):
            obs, total = env.reset(), 0
            while True:
                obs, reward, terminated, truncated = env.step(agent.act(obs))
                total += reward
                if terminated:
                    agent.reward(-1.0, True)
                    break
                if truncated:
                    agent.truncate()
                    break
                agent.reward(0.0, False)
            returns.append(int(total))
        np.testing.assert_array_equal(returns, library)
        self.assertEqual(agent.weights.shape, (agent.inputs, agent.outputs))

    def test_it_solves_cartpole_in_the_episodes_the_cli_reports(self):
        run = sc.train_cartpole(seed=1, max_episodes=1000)
        self.assertGreater(run["solved_after"], 100)
        self.assertEqual(len(run["returns"]), run["solved_after"])
        self.assertGreaterEqual(run["returns"][-100:].mean(), 475)
        cli = subprocess.run([os.environ.get("SCX_CLI", os.path.join(SOURCE, "build/release/silicortex")), "app",
                              "cartpole", "--seeds", "1", "--svg", ""], check=True, capture_output=True,
                             text=True).stdout
        self.assertEqual(int(re.search(r"seed 1: solved after (\d+) episodes", cli).group(1)), run["solved_after"])

    def test_a_progress_callback_error_stops_training(self):
        seen = []

        def stop(episode, ret):
            seen.append(episode)
            if episode == 4:
                raise KeyboardInterrupt

        with self.assertRaises(KeyboardInterrupt):
            sc.train_cartpole(seed=2, max_episodes=500, progress=stop)
        self.assertEqual(seen, [0, 1, 2, 3, 4])


if __name__ == "__main__":
    unittest.main()
