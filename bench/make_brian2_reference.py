#!/usr/bin/python3
"""Write the Brian2 reference firing rates for COBA/CUBA to tests/data/brian2_<net>_rates.json.

The networks are chaotic, so one run says little: the reference is the mean over several seeds
(independent connectivity and initial states), with the spread between seeds stored alongside so
a test can derive an honest tolerance. Rates are measured over the whole run [0, duration],
initial transient included, exactly as bench/brian2_networks.py and `silicortex bench` report them.

    /usr/bin/python3 bench/make_brian2_reference.py --nets coba,cuba --seeds 1-10 --duration 2
"""
import argparse
import datetime
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2_networks as bn  # noqa: E402  (parameters, network sizes)
from compare_brian2 import REPO, BRIAN_SCRIPT, parse_output, run, write_json  # noqa: E402


def seed_list(text):
    if "-" in text:
        lo, hi = (int(x) for x in text.split("-", 1))
        return list(range(lo, hi + 1))
    return [int(x) for x in text.split(",") if x]


def summary(values):
    mean = statistics.fmean(values)
    std = statistics.stdev(values) if len(values) > 1 else float("nan")
    return {"mean": mean, "std_between_seeds": std, "sem": std / len(values) ** 0.5}


def reference(net, seeds, duration):
    per_seed = []
    for seed in seeds:
        cmd = ["/usr/bin/python3", BRIAN_SCRIPT, net, "--duration", f"{duration:g}", "--seed", str(seed)]
        r = parse_output(run(cmd, f"brian2 {net} seed {seed}"), f"brian2 {net} seed {seed}")
        per_seed.append({"seed": seed, "rate_hz_exc": r["rate_hz[exc]"], "rate_hz_inh": r["rate_hz[inh]"],
                         "spikes": int(r["spikes"]), "synapses": int(r["synapses"])})
        print(f"{net} seed {seed}: exc {r['rate_hz[exc]']:.3f} Hz, inh {r['rate_hz[inh]']:.3f} Hz", file=sys.stderr)
    import warnings
    warnings.simplefilter("ignore", FutureWarning)
    import brian2
    return {
        "description": f"Brian2 C++ standalone reference rates for the {net.upper()} benchmark "
                       "(Brette et al. 2007; Vogels & Abbott 2005), mean over seeds",
        "simulator": "brian2 cpp_standalone (Debian python3-brian), 1 thread, default compiler flags",
        "brian2_version": brian2.__version__,
        "generated_by": "/usr/bin/python3 bench/make_brian2_reference.py " + " ".join(sys.argv[1:]),
        "per_seed_command": f"/usr/bin/python3 bench/brian2_networks.py {net} --duration {duration:g} --seed <seed>",
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rate_window": f"whole run [0, {duration:g}] s, initial transient included",
        "parameters": {
            "n_exc": bn.N_EXC, "n_inh": bn.N_INH, "connection_p": bn.CONNECTION_P,
            "connectivity": "Synapses(P[:3200], P).connect(p) and Synapses(P[3200:], P).connect(p), "
                            "self-connections allowed, no delay",
            "dt_ms": bn.DT_MS, "refractory_ms": bn.REFRACTORY_MS, "duration_s": duration,
            "equations": " ".join(bn.EQUATIONS[net].split()),
            **bn.PARAMS[net],
        },
        "seeds": seeds,
        "per_seed": per_seed,
        "rate_hz_exc": summary([s["rate_hz_exc"] for s in per_seed]),
        "rate_hz_inh": summary([s["rate_hz_inh"] for s in per_seed]),
        "note": "The network is chaotic: individual seeds differ; the mean over seeds is the reference, and "
                "std_between_seeds is the spread a single run of an equivalent simulator should show.",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nets", default="coba,cuba")
    parser.add_argument("--seeds", default="1-10", help="'a-b' or comma-separated list (default 1-10)")
    parser.add_argument("--duration", type=float, default=2.0, help="simulated seconds per seed (default 2)")
    parser.add_argument("--out-dir", default=os.path.join(REPO, "tests", "data"))
    args = parser.parse_args()
    seeds = seed_list(args.seeds)
    nets = [n for n in args.nets.split(",") if n]
    if not seeds or args.duration <= 0 or any(n not in bn.PARAMS for n in nets):
        parser.error("need seeds, a positive duration and nets from coba,cuba")
    os.makedirs(args.out_dir, exist_ok=True)
    for net in nets:
        path = os.path.join(args.out_dir, f"brian2_{net}_rates.json")
        write_json(path, reference(net, seeds, args.duration))
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
