"""Training from Python: the same weights as `silicortex train` on the same data (IDX files or numpy arrays),
for any thread count and across a checkpoint; a trained network classifies on the emulated chips as
`silicortex app image` does; bad data is an Error, not a crash."""
import os
import re
import struct
import subprocess
import tempfile
import unittest

import numpy as np

import silicortex as sc

SOURCE = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
FASHION = "/usr/share/datasets/fashion-mnist"

CONFIG = """
[data]
train_images = "train-images"
train_labels = "train-labels"
[encoding]
steps = 6
[neuron]
model = "lif"
dv = 0.2
[[layers]]
type = "flatten"
[[layers]]
type = "dense"
out = 8
[[layers]]
type = "dense"
out = 2
[optimizer]
lr = 0.02
[training]
epochs = 2
batch_size = 8
threads = 2
"""


def halves(n, seed):
    """6x6 images: class 0 bright on the left half, class 1 on the right."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    images = rng.integers(0, 60, size=(n, 6, 6))
    for i, k in enumerate(labels):
        images[i, :, slice(0, 3) if k == 0 else slice(3, 6)] = rng.integers(150, 250, size=(6, 3))
    return images.astype(np.uint8), labels.astype(np.uint8)


def write_idx(path, array):
    """An IDX file of unsigned bytes (type 0x08), as the MNIST family is stored."""
    with open(path, "wb") as f:
        f.write(struct.pack(">BBBB", 0, 0, 0x08, array.ndim))
        f.write(struct.pack(">" + "I" * array.ndim, *array.shape))
        f.write(array.astype(np.uint8).tobytes())


class Training(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.images, self.labels = halves(96, 1)
        write_idx(os.path.join(self.dir.name, "train-images"), self.images)
        write_idx(os.path.join(self.dir.name, "train-labels"), self.labels)
        self.config_path = os.path.join(self.dir.name, "halves.toml")
        with open(self.config_path, "w") as f:
            f.write(CONFIG)

    def tearDown(self):
        self.dir.cleanup()

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def train_in_python(self, threads=2, data=None):
        cfg = sc.read_train_config(self.config_path)
        cfg.threads = threads
        data = data or sc.load_dataset(cfg.data["train_images"], cfg.data["train_labels"])
        trainer = sc.Trainer(cfg, data)
        history = trainer.fit(data)
        return trainer, history

    def test_same_weights_as_the_cli(self):
        out = self.path("cli.scxnet")
        subprocess.run([os.environ.get("SCX_CLI", os.path.join(SOURCE, "build/release/silicortex")), "train",
                        self.config_path, "-o", out, "-q"], check=True, capture_output=True, cwd=self.dir.name)
        cli = sc.read_trained_network(out)
        trainer, history = self.train_in_python()
        self.assertEqual([h["epoch"] for h in history], [1, 2])
        np.testing.assert_array_equal(trainer.effective_params(), cli.params)
        trainer.save_network(self.path("py.scxnet"))
        np.testing.assert_array_equal(sc.read_trained_network(self.path("py.scxnet")).params, cli.params)

    def test_numpy_data_and_thread_count_do_not_change_the_weights(self):
        from_files, _ = self.train_in_python(threads=2)
        data = sc.Dataset(self.images.astype(np.int64), self.labels)  # any integer type
        np.testing.assert_array_equal(data.images, self.images.reshape(96, 36))
        from_numpy, _ = self.train_in_python(threads=1, data=data)
        np.testing.assert_array_equal(from_files.params, from_numpy.params)

    def test_it_learns_and_resumes_exactly_from_a_checkpoint(self):
        straight, history = self.train_in_python()
        data = sc.Dataset(self.images, self.labels)
        self.assertGreater(straight.evaluate(data).accuracy, 0.9)
        self.assertLess(history[-1]["loss"], history[0]["loss"])
        cfg = sc.read_train_config(self.config_path)
        first = sc.Trainer(cfg, data)
        first.fit(data, epochs=1, checkpoint=self.path("run.ckpt"))
        resumed = sc.Trainer(cfg, data)
        resumed.load_checkpoint(self.path("run.ckpt"))
        self.assertEqual(resumed.epochs_done, 1)
        resumed.fit(data)
        np.testing.assert_array_equal(resumed.params, straight.params)

    def test_nir_export_reads_back(self):
        trainer, _ = self.train_in_python()
        trainer.write_nir(self.path("net.nir"))
        graph = sc.describe_nir(self.path("net.nir"))
        self.assertIn("layer1_dense", str(graph))

    def test_bad_data_is_an_error(self):
        cfg = sc.read_train_config(self.config_path)
        data = sc.Dataset(self.images, self.labels)
        trainer = sc.Trainer(cfg, data)
        with self.assertRaisesRegex(sc.Error, "integer arrays"):
            sc.Dataset(self.images.astype(np.float32), self.labels)
        with self.assertRaisesRegex(sc.Error, r"labels\[0\] = 256 is outside 0..255"):
            sc.Dataset(self.images, np.full(96, 256))
        with self.assertRaisesRegex(sc.Error, "one per image"):
            sc.Dataset(self.images, self.labels[:5])
        with self.assertRaisesRegex(sc.Error, "16 values per image, but the network takes 36"):
            trainer.train_epoch(sc.Dataset(np.zeros((4, 4, 4), np.uint8), [0, 1, 0, 1]))
        with self.assertRaisesRegex(sc.Error, "label 2 is out of range for 2 classes"):
            trainer.evaluate(sc.Dataset(self.images, self.labels + 1))
        with self.assertRaisesRegex(sc.Error, "split_off"):
            data.split_off(96)
        with self.assertRaisesRegex(sc.Error, r"halves.toml:\d+:\d+: .*layers"):
            sc.parse_train_config("[[layers]]\ntype = \"dens\"\n", "halves.toml")
        with self.assertRaisesRegex(sc.Error, "params: expected"):
            trainer.params = np.zeros(3, np.float32)

    def test_a_progress_callback_error_stops_the_epoch(self):
        data = sc.Dataset(self.images, self.labels)
        trainer = sc.Trainer(sc.read_train_config(self.config_path), data)
        calls = []

        def stop(done, stats):
            calls.append(done)
            raise KeyboardInterrupt

        before = trainer.params
        with self.assertRaises(KeyboardInterrupt):
            trainer.train_epoch(data, progress=stop)
        self.assertEqual(calls, [8])  # stopped after the first batch of 8
        self.assertEqual(trainer.epochs_done, 0)
        self.assertFalse(np.array_equal(before, trainer.params))  # that batch was trained
        trainer.train_epoch(data)  # and training goes on
        self.assertEqual(trainer.epochs_done, 1)


@unittest.skipUnless(os.path.exists(FASHION), "Debian's dataset-fashion-mnist is not installed")
class OnChips(unittest.TestCase):
    """The shipped networks on 40 Fashion-MNIST test images: the figures `silicortex app image` prints."""

    def check_chip(self, chip, model):
        data = sc.load_dataset(os.path.join(FASHION, "t10k-images-idx3-ubyte.gz"),
                               os.path.join(FASHION, "t10k-labels-idx1-ubyte.gz"), limit=40)
        net = sc.read_trained_network(os.path.join(SOURCE, "models", "trained", model))
        done = []
        r = sc.classify_on_chip(net, data, chip, threads=2, progress=lambda k, n: done.append(k))
        self.assertEqual(r["images"], 40)
        self.assertTrue(done and done == sorted(done) and done[-1] <= 40)
        self.assertEqual(int(r["confusion"].sum()), 40)
        self.assertAlmostEqual(np.trace(r["confusion"]) / 40, r["accuracy"])
        self.assertEqual(sc.classify_on_chip(net, data, chip, threads=1)["accuracy"], r["accuracy"])
        cli = subprocess.run([os.environ.get("SCX_CLI", os.path.join(SOURCE, "build/release/silicortex")),
                              "app", "image", "--chip", chip, "--limit", "40", "--svg", "", "-q"],
                             check=True, capture_output=True, text=True).stdout
        chip_pct, float_pct = map(float, re.search(r"accuracy on the chip: +([\d.]+)%.*float trainer: ([\d.]+)%",
                                                   cli).groups())
        self.assertAlmostEqual(100 * r["accuracy"], chip_pct, places=2)
        self.assertAlmostEqual(100 * r["float_accuracy"], float_pct, places=2)
        self.assertGreater(r["accuracy"], 0.6)
        self.assertGreater(r["energy"]["conventional_j"], r["energy"]["total_j"] - r["energy"]["static_j"])
        return r

    def test_loihi(self):
        self.check_chip("loihi", "fmnist_loihi.scxnet")

    def test_truenorth(self):
        self.check_chip("truenorth", "fmnist_truenorth.scxnet")


if __name__ == "__main__":
    unittest.main()
