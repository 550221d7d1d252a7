#!/usr/bin/python3
"""The Python module's simulation loop against the CLI's, on the same network in the same minutes.

    PYTHONPATH=build/release/python /usr/bin/python3 bench/python_vs_cli.py [--net cuba] [--duration 50] [--repeats 5]

Alternates `silicortex bench NET` and `silicortex.run(...)` and prints each events/s figure, then the median
ratio. Both run the same library, so the ratio should be 1 within the machine's noise: the binding adds work only
before and after the loop (building the network, wrapping the results).
"""
import argparse
import os
import statistics
import subprocess
import time

import silicortex as sc

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--net", default="cuba", choices=["cuba", "coba"])
parser.add_argument("--duration", type=float, default=50.0, help="simulated seconds")
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--cli", default=os.path.join(here, "..", "build", "release", "silicortex"))
args = parser.parse_args()

ratios = []
for i in range(args.repeats):
    out = subprocess.run([args.cli, "bench", args.net, "--duration", str(args.duration), "--threads",
                          str(args.threads)], check=True, capture_output=True, text=True).stdout
    cli = float(out.strip().splitlines()[-1].split("=")[1])
    t0 = time.perf_counter()
    net = sc.builtin_model(args.net)
    net.clear_probes()  # as `silicortex bench` does
    r = sc.run(net, duration_ms=args.duration * 1e3, threads=args.threads)
    whole = time.perf_counter() - t0
    py = r.meta.synaptic_events_per_s
    ratios.append(py / cli)
    print(f"run {i + 1}: cli events_per_s={cli:.4g}  python events_per_s={py:.4g}  ratio={py / cli:.3f}  "
          f"(python call {whole:.2f} s, loop {r.meta.loop_wall_s:.2f} s)")
print(f"median python/cli ratio over {len(ratios)} runs: {statistics.median(ratios):.3f}")
