#!/usr/bin/python3
"""Writes tests/data/pynn_brian2_reference.json: tests/data/pynn_network.py run by PyNN's Brian2 backend
(Debian's python3-pynn and python3-brian), the peer tests/python/test_pynn.py compares silicortex.pynn with.
Its delays are one step shorter, to give Brian2 the engine's (and NEST's) transmission timing.

    /usr/bin/python3 bench/make_pynn_brian2_reference.py
"""
import json
import os
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "data"))

import pyNN  # noqa: E402
import pyNN.brian2 as sim  # noqa: E402

import pynn_network  # noqa: E402

result = pynn_network.run(sim, delay_shift=-0.1)  # Brian2 applies input one step later: see pynn_network
result["v"] = [[round(x, 4) for x in row] for row in result["v"]]  # 0.1 uV is far below any tolerance
result["made_by"] = f"bench/make_pynn_brian2_reference.py (PyNN {pyNN.__version__}, pyNN.brian2)"
path = os.path.join(REPO, "tests", "data", "pynn_brian2_reference.json")
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
with os.fdopen(fd, "w") as f:
    json.dump(result, f)
os.chmod(tmp, 0o644)
os.replace(tmp, path)  # no half-written file if interrupted
print(f"wrote {path}: {sum(len(s) for s in result['spikes'])} spikes")
