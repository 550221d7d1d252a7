"""Unsupervised STDP image learning from Python (Diehl & Cook): receptive fields move towards the patterns
shown, an image loop written in Python learns and reads out exactly as the library's own loop, saved states
round-trip, and bad input is an Error naming what is wrong."""
import unittest

import numpy as np

import silicortex as sc


def bar_templates():
    """Four 8x8 classes: two horizontal and two vertical bars, two pixels wide."""
    t = np.zeros((4, 8, 8))
    t[0, 1:3, :] = 1
    t[1, 5:7, :] = 1
    t[2, :, 1:3] = 1
    t[3, :, 5:7] = 1
    return t


def bars(n, seed):
    """n noisy bar images (background uniform in [0, 0.15]) and their classes."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    images = rng.uniform(0, 0.15, (n, 8, 8))
    templates = bar_templates()
    for i, c in enumerate(labels):
        images[i] = np.maximum(images[i], templates[c])
    return images, labels


def config(**overrides):
    values = dict(inputs=64, neurons=8, present_ms=150, intensity=8, weight_sum=20, w_inh_exc=17, seed=3)
    values.update(overrides)
    return sc.StdpImageConfig(**values)


TRAIN, LABEL, TEST = bars(60, 1), bars(40, 2), bars(60, 3)


def train_and_test(cfg, epochs=1, progress=None):
    return sc.stdp_train_and_test(cfg, *TRAIN, *LABEL, *TEST, epochs=epochs, progress=progress)


def field_match(weights):
    """Each neuron's best cosine between its input weights and a class template, averaged."""
    t = bar_templates().reshape(4, 64)
    t = t / np.linalg.norm(t, axis=1, keepdims=True)
    w = weights / np.linalg.norm(weights, axis=1, keepdims=True)
    return float(np.mean(np.max(w @ t.T, axis=1)))


class Learning(unittest.TestCase):
    def test_receptive_fields_move_towards_the_patterns(self):
        for seed in (3, 4):
            untrained = train_and_test(config(seed=seed, nu_pre=0, nu_post=0), epochs=3)
            trained = train_and_test(config(seed=seed), epochs=3)
            # Random weights in [0, 0.3] match a bar with a cosine near 0.5; learning must raise it clearly.
            self.assertLess(field_match(untrained.weights), 0.6)
            self.assertGreater(field_match(trained.weights), field_match(untrained.weights) + 0.15, seed)
            self.assertGreaterEqual(trained.accuracy, 0.95)
            self.assertGreaterEqual(trained.accuracy_prototype, 0.95)
            self.assertEqual(trained.trained, 180)
            self.assertEqual(trained.tested, 60)

    def test_a_python_loop_learns_and_reads_out_as_the_library(self):
        cfg = config(eval_equalize=True)
        report = train_and_test(cfg)

        net = sc.StdpImageNetwork(cfg)
        for image in TRAIN[0]:
            net.present(image, learn=True)
        np.testing.assert_array_equal(net.weights, report.weights)
        np.testing.assert_array_equal(net.thresholds, report.thresholds)

        net.equalize_neurons()
        responses = np.array([net.present(image) for image in LABEL[0]])
        self.assertEqual(responses.shape, (40, 8))
        rates = sc.stdp_class_rates(responses, LABEL[1], neurons=8, classes=4)
        assignment = sc.stdp_assign_labels(rates, neurons=8, classes=4)
        np.testing.assert_array_equal(assignment, report.assignment)
        votes = [sc.stdp_classify(net.present(image), assignment, 4) for image in TEST[0]]
        self.assertAlmostEqual(np.mean(np.array(votes) == TEST[1]), report.accuracy)
        self.assertEqual(net.presentations, report.presentations)

    def test_nearest_prototypes_and_weighted_vote(self):
        report = train_and_test(config(), epochs=2)
        nearest = sc.stdp_nearest_prototypes(report.weights, TEST[0])
        self.assertEqual(nearest.shape, (60,))
        # Each test image's nearest prototype belongs to a neuron labelled with the image's class.
        self.assertGreaterEqual(np.mean(report.assignment[nearest] == TEST[1]), 0.95)
        rates = np.zeros((4, 8))
        rates[report.assignment, np.arange(8)] = 1.0
        counts = np.zeros(8, dtype=np.int64)
        counts[np.flatnonzero(report.assignment == 2)] = 5
        self.assertEqual(sc.stdp_classify_weighted(counts, rates, 4), 2)

    def test_saved_state_round_trips(self):
        report = train_and_test(config())
        net = sc.StdpImageNetwork(config())
        net.set_state(report.weights, report.thresholds)
        np.testing.assert_allclose(net.weights, report.weights, rtol=1e-6)
        np.testing.assert_allclose(net.thresholds, report.thresholds, rtol=1e-6)
        net.steps = 12345
        self.assertEqual(net.steps, 12345)

    def test_integer_pixels_are_read_as_0_to_255(self):
        a, b = sc.StdpImageNetwork(config()), sc.StdpImageNetwork(config())
        image = (TRAIN[0][0] * 255).round()
        np.testing.assert_array_equal(a.present(image.astype(np.uint8)), b.present(image / 255.0))


class Progress(unittest.TestCase):
    def test_progress_reports_each_phase_and_an_exception_stops_the_run(self):
        seen = []
        train_and_test(config(), progress=lambda phase, done, total: seen.append((phase, done, total)))
        self.assertEqual(seen[0], ("train", 1, 60))
        self.assertIn(("label", 40, 40), seen)
        self.assertEqual(seen[-1], ("test", 60, 60))

        calls = []

        def stop(phase, done, total):
            calls.append(done)
            if done == 3:
                raise KeyboardInterrupt

        with self.assertRaises(KeyboardInterrupt):
            train_and_test(config(), progress=stop)
        self.assertEqual(calls, [1, 2, 3])


class BadInput(unittest.TestCase):
    def test_configuration_errors_name_the_field(self):
        for field, value, message in [("neurons", 0, "neurons = 0: must be at least 1"),
                                      ("dt_ms", -1.0, "dt_ms = -1: must be finite and positive"),
                                      ("present_ms", 0.1, "present_ms = 0.1: must be at least one step"),
                                      ("nu_post", float("nan"), "nu_post"),
                                      ("threads", 0, "threads")]:
            with self.assertRaisesRegex(sc.Error, message):
                sc.StdpImageNetwork(config(**{field: value}))
        with self.assertRaisesRegex(sc.Error, "intensity"):
            config(intensity=0).check()
        with self.assertRaisesRegex(TypeError, "no parameter 'neuron'"):
            sc.StdpImageConfig(neuron=5)

    def test_images_and_labels_are_checked(self):
        net = sc.StdpImageNetwork(config())
        with self.assertRaisesRegex(sc.Error, "an image of 63 pixels, the network has 64 inputs"):
            net.present(np.zeros(63))
        with self.assertRaisesRegex(sc.Error, r"image\[5\] = 1.5 is outside 0..1"):
            net.present(np.where(np.arange(64) == 5, 1.5, 0.0))
        with self.assertRaisesRegex(sc.Error, r"image\[0\] = 256 is outside 0..255"):
            net.present(np.full(64, 256, dtype=np.int32))
        with self.assertRaisesRegex(sc.Error, "labels must be one-dimensional, one per image"):
            sc.stdp_train_and_test(config(), TRAIN[0], TRAIN[1][:5], *LABEL, *TEST)
        with self.assertRaisesRegex(sc.Error, "images have 63 pixels, the network 64 inputs"):
            sc.stdp_train_and_test(config(), np.zeros((2, 63)), [0, 1], *LABEL, *TEST)
        with self.assertRaisesRegex(sc.Error, "a saved state of 8 neurons and 10 weights"):
            net.set_state(np.zeros(10), np.zeros(8))
        with self.assertRaisesRegex(sc.Error, "expected 1 x 8 spike counts, got 7"):
            sc.stdp_classify(np.zeros(7), np.zeros(8, dtype=int), 4)
        # Text where numbers belong: an error naming the argument (it crashed the interpreter before).
        with self.assertRaisesRegex(sc.Error, "stdp_assign_labels: rates: expected numbers"):
            sc.stdp_assign_labels("abc", neurons=1, classes=1)
        with self.assertRaisesRegex(sc.Error, "set_state: weights: expected numbers"):
            net.set_state("w", np.zeros(8))
        with self.assertRaisesRegex(sc.Error, "train: labels: expected numbers"):
            sc.stdp_train_and_test(config(), TRAIN[0][:1], ["a"], *LABEL, *TEST)


if __name__ == "__main__":
    unittest.main()
