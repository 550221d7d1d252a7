#!/usr/bin/python3
"""Spike-for-spike reference from Brian2 for a small deterministic network (tests/data/feedforward.toml).

The network has no randomness at run time: explicit source spike times, explicit synapses with weights and delays,
fixed initial potentials. Brian2 integrates it with method='exact' (the same propagators as iaf_psc_exp) in double
precision; tests/unit/validation/test_brian2_spikes.cpp runs the same TOML file in Silicortex and compares spikes.

Usage: /usr/bin/python3 bench/make_brian2_spike_reference.py   (writes tests/data/brian2_feedforward_spikes.csv)
"""
import os
import sys
import tomllib

import brian2 as b2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    with open(os.path.join(ROOT, "tests/data/feedforward.toml"), "rb") as f:
        net = tomllib.load(f)
    b2.prefs.codegen.target = "numpy"
    dt = net["simulation"]["dt_ms"] * b2.ms
    b2.defaultclock.dt = dt
    pops = {p["name"]: p for p in net["population"]}
    src = pops["src"]
    times = src["params"]["spike_times_ms"]
    idx = [i for i, lst in enumerate(times) for _ in lst]
    t = [x for lst in times for x in lst]
    gen = b2.SpikeGeneratorGroup(len(times), idx, np.array(t) * b2.ms)

    p = pops["lif"]["params"]
    ns = {"C": p["c_m_pf"] * b2.pF, "taum": p["tau_m_ms"] * b2.ms, "tau_e": p["tau_syn_exc_ms"] * b2.ms,
          "tau_i": p["tau_syn_inh_ms"] * b2.ms, "El": p["e_l_mv"] * b2.mV, "Vt": p["v_th_mv"] * b2.mV,
          "Vr": p["v_reset_mv"] * b2.mV, "Ie": p.get("i_e_pa", 0.0) * b2.pA}
    eqs = """dv/dt = (El - v)/taum + (ie + ii + Ie)/C : volt (unless refractory)
             die/dt = -ie/tau_e : amp
             dii/dt = -ii/tau_i : amp"""
    lif = b2.NeuronGroup(pops["lif"]["size"], eqs, threshold="v > Vt", reset="v = Vr",
                         refractory=p["t_ref_ms"] * b2.ms, method="exact", namespace=ns)
    lif.v = np.array(pops["lif"]["initial"]["v"]) * b2.mV
    groups = {"src": gen, "lif": lif}
    synapses = []
    for proj in net["projection"]:
        target = "ie" if proj.get("receptor", "excitatory") == "excitatory" else "ii"
        s = b2.Synapses(groups[proj["pre"]], groups[proj["post"]], "w : amp", on_pre=f"{target} += w")
        c = proj["connector"]
        s.connect(i=np.array(c["pre"]), j=np.array(c["post"]))
        s.w = np.array(proj["weight"]) * b2.pA
        # Silicortex's minimum delay of one step is Brian's delay 0: subtract one step.
        s.delay = (np.array(proj["delay_ms"]) - net["simulation"]["dt_ms"]) * b2.ms
        synapses.append(s)
    mon = b2.SpikeMonitor(lif)
    network = b2.Network(gen, lif, mon, *synapses)  # explicit: synapses in a list are not "magic"-collected
    network.run(net["simulation"]["duration_ms"] * b2.ms)
    steps = np.round(mon.t / dt).astype(int)
    order = np.lexsort((mon.i, steps))
    out = os.path.join(ROOT, "tests/data/brian2_feedforward_spikes.csv")
    with open(out, "w") as f:
        f.write(f"# Brian2 {b2.__version__}, numpy target, method='exact'; made by bench/make_brian2_spike_reference.py\n")
        f.write("step,neuron\n")
        for k in order:
            f.write(f"{steps[k]},{mon.i[k]}\n")
    print(f"{len(order)} spikes -> {out}")


if __name__ == "__main__":
    sys.exit(main())
