"""The cognitive memory from Python against distances and RCE rules computed here with numpy."""
import os
import tempfile
import unittest

import numpy as np

import silicortex as sc


def l1(a, b):
    return int(np.abs(a.astype(np.int64) - b.astype(np.int64)).sum())


class CognitiveMemory(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(4)
        self.protos = rng.integers(0, 256, size=(30, 64), dtype=np.uint8)
        self.labels = np.arange(30) % 5 + 1

    def test_knn_distances_are_the_nearest_l1_distances(self):
        # Learn in RBF mode (in KNN mode every neuron fires, so a category commits once), one category per
        # prototype so that each commits; then recognise as KNN.
        cm = sc.CognitiveMemory("software")
        self.assertEqual(cm.learn_many(self.protos, np.arange(30) + 1), 30)
        cm.classifier = "knn"
        q = np.random.default_rng(5).integers(0, 256, 64, dtype=np.uint8)
        got = cm.recognize(q, k=4)["responses"]
        want = sorted(l1(q, p) for p in self.protos)[:4]
        self.assertEqual([r[0] for r in got], want)
        best = int(np.argmin([l1(q, p) for p in self.protos]))
        self.assertEqual(got[0][1], best + 1)
        self.assertEqual(got[0][2], best + 1)  # neuron ids are 1-based, in commit order

    def test_rbf_fields_shrink_to_the_nearest_other_category(self):
        cm = sc.CognitiveMemory("cm1k")
        a, b = np.zeros(16, np.uint8), np.full(16, 200, np.uint8)
        self.assertTrue(cm.learn(a, 1)["committed"])
        step = cm.learn(b, 2)
        self.assertEqual((step["committed"], step["shrunk"]), (True, 1))
        # Both fields are now the distance between the two prototypes, 16 * 200 = 3200; a neuron fires below
        # its field, strictly: a itself is 3200 from b.
        at_a = cm.recognize(a)
        self.assertEqual(at_a["status"], "identified")
        self.assertEqual(at_a["responses"][0][:2], (0, 1))
        self.assertEqual(cm.recognize(np.full(16, 10, np.uint8))["status"], "uncertain")  # 3040 from b
        between = cm.recognize(np.full(16, 100, np.uint8), k=2)
        self.assertEqual(between["status"], "uncertain")
        self.assertEqual([r[0] for r in between["responses"]], [1600, 1600])
        small = sc.CognitiveMemory("cm1k")
        small.maxif = 100  # a new neuron's field: 16 * 10 = 160 lies outside it
        small.learn(a, 1)
        self.assertEqual(small.recognize(np.full(16, 10, np.uint8))["status"], "unknown")
        self.assertEqual(small.recognize(np.full(16, 6, np.uint8))["status"], "identified")

    def test_batch_classification_matches_one_at_a_time_on_threads(self):
        cm = sc.CognitiveMemory("software", threads=2)
        cm.learn_many(self.protos, self.labels)
        queries = np.random.default_rng(6).integers(0, 256, size=(200, 64), dtype=np.uint8)
        category, distance, status = cm.classify(queries)
        for i in range(0, 200, 17):
            one = cm.recognize(queries[i])
            code = {"unknown": 0, "uncertain": 4, "identified": 8}[one["status"]]
            self.assertEqual(status[i], code)
            if one["responses"]:
                self.assertEqual((distance[i], category[i]), one["responses"][0][:2])

    def test_knowledge_file_round_trip_and_errors(self):
        cm = sc.CognitiveMemory("cm1k")
        cm.learn_many(self.protos, self.labels)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "k.scxk")
            cm.save(path)
            back = sc.CognitiveMemory("cm1k")
            back.load(path)
        self.assertEqual(back.committed, cm.committed)
        q = self.protos[7] // 2
        self.assertEqual(back.recognize(q, k=3), cm.recognize(q, k=3))
        with self.assertRaisesRegex(sc.Error, "256"):
            cm.learn(np.zeros(300, np.uint8), 1)  # a chip neuron holds 256 bytes
        with self.assertRaisesRegex(sc.Error, "0..255"):
            cm.learn(np.array([0.5, 1.0]), 1)  # not silently truncated to bytes
        with self.assertRaisesRegex(sc.Error, "0..255"):
            cm.classify(np.full((2, 4), 300))
        self.assertEqual(cm.recognize([int(v) for v in q], k=3), cm.recognize(q, k=3))  # a list of ints is fine
        with self.assertRaisesRegex(sc.Error, "classifier"):
            cm.classifier = "svm"
        with self.assertRaises(sc.Error):
            sc.CognitiveMemory("cm2k")


if __name__ == "__main__":
    unittest.main()
