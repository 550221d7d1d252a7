#!/usr/bin/python3
"""COBA / CUBA benchmark networks (Brette et al. 2007, Benchmarks 1 and 2) in Brian2 C++ standalone mode.

Run with Debian's interpreter (/usr/bin/python3, python3-brian 2.5.1), e.g.

    /usr/bin/python3 bench/brian2_networks.py coba --duration 10 --threads 1

Network: 4000 LIF neurons (3200 exc, 800 inh); each source group connects onto all 4000 neurons with
Synapses(P[:3200], P).connect(p=0.02) (self-connections allowed, as in Brian's reference scripts);
dt = 0.1 ms; threshold v > Vt, reset v = Vr, refractory 5 ms (v clamped, conductances keep decaying);
on_pre without delay. No external input.

  CUBA  follows brian2's examples/CUBA.py: dv/dt = (ge + gi - (v - El))/taum, ge/gi in volts,
        we = 1.62 mV, wi = -9 mV, El = -49 mV, v0 = Vr + rand()*(Vt - Vr), ge0 = gi0 = 0, exact integration.
  COBA  follows the Brian reference for Benchmark 1 (Brette et al. 2007, Brian's COBA.py):
        dv/dt = (ge*(Ee - v) + gi*(Ei - v) + (El - v))/taum, ge/gi dimensionless (relative to the leak),
        we = 0.6, wi = 6.7, El = Vr = -60 mV. Integrated with exponential Euler (exact for v with ge/gi frozen
        over the step, exact for the conductance decay), the scheme our engine uses; the Brian reference used
        forward Euler. Initial state, as in the reference, v0 = El + (5*randn() - 5) mV, ge0 = 4 + 1.5*randn(),
        gi0 = 20 + 12*randn(): with El = Vr < Vt, no input and ge = gi = 0 the network never fires, so the
        random initial conductances are what starts the activity (gi0 < 0 for ~5% of the neurons).

Output (stdout, one `key=value` per line, events_per_s last):
  rate_hz[exc], rate_hz[inh], spikes, synapses, synaptic_events, loop_wall_s, brian_run_time_s, events_per_s.

Timing: loop_wall_s is CLOCK_MONOTONIC wall time around `network.run(...)` in the generated main.cpp
(inserted with device.insert_code('before_network_run'/'after_network_run')), i.e. the simulation loop
alone, without compilation, synapse creation or initialisation. brian_run_time_s is Brian's own
Network::_last_run_time (results/last_run_info.txt) for the same loop, which is *CPU* time
(std::clock) without OpenMP and omp_get_wtime wall time with OpenMP. events_per_s uses loop_wall_s.

Spikes are counted with one SpikeMonitor(P, record=False): it keeps only the per-neuron `count`
array (no spike times), which is the cheapest way to get exact per-neuron counts; synaptic events
are then sum_i count[i] * out_degree[i], with the out-degrees taken from the Synapses objects.
"""
import argparse
import fcntl
import os
import shutil
import sys
import tempfile

N_EXC = 3200
N_INH = 800
N_TOTAL = N_EXC + N_INH
CONNECTION_P = 0.02
DT_MS = 0.1
REFRACTORY_MS = 5.0

# Parameters in plain numbers (mV, ms); brian units are attached in build_network.
PARAMS = {
    "coba": dict(taum_ms=20.0, taue_ms=5.0, taui_ms=10.0, El_mV=-60.0, Vt_mV=-50.0, Vr_mV=-60.0,
                 Ee_mV=0.0, Ei_mV=-80.0, we=0.6, wi=6.7, method="exponential_euler",
                 v0="El + (5*randn() - 5)*mV", ge0="4 + 1.5*randn()", gi0="20 + 12*randn()"),
    "cuba": dict(taum_ms=20.0, taue_ms=5.0, taui_ms=10.0, El_mV=-49.0, Vt_mV=-50.0, Vr_mV=-60.0,
                 we_mV=1.62, wi_mV=-9.0, method="exact",
                 v0="Vr + rand()*(Vt - Vr)", ge0="0*mV", gi0="0*mV"),
}

EQUATIONS = {
    "coba": """
        dv/dt = (ge*(Ee - v) + gi*(Ei - v) + (El - v))/taum : volt (unless refractory)
        dge/dt = -ge/taue : 1
        dgi/dt = -gi/taui : 1
    """,
    "cuba": """
        dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
        dge/dt = -ge/taue : volt
        dgi/dt = -gi/taui : volt
    """,
}

# Wall clock around network.run(); the variables live in main()'s block, shared by both slots.
TIMER_START = "struct timespec scx_t0, scx_t1; clock_gettime(CLOCK_MONOTONIC, &scx_t0);"
TIMER_STOP = ("clock_gettime(CLOCK_MONOTONIC, &scx_t1);"
              " { std::ofstream scx_f(\"results/scx_loop_wall_s.txt\"); scx_f.precision(12);"
              " scx_f << (double)(scx_t1.tv_sec - scx_t0.tv_sec) + 1e-9*(double)(scx_t1.tv_nsec - scx_t0.tv_nsec)"
              " << std::endl; }")


def build_network(b2, net, seed):
    """Create the neurons, synapses and spike counter in the current (standalone) device."""
    p = PARAMS[net]
    ms, mV = b2.ms, b2.mV
    ns = dict(taum=p["taum_ms"] * ms, taue=p["taue_ms"] * ms, taui=p["taui_ms"] * ms,
              El=p["El_mV"] * mV, Vt=p["Vt_mV"] * mV, Vr=p["Vr_mV"] * mV)
    if net == "coba":
        ns.update(Ee=p["Ee_mV"] * mV, Ei=p["Ei_mV"] * mV, we=p["we"], wi=p["wi"])
    else:
        ns.update(we=p["we_mV"] * mV, wi=p["wi_mV"] * mV)
    b2.seed(seed)  # seeds the generated code's RNG: rand()/randn() initial values and connect(p=...)
    group = b2.NeuronGroup(N_TOTAL, EQUATIONS[net], threshold="v > Vt", reset="v = Vr",
                           refractory=REFRACTORY_MS * ms, method=p["method"], namespace=ns)
    group.v = p["v0"]
    group.ge = p["ge0"]
    group.gi = p["gi0"]
    exc = b2.Synapses(group[:N_EXC], group, on_pre="ge += we", namespace=ns)
    inh = b2.Synapses(group[N_EXC:], group, on_pre="gi += wi", namespace=ns)
    exc.connect(p=CONNECTION_P)
    inh.connect(p=CONNECTION_P)
    counter = b2.SpikeMonitor(group, record=False)
    return group, exc, inh, counter


def project_dir(net, threads, build_dir):
    # A fixed directory per configuration lets Brian rebuild incrementally (only main.cpp changes
    # with seed or duration), which keeps repeated invocations cheap on a busy machine.
    if build_dir:
        return os.path.abspath(build_dir)
    return os.path.join(tempfile.gettempdir(), f"silicortex_brian2_{os.getuid()}", f"{net}_t{threads}")


def read_float(path):
    with open(path) as f:
        return float(f.read().split()[0])


def simulate(net, duration_s, threads=1, seed=1, repeats=1, build_dir=None, make_jobs=2, fresh=False):
    """Build, compile and run one network; return a dict of results (timings per repeat)."""
    import warnings
    warnings.simplefilter("ignore", FutureWarning)  # pythran/numpy noise at import time
    import numpy as np
    import brian2 as b2

    directory = project_dir(net, threads, build_dir)
    if fresh and os.path.isdir(directory):
        shutil.rmtree(directory)
    os.makedirs(directory, exist_ok=True)
    lock = open(os.path.join(os.path.dirname(directory), f".{os.path.basename(directory)}.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)  # two invocations must not share one project directory

    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f"-j{make_jobs}"]
    if threads > 1:
        b2.prefs.devices.cpp_standalone.openmp_threads = threads
    b2.defaultclock.dt = DT_MS * b2.ms
    group, exc, inh, counter = build_network(b2, net, seed)
    network = b2.Network(group, exc, inh, counter)  # explicit: objects live outside this frame
    b2.device.insert_code("before_network_run", TIMER_START)
    b2.device.insert_code("after_network_run", TIMER_STOP)
    network.run(duration_s * b2.second)
    b2.device.build(directory=directory, compile=True, run=True, debug=False)

    wall = [read_float(os.path.join(directory, "results", "scx_loop_wall_s.txt"))]
    brian = [float(b2.device._last_run_time)]
    for _ in range(repeats - 1):  # rerun the same binary: identical spikes, fresh timing
        b2.device.run(directory, with_output=False, run_args=[])
        wall.append(read_float(os.path.join(directory, "results", "scx_loop_wall_s.txt")))
        brian.append(float(b2.device._last_run_time))

    count = np.asarray(counter.count[:], dtype=np.int64)
    out_degree = (np.bincount(np.asarray(exc.i[:]), minlength=N_EXC)[:N_EXC],
                  np.bincount(np.asarray(inh.i[:]), minlength=N_INH)[:N_INH])
    events = int(np.dot(count[:N_EXC], out_degree[0]) + np.dot(count[N_EXC:], out_degree[1]))
    return dict(net=net, duration_s=duration_s, threads=threads, seed=seed,
                rate_exc_hz=count[:N_EXC].sum() / N_EXC / duration_s,
                rate_inh_hz=count[N_EXC:].sum() / N_INH / duration_s,
                spikes=int(count.sum()), synapses=int(len(exc) + len(inh)), synaptic_events=events,
                loop_wall_s=wall, brian_run_time_s=brian, brian_version=b2.__version__)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("net", choices=sorted(PARAMS))
    parser.add_argument("--duration", type=float, default=10.0, help="simulated seconds (default 10)")
    parser.add_argument("--threads", type=int, default=1, help="OpenMP threads (1 = no OpenMP, Brian's default)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1,
                        help="run the compiled binary this many times; the best (minimum) loop time is reported")
    parser.add_argument("--build-dir", default=None, help="Brian project directory (default: per-config dir in $TMPDIR)")
    parser.add_argument("--make-jobs", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="delete the project directory first")
    args = parser.parse_args()
    if args.duration <= 0 or args.threads < 1 or args.repeats < 1:
        parser.error("--duration must be > 0, --threads and --repeats >= 1")

    r = simulate(args.net, args.duration, args.threads, args.seed, args.repeats, args.build_dir,
                 args.make_jobs, args.fresh)
    best = min(r["loop_wall_s"])
    print(f"brian2_version={r['brian_version']}")
    print(f"net={r['net']}")
    print(f"threads={r['threads']}")
    print(f"duration_s={r['duration_s']:g}")
    print(f"seed={r['seed']}")
    print(f"rate_hz[exc]={r['rate_exc_hz']:.6f}")
    print(f"rate_hz[inh]={r['rate_inh_hz']:.6f}")
    print(f"spikes={r['spikes']}")
    print(f"synapses={r['synapses']}")
    print(f"synaptic_events={r['synaptic_events']}")
    print("loop_wall_s_all=" + ",".join(f"{t:.6f}" for t in r["loop_wall_s"]))
    print("brian_run_time_s_all=" + ",".join(f"{t:.6f}" for t in r["brian_run_time_s"]))
    print(f"brian_run_time_s={min(r['brian_run_time_s']):.6f}")
    print(f"loop_wall_s={best:.6f}")
    print(f"events_per_s={r['synaptic_events'] / best:.6e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
