"""NIR from Python against `silicortex nir run` on the frameworks' exports, and a written graph read back."""
import os
import subprocess
import tempfile
import unittest

import numpy as np

import silicortex as sc

CLI = os.environ.get("SCX_CLI", "silicortex")
SOURCE = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXPORTS = os.path.join(SOURCE, "..", "shared", "data", "nir", "framework_exports")


@unittest.skipUnless(os.path.isdir(EXPORTS), "shared/data/nir is not beside the checkout")
class FrameworkExports(unittest.TestCase):
    def test_braille_network_spikes_as_the_cli_runs_it(self):
        path = os.path.join(EXPORTS, "braille_noDelay_bias_zero.nir")
        graph = sc.read_nir(path)
        self.assertEqual(graph.inputs[0]["size"], 12)
        spikes = (np.random.default_rng(2).random((300, 12)) < 0.2).astype(np.uint8)
        with tempfile.TemporaryDirectory() as d:
            csv, out = os.path.join(d, "in.csv"), os.path.join(d, "out.h5")
            np.savetxt(csv, spikes, fmt="%d", delimiter=",")
            subprocess.run([CLI, "nir", "run", path, "-i", csv, "-o", out], check=True, capture_output=True)
            cli = sc.read_run(out)
        dense = graph.run([spikes])
        pairs = graph.run([tuple(np.nonzero(spikes))], steps=300)  # (steps, neurons) index arrays
        self.assertEqual(sorted(dense.spikes), sorted(cli.spikes))
        active = 0
        for name, p in cli.spikes.items():
            for r in (dense, pairs):
                np.testing.assert_array_equal(r.spikes[name].times_ms, p.times_ms, err_msg=name)
                np.testing.assert_array_equal(r.spikes[name].neurons, p.neurons, err_msg=name)
            active += len(p.times_ms) if name != "input" else 0
        self.assertGreater(active, 50)

    def test_bad_inputs_are_errors(self):
        graph = sc.read_nir(os.path.join(EXPORTS, "braille_noDelay_bias_zero.nir"))
        with self.assertRaisesRegex(sc.Error, r"\[steps, 12\]"):
            graph.run([np.zeros((10, 5))])
        with self.assertRaisesRegex(sc.Error, "1 input nodes, got 2"):
            graph.run([np.zeros((10, 12)), np.zeros((10, 12))])
        with self.assertRaisesRegex(sc.Error, "reset"):
            sc.read_nir(os.path.join(EXPORTS, "lif_norse.nir"), reset="zero")
        with self.assertRaisesRegex(sc.Error, "nowhere.nir"):
            sc.read_nir("/nowhere.nir")
        self.assertIn("LIF", sc.describe_nir(os.path.join(EXPORTS, "lif_norse.nir")))


class WrittenGraphs(unittest.TestCase):
    def test_a_network_written_as_nir_reads_back(self):
        net = sc.Network("exported")
        net.add_population("in", 8, sc.SpikeTimesSource([[1.0, 2.0]]))
        net.add_population("cells", 4, sc.LifCurrExp())
        net.connect("in", "cells", sc.AllToAll(), weight=sc.Uniform(100, 300))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "net.nir")
            warnings = sc.write_nir(net, path)
            self.assertIsInstance(warnings, list)
            graph = sc.read_nir(path)
        self.assertEqual([p["size"] for p in graph.inputs], [8])
        self.assertEqual(sum(p["size"] for p in graph.network.populations), 12)


if __name__ == "__main__":
    unittest.main()
