#!/usr/bin/python3
"""What plain clustering reaches on Fashion-MNIST with Diehl & Cook's read-out: a reference for stdp-images.

Diehl & Cook's network is competitive learning: each neuron's input weights drift towards the images it wins,
and the read-out labels each neuron by the class it answers most. k-means with k clusters, each cluster labelled
by the majority class of its training images and a test image classified by its cluster's label, is the same
read-out on prototypes found by a batch algorithm instead of spikes. Its accuracy is a yardstick for the
prototypes the spiking network learns (compare `accuracy_prototype=` of `silicortex app stdp-images`).

Images are scaled to unit length (cosine similarity, as `accuracy_prototype`) unless --raw. Needs Debian's
python3-sklearn and python3-numpy (and dataset-fashion-mnist); run with /usr/bin/python3.
"""
import argparse
import gzip
import time

import numpy as np
from sklearn.cluster import MiniBatchKMeans


def read_idx(path):
    with gzip.open(path) as f:
        data = f.read()
    if data[2] != 0x08 or data[3] not in (1, 3):
        raise SystemExit(f"{path}: not an IDX file of unsigned bytes")
    if data[3] == 3:
        n, rows, cols = (int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, rows * cols)
    return np.frombuffer(data, np.uint8, offset=8)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--clusters", default="100,400,1600", help="comma-separated cluster counts")
    ap.add_argument("--train-images", type=int, default=60000)
    ap.add_argument("--label-images", type=int, default=10000,
                    help="first N training images that label the clusters (stdp-images' default)")
    ap.add_argument("--raw", action="store_true", help="cluster the raw pixels, not unit-length images")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    d = a.data_dir
    x_train = read_idx(f"{d}/train-images-idx3-ubyte.gz")[:a.train_images].astype(np.float32) / 255
    y_train = read_idx(f"{d}/train-labels-idx1-ubyte.gz")[:a.train_images]
    x_test = read_idx(f"{d}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255
    y_test = read_idx(f"{d}/t10k-labels-idx1-ubyte.gz")
    if not a.raw:
        x_train /= np.linalg.norm(x_train, axis=1, keepdims=True)
        x_test /= np.linalg.norm(x_test, axis=1, keepdims=True)
    n_label = min(a.label_images or len(y_train), len(y_train))
    print(f"train={len(y_train)} label={n_label} test={len(y_test)} inputs={'raw' if a.raw else 'unit length'}")
    for k in (int(s) for s in a.clusters.split(",")):
        t0 = time.time()
        km = MiniBatchKMeans(n_clusters=k, random_state=a.seed, n_init=3, batch_size=2048).fit(x_train)
        near = km.predict(x_train[:n_label])
        label = np.full(k, -1)
        for c in range(k):
            members = y_train[:n_label][near == c]
            if len(members):
                label[c] = np.bincount(members, minlength=10).argmax()
        acc = float((label[km.predict(x_test)] == y_test).mean())
        print(f"clusters={k} accuracy={acc:.4f} seconds={time.time() - t0:.0f}", flush=True)


if __name__ == "__main__":
    main()
