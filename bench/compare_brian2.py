#!/usr/bin/python3
"""Compare Silicortex with Brian2 C++ standalone on the COBA/CUBA benchmarks, in one invocation.

For each net it runs `silicortex bench <net> --duration D --threads T` for every T in --threads and
bench/brian2_networks.py (Brian2 standalone, --brian-threads, default 1 thread), then prints
synaptic events per second, the ratio ours/Brian2, our multi-thread speed-up over 1 thread, and
the mean rates of both simulators with their relative difference.

Repeats: each configuration runs --repeats times (ours: separate processes, the thread counts taken
in turn; Brian2: the compiled binary is rerun) and the BEST run, the one with the smallest loop_wall_s (largest events_per_s),
is reported for both simulators. All loop times are kept in the --json output.

Both programs print `key=value` lines with rate_hz[exc], rate_hz[inh], spikes, synapses,
loop_wall_s and, last, events_per_s. Run with /usr/bin/python3 (Debian's Brian2).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIAN_SCRIPT = os.path.join(REPO, "bench", "brian2_networks.py")
REQUIRED = ("rate_hz[exc]", "rate_hz[inh]", "spikes", "synapses", "loop_wall_s", "events_per_s")


def parse_output(text, who):
    """Return the key=value lines as a dict; insist on the required keys and events_per_s last."""
    values, last_key = {}, None
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and " " not in key:
            values[key], last_key = value, key
    missing = [k for k in REQUIRED if k not in values]
    if missing:
        raise SystemExit(f"error: {who}: output lacks {', '.join(missing)}\n--- output ---\n{text}")
    if last_key != "events_per_s":
        raise SystemExit(f"error: {who}: events_per_s is not the last key=value line")
    try:
        parsed = {k: float(values[k]) for k in REQUIRED}
        for key in ("core_to_core_ns", "interruption_loss_pct"):
            if key in values:
                parsed[key] = float(values[key])
        return parsed
    except ValueError as e:
        raise SystemExit(f"error: {who}: non-numeric value ({e})\n--- output ---\n{text}")


def run(cmd, who):
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"error: {who} exited with {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def best(runs):
    return min(runs, key=lambda r: r["loop_wall_s"])


def run_ours(binary, net, duration, thread_counts, repeats):
    """Runs each thread count once per round, so every count sees the same moments of a host whose speed
    drifts (the ratios between thread counts are what the rounds keep fair)."""
    runs = {t: [] for t in thread_counts}
    for _ in range(repeats):
        for t in thread_counts:
            cmd = [binary, "bench", net, "--duration", f"{duration:g}", "--threads", str(t)]
            runs[t].append(parse_output(run(cmd, f"silicortex {net} T={t}"), f"silicortex {net} T={t}"))
    return runs


def run_brian(net, duration, threads, repeats):
    cmd = ["/usr/bin/python3", BRIAN_SCRIPT, net, "--duration", f"{duration:g}", "--threads", str(threads),
           "--repeats", str(repeats)]
    out = run(cmd, f"brian2 {net} T={threads}")
    summary = parse_output(out, f"brian2 {net} T={threads}")
    lines = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    walls = [float(t) for t in lines["loop_wall_s_all"].split(",")]
    # Brian's own loop timer: CPU time (std::clock) without OpenMP, omp_get_wtime with it.
    own = [float(t) for t in lines["brian_run_time_s_all"].split(",")]
    # The binary is rerun with the same seed: spikes and events are identical, only timing differs.
    events = summary["events_per_s"] * summary["loop_wall_s"]
    return [dict(summary, loop_wall_s=w, events_per_s=events / w, brian_run_time_s=b) for w, b in zip(walls, own)]


def rel(a, b):
    return (a - b) / b if b else float("nan")


def print_table(results, our_threads, brian_threads):
    t1 = our_threads[0]
    print("\nSynaptic events per second (best of repeats; loop_wall_s in brackets)")
    head = [f"ours T={t}" for t in our_threads] + [f"brian2 T={t}" for t in brian_threads]
    head += [f"ours T={t}/brian2 T={brian_threads[0]}" for t in our_threads]
    head += [f"ours T={t}/T={t1}" for t in our_threads[1:]]
    print(f"{'net':<6}" + "".join(f"{h:>26}" for h in head))
    for net, r in results.items():
        ours = {t: best(r["ours"][t]) for t in our_threads}
        brian = {t: best(r["brian2"][t]) for t in brian_threads}
        cells = [f"{x['events_per_s']:.3e} ({x['loop_wall_s']:.3f}s)" for x in list(ours.values()) + list(brian.values())]
        b0 = brian[brian_threads[0]]["events_per_s"]
        cells += [f"{ours[t]['events_per_s'] / b0:.3f}" for t in our_threads]
        cells += [f"{ours[t]['events_per_s'] / ours[t1]['events_per_s']:.3f}" for t in our_threads[1:]]
        print(f"{net:<6}" + "".join(f"{c:>26}" for c in cells))

    print(f"\nMean rates (Hz), ours T={t1} vs brian2 T={brian_threads[0]}; relative difference (ours-brian2)/brian2")
    print(f"{'net':<6}{'group':<6}{'ours':>10}{'brian2':>10}{'rel diff':>10}{'ours syn':>10}{'brian syn':>10}")
    for net, r in results.items():
        o, b = best(r["ours"][t1]), best(r["brian2"][brian_threads[0]])
        for g in ("exc", "inh"):
            k = f"rate_hz[{g}]"
            print(f"{net:<6}{g:<6}{o[k]:>10.3f}{b[k]:>10.3f}{rel(o[k], b[k]):>+10.3f}"
                  f"{int(o['synapses']):>10}{int(b['synapses']):>10}")
        for t in our_threads[1:]:
            other = best(r["ours"][t])
            if other["spikes"] != o["spikes"]:
                print(f"{net:<6}note: ours T={t} gave {int(other['spikes'])} spikes, T={t1} gave {int(o['spikes'])}")
    c2c = [x["core_to_core_ns"] for r in results.values() for runs in r["ours"].values() for x in runs
           if "core_to_core_ns" in x]
    if c2c:
        print(f"\nCore-to-core round trip after each of our runs: {min(c2c):.0f}-{max(c2c):.0f} ns "
              f"(median {statistics.median(c2c):.0f}); each barrier of a multi-threaded step costs about this much")
    lost = [x["interruption_loss_pct"] for r in results.values() for runs in r["ours"].values() for x in runs
            if "interruption_loss_pct" in x]
    if lost:
        print(f"Share of a busy core taken by interruptions after each run: {min(lost):.1f}-{max(lost):.1f} % "
              f"(median {statistics.median(lost):.1f}); threads meeting every step pay every core's share")
    print("\nThe networks are chaotic and the two simulators draw different connectivity: compare mean rates "
          "with the seed-averaged reference in tests/data/brian2_<net>_rates.json, not spike for spike.")


def write_json(path, payload):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp.", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(payload, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)  # no half-written file if interrupted


def int_list(text):
    values = [int(x) for x in text.split(",") if x]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("expected a comma-separated list of positive integers")
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="simulated seconds (default 10)")
    parser.add_argument("--nets", default="coba,cuba", help="comma-separated subset of coba,cuba")
    parser.add_argument("--threads", type=int_list, default=[1, 2], help="our thread counts (default 1,2)")
    parser.add_argument("--brian-threads", type=int_list, default=[1], help="Brian2 OpenMP threads (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per configuration; the best is reported")
    parser.add_argument("--binary", default=os.path.join(REPO, "build", "release", "silicortex"))
    parser.add_argument("--brian-only", action="store_true", help="skip our binary (Brian2 figures only)")
    parser.add_argument("--json", help="also write all runs to this JSON file")
    args = parser.parse_args()
    nets = [n for n in args.nets.split(",") if n]
    if not nets or any(n not in ("coba", "cuba") for n in nets):
        parser.error("--nets must be a comma-separated subset of coba,cuba")
    if args.duration <= 0 or args.repeats < 1:
        parser.error("--duration must be > 0 and --repeats >= 1")
    if not args.brian_only and not os.access(args.binary, os.X_OK):
        raise SystemExit(f"error: our binary {args.binary} is missing or not executable; build it with "
                         "scripts/build.sh release, pass --binary PATH, or use --brian-only")

    results = {}
    for net in nets:
        r = {"ours": {}, "brian2": {}}
        if not args.brian_only:
            r["ours"] = run_ours(args.binary, net, args.duration, args.threads, args.repeats)
        for t in args.brian_threads:
            r["brian2"][t] = run_brian(net, args.duration, t, args.repeats)
        results[net] = r

    if args.brian_only:
        print(f"\nBrian2 standalone only, {args.duration:g} s simulated, best of {args.repeats} "
              "('brian own' = Brian's loop timer, best: CPU time for 1 thread, wall time with OpenMP)")
        print(f"{'net':<6}{'threads':>8}{'events_per_s':>14}{'loop_wall_s':>13}{'median wall':>13}{'brian own':>11}"
              f"{'exc Hz':>9}{'inh Hz':>9}{'spikes':>10}{'synapses':>10}")
        for net, r in results.items():
            for t, runs in r["brian2"].items():
                b = best(runs)
                print(f"{net:<6}{t:>8}{b['events_per_s']:>14.4e}{b['loop_wall_s']:>13.4f}"
                      f"{statistics.median(x['loop_wall_s'] for x in runs):>13.4f}"
                      f"{min(x['brian_run_time_s'] for x in runs):>11.4f}{b['rate_hz[exc]']:>9.3f}"
                      f"{b['rate_hz[inh]']:>9.3f}{int(b['spikes']):>10}{int(b['synapses']):>10}")
    else:
        print_table(results, args.threads, args.brian_threads)
    if args.json:
        write_json(args.json, {"duration_s": args.duration, "repeats": args.repeats, "statistic": "best",
                               "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
