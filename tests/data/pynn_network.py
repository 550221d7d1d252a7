"""A small deterministic PyNN network for comparing PyNN backends: 20 IF_curr_exp neurons with a bias current
and staggered initial potentials, driven by 10 spike sources at fixed random times, with recurrent
inhibition; connectivity from seeded PyNN RNGs. run(sim) takes a PyNN backend module (pyNN.brian2,
silicortex.pynn) and returns {"spikes": [times per neuron (ms)], "v": [[v of neurons 0-2] per sample]}.
bench/make_pynn_brian2_reference.py stores Brian2's result; tests/python/test_pynn.py compares.

Delays: a spike at t with delay d first moves v in the step that starts at t + d under NEST and Silicortex;
PyNN's Brian2 backend applies it one step later (Brian's synapses act after the step's update). The Brian2
reference is therefore made with every delay one step shorter (`delay_shift=-0.1`), as
bench/make_brian2_spike_reference.py does for the engine's own Brian2 comparison."""
import numpy as np


def run(sim, duration=200.0, delay_shift=0.0):
    sim.setup(timestep=0.1, min_delay=0.1)
    n = 20
    cells = sim.Population(n, sim.IF_curr_exp(tau_m=20.0, cm=0.25, v_thresh=-50.0, v_reset=-65.0, v_rest=-65.0,
                                              tau_refrac=2.0, tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.2),
                           label="cells")
    cells.initialize(v=np.linspace(-65, -52, n))
    rng = np.random.default_rng(5)
    times = [sorted(rng.uniform(0, duration, 10).round(1).tolist()) for _ in range(10)]
    drive = sim.Population(10, sim.SpikeSourceArray(spike_times=times), label="drive")
    sim.Projection(drive, cells, sim.FixedProbabilityConnector(0.3, rng=sim.NumpyRNG(seed=3)),
                   sim.StaticSynapse(weight=0.5, delay=1.0 + delay_shift), receptor_type="excitatory")
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(seed=4)),
                   sim.StaticSynapse(weight=-0.3, delay=2.0 + delay_shift), receptor_type="inhibitory")
    cells.record(["spikes", "v"])
    sim.run(duration)
    segment = cells.get_data().segments[0]
    out = {"spikes": [st.times.magnitude.tolist() for st in segment.spiketrains],
           "v": segment.analogsignals[0].magnitude[:, :3].tolist()}
    sim.end()
    return out
