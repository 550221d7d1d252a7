#!/usr/bin/python3
"""Cognitive memory against scikit-learn, in one run, on the same data.

1. Speed: runs `silicortex bench cogmem` (KNN over random byte prototypes), exports its data, and times
   scikit-learn's brute-force KNN (metric manhattan, the chip's L1) on the same prototypes and queries.
2. Accuracy (with --cv): runs `silicortex app cogmem --task sklearn` on iris, wine, breast-cancer and digits and
   scikit-learn's KNeighborsClassifier on the same folds (sample i is in fold (rank of i within its class) mod k).

Needs Debian's python3-sklearn and python3-numpy; run with /usr/bin/python3.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np


def find_binary(path):
    if path:
        return path
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for preset in ("release", "test"):
        p = os.path.join(root, "build", preset, "silicortex")
        if os.path.exists(p):
            return p
    sys.exit("cogmem_vs_sklearn: no silicortex binary found; build it or pass --silicortex")


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return out


def figure(text, key):
    m = re.search(r"^%s=(\S+)" % re.escape(key), text, re.M)
    return m.group(1) if m else None


def speed(args, binary):
    from sklearn.neighbors import KNeighborsClassifier
    with tempfile.TemporaryDirectory() as d:
        cmd = [binary, "bench", "cogmem", "--neurons", str(args.neurons), "--dim", str(args.dim), "--queries",
               str(args.queries), "--threads", str(args.threads), "--k", str(args.k), "--export", d]
        out = run(cmd)
        protos = np.fromfile(os.path.join(d, "prototypes.u8"), dtype=np.uint8).reshape(args.neurons, args.dim)
        queries = np.fromfile(os.path.join(d, "queries.u8"), dtype=np.uint8).reshape(args.queries, args.dim)
        cats = np.fromfile(os.path.join(d, "categories.u8"), dtype=np.uint8)
        nearest = np.fromfile(os.path.join(d, "nearest_ids.u32"), dtype="<u4")
    m = min(args.sklearn_queries, args.queries)
    knn = KNeighborsClassifier(n_neighbors=args.k, algorithm="brute", metric="manhattan", n_jobs=args.threads)
    knn.fit(protos, cats)
    t0 = time.perf_counter()
    _, idx = knn.kneighbors(queries[:m])
    sk_seconds = time.perf_counter() - t0
    print("command: " + " ".join(cmd[:-2]))
    print("silicortex: %s" % out.strip().replace("\n", "; "))
    print("sklearn: KNeighborsClassifier(algorithm='brute', metric='manhattan', n_neighbors=%d, n_jobs=%d) "
          "on %d of the same queries: seconds=%.3f" % (args.k, args.threads, m, sk_seconds))
    agree = np.mean(nearest[:m] == idx[:, 0] + 1)
    print("nearest neighbour agreement on those queries: %.4f" % agree)
    ours = float(figure(out, "comparisons_per_s"))
    theirs = args.neurons * m / sk_seconds
    print("silicortex_comparisons_per_s=%.4g" % ours)
    print("sklearn_comparisons_per_s=%.4g" % theirs)
    print("speedup=%.1f" % (ours / theirs))


def cv(args, binary):
    from sklearn import datasets
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler
    loaders = {"iris": datasets.load_iris, "wine": datasets.load_wine,
               "breast-cancer": datasets.load_breast_cancer, "digits": datasets.load_digits}
    print("dataset        silicortex_knn  silicortex_rbf  sklearn_knn(k=%d, minmax, L1)  sklearn_knn(k=5, raw, L2)"
          % args.k)
    for name, load in loaders.items():
        x, y = load(return_X_y=True)
        folds = np.zeros(len(y), dtype=int)
        for c in np.unique(y):
            where = np.flatnonzero(y == c)
            folds[where] = np.arange(len(where)) % args.folds
        accs = {"minmax": [], "raw": []}
        for f in range(args.folds):
            tr, te = folds != f, folds == f
            a = make_pipeline(MinMaxScaler(), KNeighborsClassifier(n_neighbors=args.k, metric="manhattan"))
            accs["minmax"].append(a.fit(x[tr], y[tr]).score(x[te], y[te]))
            b = KNeighborsClassifier(n_neighbors=5)
            accs["raw"].append(b.fit(x[tr], y[tr]).score(x[te], y[te]))
        ours = {}
        for mode in ("knn", "rbf"):
            out = run([binary, "app", "cogmem", "--task", "sklearn", "--dataset", name, "--folds", str(args.folds),
                       "--mode", mode, "--k", str(args.k)])
            ours[mode] = float(figure(out, "cv_accuracy"))
        print("%-14s %-15.4f %-15.4f %-30.4f %.4f" % (name, ours["knn"], ours["rbf"], np.mean(accs["minmax"]),
                                                       np.mean(accs["raw"])))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--silicortex", help="path of the silicortex binary (default: build/release or build/test)")
    p.add_argument("--neurons", type=int, default=60000)
    p.add_argument("--dim", type=int, default=784)
    p.add_argument("--queries", type=int, default=10000)
    p.add_argument("--sklearn-queries", type=int, default=1000, help="queries timed on scikit-learn (slower)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--k", type=int, default=1)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--cv", action="store_true", help="also compare cross-validated accuracy on sklearn's sets")
    p.add_argument("--no-speed", action="store_true", help="skip the speed comparison")
    args = p.parse_args()
    binary = find_binary(args.silicortex)
    if not args.no_speed:
        speed(args, binary)
    if args.cv:
        cv(args, binary)


if __name__ == "__main__":
    main()
