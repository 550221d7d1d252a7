#!/usr/bin/python3
"""Brette et al.'s COBA network (models/coba.toml) written as a PyNN script, run on silicortex.pynn and, for
comparison, on PyNN's Brian2 backend (runtime mode), in one invocation. Prints for each backend the time PyNN
took to build the network (its connectors draw the synapses in Python), the time of sim.run(), and the mean
rates.

    PYTHONPATH=build/release/python /usr/bin/python3 bench/pynn_coba.py --duration 1000 --backends silicortex,brian2
    PYTHONPATH=build/release/python /usr/bin/python3 bench/pynn_coba.py --backends silicortex --native

A spike with delay d first moves v in the step starting at t + d on Silicortex (and NEST); PyNN's Brian2
backend applies it one step later, so its 0.1 ms synapses act as 0.2 ms ones: rates differ a little.
"""
import argparse
import importlib
import time

import numpy as np


def coba(sim, duration_ms, threads, native=False):
    kwargs = {"threads": threads} if sim.__name__ == "silicortex.pynn" else {}
    sim.setup(timestep=0.1, min_delay=0.1, **kwargs)
    cell = dict(cm=0.2, tau_m=20.0, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0, e_rev_E=0.0, e_rev_I=-80.0,
                tau_syn_E=5.0, tau_syn_I=10.0, tau_refrac=5.0, i_offset=0.0)
    t0 = time.perf_counter()
    exc = sim.Population(3200, sim.IF_cond_exp(**cell), label="exc")
    inh = sim.Population(800, sim.IF_cond_exp(**cell), label="inh")
    rng = sim.NumpyRNG(seed=1)
    for p in (exc, inh):
        p.initialize(v=sim.RandomDistribution("normal", (-65.0, 5.0), rng=rng),
                     gsyn_exc=sim.RandomDistribution("normal", (0.040, 0.015), rng=rng),
                     gsyn_inh=sim.RandomDistribution("normal", (0.200, 0.120), rng=rng))
    connect = sim.FixedProbabilityConnector(0.02, rng=sim.NativeRNG() if native else rng)
    for pre, w, receptor in ((exc, 0.006, "excitatory"), (inh, 0.067, "inhibitory")):
        for post in (exc, inh):
            sim.Projection(pre, post, connect, sim.StaticSynapse(weight=w, delay=0.1), receptor_type=receptor)
    exc.record("spikes")
    inh.record("spikes")
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sim.run(duration_ms)
    run_s = time.perf_counter() - t0
    rates = [sum(len(t) for t in p.get_data().segments[0].spiketrains) / p.size / (duration_ms / 1000.0)
             for p in (exc, inh)]
    sim.end()
    return build_s, run_s, rates


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=1000.0, help="model time in ms (default 1000)")
    parser.add_argument("--backends", default="silicortex,brian2", help="comma-separated: silicortex, brian2")
    parser.add_argument("--threads", type=int, default=1, help="silicortex.pynn engine threads (default 1)")
    parser.add_argument("--native", action="store_true",
                        help="silicortex.pynn: connections drawn by the engine (NativeRNG), not by PyNN in Python")
    args = parser.parse_args()
    modules = {"silicortex": "silicortex.pynn", "brian2": "pyNN.brian2"}
    print(f"{'backend':<12}{'build (s)':>12}{'run (s)':>12}{'exc (Hz)':>12}{'inh (Hz)':>12}")
    for name in args.backends.split(","):
        sim = importlib.import_module(modules[name])
        build_s, run_s, rates = coba(sim, args.duration, args.threads, args.native and name == "silicortex")
        print(f"{name:<12}{build_s:>12.2f}{run_s:>12.3f}{rates[0]:>12.2f}{rates[1]:>12.2f}", flush=True)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
