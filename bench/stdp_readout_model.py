#!/usr/bin/python3
"""Who fires first in a trained stdp-images network: a model of the read-out, from a saved state, no spikes.

With learning frozen the neuron that wins an image is, to first order, the one whose mean input conductance
g = w.x * rate * tau_syn lies furthest above the conductance that holds its membrane at its threshold,
65 / (52 - theta) - 1 (E_L -65 mV, E_exc 0, V_th -52 mV + theta, all conductances in units of g_l).
This script scores every neuron that way on every image and reads the winners out as the prototype read-out
does (each neuron labelled by the majority class of the labelling images it wins), for the model as learned,
for the dot product alone (thresholds ignored), for the cosine (the prototype read-out) and for equalized
neurons (--eval-equalize: one weight length, one threshold; the same winners as the cosine).

    /usr/bin/python3 bench/stdp_readout_model.py s1600-e4.h5          # a state from --save-state

Images are scaled to a pixel sum of 150 and driven at intensity 2, the app's Fashion-MNIST defaults.
Needs Debian's python3-numpy and python3-h5py (and dataset-fashion-mnist).
"""
import argparse
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kmeans_fmnist_reference import read_idx  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("state", help="HDF5 state written by `silicortex app stdp-images --save-state`")
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--input-sum", type=float, default=150)
    ap.add_argument("--intensity", type=float, default=2)
    a = ap.parse_args()

    def images(kind):
        x = read_idx(f"{a.data_dir}/{kind}-images-idx3-ubyte.gz").astype(np.float32) / 255
        y = read_idx(f"{a.data_dir}/{kind}-labels-idx1-ubyte.gz")
        if a.input_sum > 0:
            x *= a.input_sum / np.maximum(x.sum(1, keepdims=True), 1e-9)
        return x, y

    x_train, y_train = images("train")
    x_test, y_test = images("t10k")
    with h5py.File(a.state, "r") as f:
        w = f["weights"][()].astype(np.float32)
        theta = f["theta_mv"][()]
    length = np.linalg.norm(w, axis=1)
    print(f"neurons={w.shape[0]} theta_mv mean={theta.mean():.2f} sd={theta.std():.2f} "
          f"min={theta.min():.2f} max={theta.max():.2f} weight_length mean={length.mean():.3f} "
          f"sd={length.std():.3f} weight_sum mean={w.sum(1).mean():.2f}")

    spikes_per_ms = 255 / 8 * a.intensity / 1000  # at a pixel of 1; tau_syn is 1 ms
    g_threshold = 65 / (52 - theta) - 1
    unit = w / np.maximum(length, 1e-12)[:, None]

    def accuracy(score):
        winners = np.concatenate([np.argmax(score(x_train[i:i + 5000]), 1) for i in range(0, len(x_train), 5000)])
        votes = np.zeros((w.shape[0], 10))
        np.add.at(votes, (winners, y_train), 1)
        label = np.argmax(votes, 1)
        return (label[np.argmax(score(x_test), 1)] == y_test).mean()

    print(f"model_as_learned={accuracy(lambda x: spikes_per_ms * (x @ w.T) - g_threshold):.4f}")
    print(f"dot_only={accuracy(lambda x: x @ w.T):.4f}")
    print(f"cosine={accuracy(lambda x: x @ unit.T):.4f} (equalized neurons: the same winners)")


if __name__ == "__main__":
    main()
