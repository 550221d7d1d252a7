#!/usr/bin/python3
"""Poisson-driven network (bench/models/poisson_drive.toml) in Silicortex and in Brian2 C++ standalone.

    /usr/bin/python3 bench/poisson_vs_brian2.py [--duration 10] [--repeats 3] [--threads 1,2]

20,000 PoissonGroup sources at 5 Hz; 2,000 LIF cells with exponential current synapses (exact integration,
tau_m 10 ms, C 250 pF, tau_syn 2 ms, threshold -55 mV, reset -70 mV, refractory 2 ms), each receiving 200
sources (fixed in-degree, drawn here with numpy for Brian and by our generator for us), 150 pA per spike, dt
0.1 ms. Both loops are timed around the simulation alone (Brian: clock_gettime around network.run in the
generated main.cpp, as brian2_networks.py does; us: `silicortex run`'s simulation loop). Prints both loop times
(best of --repeats), our speed-up, and the cells' and sources' mean rates on both sides.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from brian2_networks import TIMER_START, TIMER_STOP, read_float  # noqa: E402

N_SRC, N_CELLS, IN_DEGREE, RATE_HZ = 20000, 2000, 200, 5.0


def brian(duration_s, repeats):
    import warnings
    warnings.simplefilter("ignore", FutureWarning)
    import numpy as np
    import brian2 as b2

    directory = os.path.join(tempfile.gettempdir(), f"silicortex_brian2_{os.getuid()}", "poisson_drive")
    os.makedirs(directory, exist_ok=True)
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b2.defaultclock.dt = 0.1 * b2.ms
    b2.seed(1)
    ns = dict(taum=10 * b2.ms, taus=2 * b2.ms, C=250 * b2.pF, El=-70 * b2.mV, Vt=-55 * b2.mV, Vr=-70 * b2.mV,
              w=150 * b2.pA)
    src = b2.PoissonGroup(N_SRC, RATE_HZ * b2.Hz)
    cells = b2.NeuronGroup(N_CELLS, """dv/dt = (El - v)/taum + I/C : volt (unless refractory)
                                       dI/dt = -I/taus : amp""",
                           threshold="v > Vt", reset="v = Vr", refractory=2 * b2.ms, method="exact", namespace=ns)
    cells.v = -70 * b2.mV
    syn = b2.Synapses(src, cells, on_pre="I += w", namespace=ns)
    rng = np.random.default_rng(1)
    pre = np.concatenate([rng.choice(N_SRC, IN_DEGREE, replace=False) for _ in range(N_CELLS)])
    syn.connect(i=pre, j=np.repeat(np.arange(N_CELLS), IN_DEGREE))
    src_count = b2.SpikeMonitor(src, record=False)
    cell_count = b2.SpikeMonitor(cells, record=False)
    net = b2.Network(src, cells, syn, src_count, cell_count)
    b2.device.insert_code("before_network_run", TIMER_START)
    b2.device.insert_code("after_network_run", TIMER_STOP)
    net.run(duration_s * b2.second)
    b2.device.build(directory=directory, compile=True, run=True, debug=False)
    wall = [read_float(os.path.join(directory, "results", "scx_loop_wall_s.txt"))]
    for _ in range(repeats - 1):
        b2.device.run(directory, with_output=False, run_args=[])
        wall.append(read_float(os.path.join(directory, "results", "scx_loop_wall_s.txt")))
    return dict(loop_s=min(wall), all=wall, src_hz=src_count.count[:].sum() / N_SRC / duration_s,
                cells_hz=cell_count.count[:].sum() / N_CELLS / duration_s)


def ours(binary, duration_s, threads, repeats):
    model = os.path.join(HERE, "models", "poisson_drive.toml")
    loops, out = [], ""
    for _ in range(repeats):
        out = subprocess.run([binary, "run", model, "--duration", f"{duration_s}", "--threads", str(threads), "-q"],
                             check=True, capture_output=True, text=True).stdout
        loops.append(float(re.search(r"simulation loop ([\d.]+) s", out).group(1)))
    rate = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\s+(\w+)\s+[\d,]+\s+[\d,]+\s+([\d.]+)$", out, re.M)}
    return dict(loop_s=min(loops), all=loops, src_hz=rate.get("drive"), cells_hz=rate.get("cells"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--binary", default=os.path.join(HERE, "..", "build", "release", "silicortex"))
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary}: not built (bash scripts/build.sh release)")
    b = brian(args.duration, args.repeats)
    print(f"brian2 T=1: loop {b['loop_s']:.3f} s (all {', '.join(f'{t:.3f}' for t in b['all'])}); "
          f"sources {b['src_hz']:.3f} Hz, cells {b['cells_hz']:.3f} Hz")
    for t in (int(x) for x in args.threads.split(",")):
        o = ours(args.binary, args.duration, t, args.repeats)
        print(f"silicortex T={t}: loop {o['loop_s']:.3f} s (all {', '.join(f'{x:.3f}' for x in o['all'])}); "
              f"sources {o['src_hz']:.3f} Hz, cells {o['cells_hz']:.3f} Hz; {b['loop_s'] / o['loop_s']:.2f}x Brian2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
