"""Chips and event cameras from Python: compiled networks spike as the reference engine does, energy adds up,
programs round-trip through files, recordings decode to their measured contents."""
import os
import tempfile
import unittest

import numpy as np

import silicortex as sc

SOURCE = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
EVENTS = os.path.join(SOURCE, "..", "shared", "data", "events")


def random_times(n, p, duration_ms, seed):
    rng = np.random.default_rng(seed)
    return sc.SpikeTimesSource([[float(t) for t in np.flatnonzero(rng.random(int(duration_ms)) < p)] for _ in range(n)])


def assert_same_spikes(test, ref, chip):
    """Every population the reference recorded (the chip records them all) spikes alike."""
    test.assertEqual(sorted(ref.spikes), sorted(chip.spikes))
    total = 0
    for name in (n for n, p in ref.spikes.items() if p.recorded):
        np.testing.assert_array_equal(ref.spikes[name].times_ms, chip.spikes[name].times_ms, err_msg=name)
        np.testing.assert_array_equal(ref.spikes[name].neurons, chip.spikes[name].neurons, err_msg=name)
        total += len(chip.spikes[name])
    return total


class TrueNorth(unittest.TestCase):
    def network(self):
        net = sc.Network("tn")
        net.sim.dt_ms, net.sim.duration_ms = 1.0, 200
        net.add_population("in", 300, random_times(300, 0.04, 200, 1))
        net.add_population("calm", 100, random_times(100, 0.04, 200, 2))
        net.add_population("sum", 50, sc.TrueNorthNeuron(threshold=6, leak=-1, neg_saturate=1))
        # One weight per source population (an axon type each), integer delays: exact on the chip.
        rng = np.random.default_rng(3)
        net.connect("in", "sum", sc.FixedInDegree(30), weight=2, delay_ms=rng.integers(1, 5, 50 * 30) * 1.0)
        net.connect("calm", "sum", sc.FixedInDegree(20), weight=-3, receptor="inhibitory", delay_ms=2.0)
        net.record("in")
        net.record("sum")
        return net

    def test_integer_network_spikes_as_the_engine(self):
        net = self.network()
        chip = sc.compile(net, "truenorth")
        self.assertGreaterEqual(chip.cores_used, 1)
        self.assertRegex(chip.report(), r"in->sum +1500 +2 +0 +0")  # no quantisation error
        ref = sc.run(net)
        got = chip.run(threads=2)
        assert_same_spikes(self, ref, got)
        self.assertGreater(len(got.spikes["sum"]), 100)

    def test_energy_adds_up_and_beats_a_cpu(self):
        chip = sc.compile(self.network(), "truenorth")
        chip.run()
        e = chip.energy()
        parts = sum(e[k] for k in ("synaptic_j", "neuron_j", "spike_j", "hop_j", "crossing_j", "static_j"))
        self.assertAlmostEqual(e["total_j"], parts, delta=1e-12 * max(1.0, parts))
        self.assertAlmostEqual(e["model_time_s"], 0.2)
        self.assertGreater(chip.counters["synaptic_events"], 0)
        self.assertEqual(chip.counters["ticks"], 200)
        self.assertGreater(e["conventional_j"], 0)
        self.assertIn("J", chip.energy_report())

    def test_program_file_round_trip(self):
        net = self.network()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "tn.scxp")
            sc.compile(net, "truenorth").save(path)
            self.assertEqual(sorted(os.listdir(d)), ["tn.scxp", "tn.scxp.io"])
            loaded = sc.load_program(path)
        assert_same_spikes(self, sc.run(net), loaded.run())

    def test_a_network_that_does_not_fit_names_the_population(self):
        net = sc.Network()
        net.add_population("cells", 10, sc.LifCurrExp())
        with self.assertRaisesRegex(sc.Error, "cells"):
            sc.compile(net, "truenorth")
        with self.assertRaisesRegex(sc.Error, "no_such_chip"):
            sc.compile(self.network(), "no_such_chip")

    def test_direction_example_from_an_event_recording(self):
        net = sc.read_model(os.path.join(SOURCE, "models", "examples", "direction", "direction.toml"))
        ref = sc.run(net)
        got = sc.compile(net).run()
        self.assertGreater(assert_same_spikes(self, ref, got), 0)


class Loihi(unittest.TestCase):
    def test_cuba_lif_spikes_as_lavas_fixed_point_model(self):
        net = sc.Network("loihi")
        net.sim.dt_ms, net.sim.duration_ms = 1.0, 150
        net.add_population("in", 80, random_times(80, 0.05, 150, 2))
        net.add_population("exc", 300, sc.LoihiCubaLif(du=1024, dv=512, vth=200))
        net.connect("in", "exc", sc.FixedProbability(0.1), weight=300.0, delay_ms=1.0)
        net.connect("exc", "exc", sc.FixedProbability(0.02), weight=-200.0, delay_ms=1.0, receptor="inhibitory")
        net.record("in")
        net.record("exc")
        chip = sc.compile(net, "loihi")
        self.assertEqual(chip.chip, "loihi")
        got = chip.run()
        assert_same_spikes(self, sc.run(net), got)
        self.assertGreater(len(got.spikes["exc"]), 100)


@unittest.skipUnless(os.path.isdir(EVENTS), "shared/data/events is not beside the checkout")
class EventRecordings(unittest.TestCase):
    def test_nmnist_sample(self):
        rec = sc.read_events(os.path.join(EVENTS, "tonic_test_data", "sample_nmnist.bin"))
        self.assertEqual((rec.format, rec.sensor, rec.width, rec.height), ("N-MNIST", "ATIS", 34, 34))
        self.assertEqual(len(rec), 4325)
        self.assertEqual((int(rec.t_us.min()), int(rec.t_us.max())), (654, 311175))
        self.assertEqual((int(rec.x.max()), int(rec.y.max())), (33, 33))
        self.assertEqual(rec.on.dtype, np.bool_)
        self.assertAlmostEqual(float(rec.on.mean()), 0.496, places=3)

    def test_aedat4_sample(self):
        rec = sc.read_events(os.path.join(EVENTS, "tonic_test_data", "sample.aedat4"))
        self.assertEqual((rec.format, rec.width, rec.height, len(rec)), ("AEDAT 4.0", 320, 240, 111954))

    def test_damaged_file_is_an_error(self):
        with open(os.path.join(EVENTS, "tonic_test_data", "sample.aedat4"), "rb") as f:
            data = f.read()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "cut.aedat4")
            with open(path, "wb") as f:
                f.write(data[: len(data) // 3])
            with self.assertRaisesRegex(sc.Error, "cut.aedat4"):
                sc.read_events(path)


if __name__ == "__main__":
    unittest.main()
