"""The Python module against the engine it wraps: the CLI's recordings, the TOML format, analytic solutions."""
import io
import math
import os
import subprocess
import tempfile
import unittest

import numpy as np

import silicortex as sc

CLI = os.environ.get("SCX_CLI", "silicortex")
SOURCE = os.path.join(os.path.dirname(__file__), "..", "..")


def spikes_of(result, population):
    p = result.spikes[population]
    return np.asarray(p.times_ms).copy(), np.asarray(p.neurons).copy()


class SameSpikesAsTheCli(unittest.TestCase):
    def test_cuba_matches_a_cli_run_bit_for_bit(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "cuba.h5")
            subprocess.run([CLI, "run", "cuba", "-q", "--duration", "200ms", "--seed", "7", "--threads", "2",
                            "--out", out], check=True, capture_output=True)
            cli = sc.read_run(out)
        for threads in (1, 2):
            py = sc.run(sc.load_model("cuba"), duration_ms=200, seed=7, threads=threads)
            self.assertEqual(py.meta.threads, threads)
            for pop in ("exc", "inh"):
                t, n = spikes_of(py, pop)
                ct, cn = spikes_of(cli, pop)
                self.assertGreater(len(t), 100)
                np.testing.assert_array_equal(t, ct)
                np.testing.assert_array_equal(n, cn)

    def test_run_leaves_the_network_alone(self):
        net = sc.builtin_model("cuba")
        sc.run(net, duration_ms=10, seed=3, threads=2)
        self.assertEqual((net.sim.duration_ms, net.sim.seed, net.sim.threads), (1000.0, 1, 1))


class BuiltInPythonAsInToml(unittest.TestCase):
    TOML = """
[network]
name = "small"
[simulation]
dt_ms = 0.1
duration_ms = 300
seed = 11
[[population]]
name = "drive"
size = 40
model = "poisson_source"
params = { rate_hz = 30 }
[[population]]
name = "cells"
size = 20
model = "lif_curr_exp"
params = { tau_m_ms = 15 }
[population.initial]
v = { dist = "uniform", low = -70, high = -58 }
[[projection]]
pre = "drive"
post = "cells"
connector = { type = "fixed_probability", p = 0.3 }
weight = { dist = "normal", mean = 500, sd = 50 }
delay_ms = 1.5
[[projection]]
pre = "cells"
post = "cells"
connector = { type = "fixed_indegree", n = 4 }
weight = 60
receptor = "inhibitory"
[[probe]]
population = "cells"
variable = "spikes"
"""

    def python_network(self):
        net = sc.Network("small")
        net.sim.dt_ms, net.sim.duration_ms, net.sim.seed = 0.1, 300, 11
        net.add_population("drive", 40, sc.PoissonSource(rate_hz=30))
        net.add_population("cells", 20, sc.LifCurrExp(tau_m_ms=15), initial={"v": sc.Uniform(-70, -58)})
        net.connect("drive", "cells", sc.FixedProbability(0.3), weight=sc.Normal(500, 50), delay_ms=1.5)
        net.connect("cells", "cells", sc.FixedInDegree(4), weight=60, receptor="inhibitory")
        net.record("cells")
        return net

    def test_same_spikes(self):
        a = sc.run(self.python_network())
        b = sc.run(sc.parse_model(self.TOML, "small.toml"))
        ta, na = spikes_of(a, "cells")
        tb, nb = spikes_of(b, "cells")
        self.assertGreater(len(ta), 20)
        np.testing.assert_array_equal(ta, tb)
        np.testing.assert_array_equal(na, nb)

    def test_description(self):
        net = self.python_network()
        self.assertEqual([p["name"] for p in net.populations], ["drive", "cells"])
        self.assertEqual(net.populations[1]["model"], "lif_curr_exp")
        self.assertEqual(net.projections[1]["receptor"], "inhibitory")
        self.assertEqual(net.neuron_count, 60)


class PlasticityAsInToml(unittest.TestCase):
    TOML = """
[network]
name = "stdp"
[simulation]
duration_ms = 500
seed = 3
[[population]]
name = "in"
size = 40
model = "poisson_source"
params = { rate_hz = 50 }
[[population]]
name = "out"
size = 5
model = "lif_curr_exp"
adaptive_threshold = { theta_plus_mv = 0.5, tau_theta_ms = 200 }
[[projection]]
pre = "in"
post = "out"
connector = { type = "all_to_all" }
weight = { dist = "uniform", low = 100, high = 300 }
[projection.plasticity]
rule = "pair_stdp"
a_plus = 5
a_minus = 6
w_max = 400
pairing = "nearest"
"""

    def test_same_learned_weights_and_thresholds(self):
        net = sc.Network("stdp")
        net.sim.duration_ms, net.sim.seed = 500, 3
        net.add_population("in", 40, sc.PoissonSource(rate_hz=50))
        net.add_population("out", 5, sc.LifCurrExp(),
                           adaptive_threshold=sc.AdaptiveThreshold(theta_plus_mv=0.5, tau_theta_ms=200))
        rule = sc.PairStdp(a_plus=5, a_minus=6, w_max=400, pairing="nearest")
        net.connect("in", "out", sc.AllToAll(), weight=sc.Uniform(100, 300), plasticity=rule)
        self.assertTrue(net.projections[0]["plastic"])
        engines = [sc.Engine(net), sc.Engine(sc.parse_model(self.TOML, "stdp.toml"))]
        before = engines[0].weights("in->out")["weight"].copy()
        for e in engines:
            e.run()
        a, b = (e.weights("in->out") for e in engines)
        np.testing.assert_array_equal(a["weight"], b["weight"])
        self.assertGreater(np.abs(a["weight"] - before).max(), 1.0)  # it learned
        np.testing.assert_array_equal(engines[0].thresholds("out"), engines[1].thresholds("out"))
        self.assertGreater(engines[0].thresholds("out").max(), 0)

    def test_synapses_are_what_the_engine_builds(self):
        # A plastic projection's initial weights, read back from the engine, are what sc.synapses draws.
        net = sc.parse_model(self.TOML, "stdp.toml")
        drawn = sc.synapses(net, "in->out")
        engine = sc.Engine(net).weights("in->out")
        order = np.lexsort((drawn["post"], drawn["pre"]))
        built = np.lexsort((engine["post"], engine["pre"]))
        np.testing.assert_array_equal(drawn["pre"][order], engine["pre"][built])
        np.testing.assert_array_equal(drawn["post"][order], engine["post"][built])
        np.testing.assert_allclose(drawn["weight"][order], engine["weight"][built], rtol=1e-7)
        self.assertEqual(len(drawn["pre"]), 200)
        self.assertTrue(np.all((drawn["weight"] >= 100) & (drawn["weight"] < 300)))
        np.testing.assert_allclose(drawn["delay_ms"], 0.1)
        # Every projection of COBA together: the engine's count; p = 0.02 within 5 standard deviations.
        coba = sc.builtin_model("coba")
        lists = [sc.synapses(coba, p["name"]) for p in coba.projections]
        self.assertEqual(sum(len(s["pre"]) for s in lists), sc.Engine(coba).synapse_count)
        exc_inh = sc.synapses(coba, "exc->inh")
        expected = 0.02 * 3200 * 800
        self.assertLess(abs(len(exc_inh["pre"]) - expected), 5 * np.sqrt(expected))
        self.assertEqual(exc_inh["post"].max(), 799)
        with self.assertRaisesRegex(sc.Error, "no projection named 'nope'"):
            sc.synapses(coba, "nope")
        twice = sc.builtin_model("coba")
        twice.connect("exc", "inh", sc.OneToOne())
        with self.assertRaisesRegex(sc.Error, "several projections are named 'exc->inh'"):
            sc.synapses(twice, "exc->inh")

    def test_rules_check_their_fields(self):
        with self.assertRaisesRegex(TypeError, "aplus"):
            sc.PairStdp(aplus=1)
        with self.assertRaisesRegex(sc.Error, "pairing"):
            sc.TripletStdp(pairing="closest")
        net = sc.Network()
        net.add_population("a", 3, sc.LifCurrExp())
        net.connect("a", "a", sc.AllToAll(), plasticity=sc.ExpressionRule(text="dw = x9*y0"))
        with self.assertRaisesRegex(sc.Error, "x9"):
            sc.Engine(net)


class AnalyticSolutions(unittest.TestCase):
    def test_lif_membrane_under_a_current_step(self):
        # V(t) = E_L + R I (1 - exp(-t / tau_m)) below threshold, R = tau_m / C_m.
        net = sc.Network("step")
        net.sim.duration_ms = 50
        p = sc.LifCurrExp(c_m_pf=250, tau_m_ms=10, e_l_mv=-70, v_th_mv=0, v_reset_mv=-70)
        net.add_population("n", 1, p)
        net.inject_current("n", amplitude_pa=200, start_ms=0)
        net.record("n", "v", interval_ms=0.1)
        trace = sc.run(net).traces[0]
        self.assertEqual(trace.values.shape, (500, 1))
        t = np.asarray(trace.times_ms)
        self.assertAlmostEqual(t[0], 0.1)  # the state after each step
        expected = -70 + 10 / 250 * 200 * (1 - np.exp(-t / 10))
        np.testing.assert_allclose(trace.values[:, 0], expected, atol=1e-3)  # float32 state: 2.5e-4 after 500 steps

    def test_poisson_rate(self):
        net = sc.Network("poisson")
        net.sim.duration_ms = 2000
        net.add_population("p", 500, sc.PoissonSource(rate_hz=20))
        net.record("p")
        r = sc.run(net, seed=5)
        rate = r.mean_rate_hz("p")
        # 20,000 expected spikes: the standard deviation of the rate is 0.14 Hz.
        self.assertLess(abs(rate - 20), 0.7)
        self.assertEqual(int(r.spikes["p"].counts().sum()), r.spikes["p"].total_spikes)


class EngineControl(unittest.TestCase):
    def test_reset_and_clock_replay_the_same_spikes(self):
        net = sc.builtin_model("cuba")
        net.sim.duration_ms = 50
        eng = sc.Engine(net)
        first = spikes_of(eng.run(), "exc")
        self.assertEqual(eng.step, 500)
        eng.step = 0
        again = spikes_of(eng.run(), "exc")
        np.testing.assert_array_equal(first[0], again[0])
        np.testing.assert_array_equal(first[1], again[1])

    def test_progress_is_called_and_its_exception_raised(self):
        net = sc.builtin_model("cuba")
        net.sim.duration_ms = 100
        net.sim.threads = 2  # the callback takes the GIL from inside the engine's run
        calls = []
        sc.Engine(net).run(lambda done, total: calls.append((done, total)))
        self.assertTrue(calls)
        self.assertEqual(calls[-1][1], 1000)

        def stop(done, total):
            raise KeyboardInterrupt

        with self.assertRaises(KeyboardInterrupt):
            sc.Engine(net).run(stop)

    def test_progress_bar_draws_on_a_terminal_only(self):
        class Tty(io.StringIO):
            def isatty(self):
                return True

        tty, pipe = Tty(), io.StringIO()
        net = sc.builtin_model("cuba")
        sc.run(net, duration_ms=50, progress=sc.progress_bar(stream=tty))
        sc.run(net, duration_ms=50, progress=sc.progress_bar(stream=pipe))
        self.assertTrue(tty.getvalue().endswith("100.0%\n"))
        self.assertEqual(pipe.getvalue(), "")
        sc.run(net, duration_ms=10, progress=True)  # stderr, whatever it is

    def test_arrays_are_read_only_views_that_outlive_the_python_result(self):
        r = sc.run(sc.builtin_model("cuba"), duration_ms=20)
        times = r.spikes["exc"].times_ms
        del r
        self.assertTrue(math.isfinite(float(times.sum())))
        with self.assertRaises(ValueError):
            times[0] = 1.0

    def test_without_probes_rates_are_still_counted(self):
        net = sc.builtin_model("cuba")
        net.clear_probes()
        r = sc.run(net, duration_ms=50)
        exc = r.spikes["exc"]
        self.assertFalse(exc.recorded)
        self.assertEqual(len(exc.times_ms), 0)
        self.assertGreater(exc.total_spikes, 100)

    def test_saved_recording_reads_back(self):
        r = sc.run(sc.builtin_model("cuba"), duration_ms=20)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "r.h5")
            r.save(path)
            back = sc.read_run(path)
        np.testing.assert_array_equal(back.spikes["inh"].neurons, r.spikes["inh"].neurons)
        self.assertEqual(back.meta.seed, r.meta.seed)


class Errors(unittest.TestCase):
    def test_toml_error_names_file_line_and_field(self):
        with self.assertRaisesRegex(sc.Error, r"bad\.toml:5:.*tau_mm"):
            sc.parse_model('[[population]]\nname = "a"\nsize = 1\nmodel = "lif_curr_exp"\nparams = { tau_mm = 3 }\n', "bad.toml")
        self.assertTrue(issubclass(sc.Error, ValueError))

    def test_unknown_population_names_the_projection(self):
        net = sc.Network()
        net.add_population("a", 2, sc.LifCurrExp())
        net.connect("a", "ghost", sc.AllToAll())
        with self.assertRaisesRegex(sc.Error, "ghost"):
            sc.Engine(net)

    def test_unknown_parameter_and_wrong_types(self):
        with self.assertRaisesRegex(TypeError, "no parameter 'tau'.*tau_m_ms"):
            sc.LifCurrExp(tau=3)
        with self.assertRaisesRegex(TypeError, "tau_m_ms cannot be 'x'"):
            sc.LifCurrExp(tau_m_ms="x")
        net = sc.Network()
        with self.assertRaisesRegex(TypeError, "params"):
            net.add_population("a", 2, "lif")
        net.add_population("a", 2, sc.LifCurrExp())
        with self.assertRaisesRegex(TypeError, "weight"):
            net.connect("a", "a", sc.AllToAll(), weight="heavy")
        with self.assertRaisesRegex(sc.Error, "receptor"):
            net.connect("a", "a", sc.AllToAll(), receptor="modulatory")

    def test_missing_file(self):
        with self.assertRaisesRegex(sc.Error, "nowhere.toml"):
            sc.read_model("/nowhere.toml")


if __name__ == "__main__":
    unittest.main()
