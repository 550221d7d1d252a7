"""PyNN on Silicortex: run PyNN 0.10 scripts (Debian's python3-pynn) on the reference engine.

    import silicortex.pynn as sim
    sim.setup(timestep=0.1, threads=2, rng_seed=1)
    cells = sim.Population(100, sim.IF_cond_exp(tau_m=20.0), label="cells")
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.1), sim.StaticSynapse(weight=0.004, delay=1.0))
    cells.record(["spikes", "v"])
    sim.run(500.0)
    block = cells.get_data()          # neo, as every PyNN backend returns it
    sim.end()

PyNN builds the connections (its connectors and random distributions, in Python), except those given
rng=NativeRNG(), which the engine draws itself; the network goes to the engine at the first run() and continues
across runs until reset(). Supported: IF_curr_exp, IF_cond_exp, Izhikevich, SpikeSourcePoisson,
SpikeSourceArray, StaticSynapse, STDPMechanism (SpikePairRule with additive or multiplicative weight
dependence), DCSource, StepCurrentSource; recording of spikes, v and the synaptic variables. Neuron parameters
must be equal within a population, except i_offset (initial values and Poisson rates may differ per neuron too).
See docs/python.md.
"""
import numpy as np

try:
    from pyNN import common, errors
    from pyNN.common.control import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
    from pyNN.connectors import *  # noqa: F401,F403 - every connector, as a PyNN backend offers them
    from pyNN.connectors import (AllToAllConnector, FixedNumberPostConnector, FixedNumberPreConnector,
                                 FixedProbabilityConnector, OneToOneConnector)
    from pyNN.parameters import ParameterSpace, simplify
    from pyNN.random import NativeRNG as _PyNNNativeRNG, NumpyRNG, RandomDistribution
    from pyNN.recording import Recorder as _BaseRecorder
    from pyNN.space import Space
    from pyNN.standardmodels import build_translations, cells, electrodes, synapses
except ImportError as e:  # pragma: no cover - depends on the machine
    raise ImportError("silicortex.pynn needs PyNN 0.10: apt-get install python3-pynn") from e

import silicortex as _sc

name = "Silicortex"


class ID(int, common.IDMixin):
    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class _State(common.control.BaseState):
    """The simulation: what the script declared, and the engine once it runs."""

    def __init__(self):
        common.control.BaseState.__init__(self)
        self.mpi_rank, self.num_processes = 0, 1
        self.dt = DEFAULT_TIMESTEP
        self.segment_counter = -1
        self.clear()

    def clear(self):
        self.recorders = set()
        self.populations, self.projections, self.currents = [], [], []
        self.id_counter = 0
        self.engine = self.network = self.draft = None
        self.write_on_end = []
        self.seed, self.threads = 1, 1
        self.reset()

    def reset(self):
        self.running = False
        self.t = self.t_start = 0.0
        self.segment_counter += 1
        if self.engine is not None:
            self.engine.step = 0  # every state back to its initial value, the clock to 0
            for rec in self.recorders:
                rec._start_segment()

    def run(self, simtime):
        steps = int(round(simtime / self.dt))
        if steps < 1:
            return
        if self.engine is None:  # populations, projections and currents refuse to be made after this
            self.engine = _Builder(self).engine()
        self.engine.set_duration_ms(steps * self.dt)
        result = self.engine.run()
        for rec in self.recorders:
            rec._store(result)
        self.t += steps * self.dt
        self.running = True

    def run_until(self, tstop):
        self.run(tstop - self.t)


class _Simulator:
    """What PyNN's common classes look up as `_simulator`."""
    name = name
    ID = ID
    state = _State()


simulator = _Simulator


# --- cell types: PyNN's names and units translated into the engine's ----------------------------------------------

class IF_curr_exp(cells.IF_curr_exp):
    __doc__ = cells.IF_curr_exp.__doc__
    translations = build_translations(
        ("cm", "c_m_pf", 1000.0), ("tau_m", "tau_m_ms"), ("tau_refrac", "t_ref_ms"),
        ("tau_syn_E", "tau_syn_exc_ms"), ("tau_syn_I", "tau_syn_inh_ms"), ("v_rest", "e_l_mv"),
        ("v_reset", "v_reset_mv"), ("v_thresh", "v_th_mv"), ("i_offset", "i_e_pa", 1000.0))
    _model = _sc.LifCurrExp
    _offset = "i_e_pa"  # i_offset, native
    _state = {"v": ("v", 1.0), "isyn_exc": ("i_exc", 1000.0), "isyn_inh": ("i_inh", 1000.0)}  # PyNN nA -> pA
    _weight_scale = 1000.0  # nA -> pA


class IF_cond_exp(cells.IF_cond_exp):
    __doc__ = cells.IF_cond_exp.__doc__
    translations = build_translations(
        ("cm", "c_m_pf", 1000.0), ("tau_m", "g_l_ns", "1000.0*cm/tau_m", "c_m_pf/g_l_ns"),
        ("tau_refrac", "t_ref_ms"), ("tau_syn_E", "tau_syn_exc_ms"), ("tau_syn_I", "tau_syn_inh_ms"),
        ("e_rev_E", "e_exc_mv"), ("e_rev_I", "e_inh_mv"), ("v_rest", "e_l_mv"), ("v_reset", "v_reset_mv"),
        ("v_thresh", "v_th_mv"), ("i_offset", "i_e_pa", 1000.0))
    _model = _sc.LifCondExp
    _offset = "i_e_pa"
    _state = {"v": ("v", 1.0), "gsyn_exc": ("g_exc", 1000.0), "gsyn_inh": ("g_inh", 1000.0)}  # uS -> nS
    _weight_scale = 1000.0  # uS -> nS


class Izhikevich(cells.Izhikevich):
    __doc__ = cells.Izhikevich.__doc__
    translations = build_translations(("a", "a"), ("b", "b"), ("c", "c_mv"), ("d", "d"), ("i_offset", "i_e", 1000.0))
    _model = _sc.Izhikevich
    _offset = "i_e"  # the engine adds current steps to it in its own units
    _state = {"v": ("v", 1.0), "u": ("u", 1.0)}
    _weight_scale = 1.0  # delta synapses: PyNN's Izhikevich weights are mV jumps, as the engine's


class SpikeSourcePoisson(cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    translations = build_translations(
        ("rate", "rate_hz"), ("start", "start_ms"), ("duration", "stop_ms", "start+duration", "stop_ms-start_ms"))
    _state = {}


class SpikeSourceArray(cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = build_translations(("spike_times", "spike_times"))
    _state = {}


class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"))

    def _get_minimum_delay(self):
        d = simulator.state.min_delay
        return simulator.state.dt if d == "auto" else d


class STDPMechanism(synapses.STDPMechanism):
    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = build_translations(("weight", "weight"), ("delay", "delay"),
                                           ("dendritic_delay_fraction", "dendritic_delay_fraction"))
    _get_minimum_delay = StaticSynapse._get_minimum_delay


class SpikePairRule(synapses.SpikePairRule):
    __doc__ = synapses.SpikePairRule.__doc__
    translations = build_translations(("tau_plus", "tau_plus"), ("tau_minus", "tau_minus"), ("A_plus", "A_plus"),
                                      ("A_minus", "A_minus"))


class AdditiveWeightDependence(synapses.AdditiveWeightDependence):
    __doc__ = synapses.AdditiveWeightDependence.__doc__
    translations = build_translations(("w_max", "w_max"), ("w_min", "w_min"))


class MultiplicativeWeightDependence(synapses.MultiplicativeWeightDependence):
    __doc__ = synapses.MultiplicativeWeightDependence.__doc__
    translations = build_translations(("w_max", "w_max"), ("w_min", "w_min"))


def _pair_stdp(mechanism, weight_scale):
    """The engine's pair rule for a PyNN STDPMechanism: PyNN's additive amplitudes are fractions of w_max,
    its multiplicative ones scale (w_max - w) and (w - w_min) as the engine's do."""
    td, wd = mechanism.timing_dependence, mechanism.weight_dependence
    if mechanism.dendritic_delay_fraction != 1:  # the engine pairs spikes by their times at the somas
        raise NotImplementedError("silicortex.pynn: STDP with dendritic_delay_fraction other than 1 (PyNN's "
                                  "default, NEST's convention: spikes pair by their emission times)")
    if not isinstance(td, SpikePairRule) or not isinstance(wd, (AdditiveWeightDependence,
                                                                MultiplicativeWeightDependence)):
        raise NotImplementedError(
            f"silicortex.pynn: STDP with {type(td).__name__} and {type(wd).__name__}; supported: SpikePairRule "
            "with AdditiveWeightDependence or MultiplicativeWeightDependence")
    values = {}
    for component in (td, wd):
        for key, value in component.parameter_space.items():  # read, not evaluated: the space stays as given
            base = np.asarray(getattr(value, "base_value", value))
            if base.dtype == object or (base.size > 1 and not np.all(base == base.ravel()[0])):
                raise errors.InvalidParameterValueError(f"silicortex.pynn: STDP parameter '{key}' differs between "
                                                        "synapses; the engine takes one per projection")
            values[key] = float(base.ravel()[0])
    multiplicative = isinstance(wd, MultiplicativeWeightDependence)
    w_max, w_min = values["w_max"] * weight_scale, values["w_min"] * weight_scale
    amplitude = 1.0 if multiplicative else w_max
    return _sc.PairStdp(a_plus=values["A_plus"] * amplitude, a_minus=values["A_minus"] * amplitude,
                        tau_plus_ms=values["tau_plus"], tau_minus_ms=values["tau_minus"], w_min=w_min, w_max=w_max,
                        multiplicative=multiplicative, pairing="all_to_all")


class _Injected:
    """A current source as constant steps, each (start ms, stop ms, amplitude nA), handed to the engine's
    current steps (Network.inject_current) when the network is built."""

    def inject_into(self, cells):
        """Injects this current into the cells (a Population, PopulationView or list of IDs)."""
        if simulator.state.engine is not None:
            raise NotImplementedError("silicortex.pynn: current sources must be injected before run()")
        ids = [cells] if isinstance(cells, ID) else list(getattr(cells, "all_cells", cells))
        by_parent = {}
        for i in ids:
            by_parent.setdefault(i.parent, []).append(i.parent.id_to_index(i))
        for parent, indices in by_parent.items():
            simulator.state.currents.append((parent, sorted(indices), self._steps()))

    def _value(self, name):
        return np.asarray(getattr(self.parameter_space[name], "base_value", self.parameter_space[name]))


class DCSource(_Injected, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = build_translations(("amplitude", "amplitude"), ("start", "start"), ("stop", "stop"))

    def _steps(self):
        return [(float(self._value("start")), float(self._value("stop")), float(self._value("amplitude")))]


class StepCurrentSource(_Injected, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = build_translations(("amplitudes", "amplitudes"), ("times", "times"))

    def _steps(self):
        # Each amplitude holds from its time to the next one's; the last one to the end.
        times = np.asarray(getattr(self._value("times").item(), "value", self._value("times")), dtype=float).ravel()
        amps = np.asarray(getattr(self._value("amplitudes").item(), "value", self._value("amplitudes")),
                          dtype=float).ravel()
        if times.size != amps.size or np.any(np.diff(times) <= 0):
            raise errors.InvalidParameterValueError("silicortex.pynn: StepCurrentSource needs one amplitude per "
                                                    "time, the times increasing")
        ends = np.append(times[1:], 1e300)
        return [(float(t), float(e), float(a)) for t, e, a in zip(times, ends, amps) if a != 0.0]


# --- populations --------------------------------------------------------------------------------------------------

class Assembly(common.Assembly):
    _simulator = simulator


class PopulationView(common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    def _get_parameters(self, *names):
        return ParameterSpace({n: simplify(self.parent._parameters[n][self.mask]) for n in names},
                              shape=(self.size,))

    def _set_parameters(self, parameter_space):
        self.parent._update_parameters(parameter_space, self.mask)

    def _set_initial_value_array(self, variable, initial_values):
        self.parent._set_initial(variable, initial_values, self.mask)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


class Recorder(_BaseRecorder):
    """Recorded data of one population, filled after each run from the engine's results."""
    _simulator = simulator

    def __init__(self, population, file=None):
        _BaseRecorder.__init__(self, population, file)
        self._spikes = {}   # id -> list of arrays of times (ms)
        self._signals = {}  # variable -> [rows: initial values, then each run's samples]
        self._simulator.state.recorders.add(self)

    def _record(self, variable, new_ids, sampling_interval=None):
        self.population._check_not_built("record")
        if variable != "spikes" and variable not in self.population.celltype._state:
            raise errors.RecordingError(variable, self.population.celltype)

    def _start_segment(self):
        self._spikes, self._signals = {}, {}

    def _store(self, result):
        pop = self.population
        if "spikes" in self.recorded and pop._name in result.spikes:
            s = result.spikes[pop._name]
            order = np.argsort(s.neurons, kind="stable")
            neurons, times = s.neurons[order], s.times_ms[order]
            bounds = np.searchsorted(neurons, np.arange(pop.size + 1))
            for index, id in enumerate(pop.all_cells):
                self._spikes.setdefault(int(id), []).append(times[bounds[index]:bounds[index + 1]])
        for trace in result.traces:
            if trace.population != pop._name:
                continue
            variable = pop._variable_of[trace.variable]
            rows = self._signals.setdefault(variable, [])
            scale = pop.celltype._state[variable][1]
            if not rows:  # PyNN's signals start at t = 0 with the initial values
                rows.append(pop._initial_row(variable, trace.neurons))
            rows.append(np.asarray(trace.values) / scale)

    def _get_spiketimes(self, ids, clear=False):
        out = {int(i): np.concatenate(self._spikes.get(int(i), [np.empty(0)])) for i in ids}
        if clear:
            self._spikes = {}
        return out

    def _get_all_signals(self, variable, ids, clear=False):
        rows = self._signals.get(variable)
        if not rows or not len(ids):
            return np.empty((0, 0)), None
        recorded = self.population._probed[variable]
        columns = [recorded.index(self.population.id_to_index(int(i))) for i in ids]
        values = np.vstack(rows)[:, columns]
        if clear:
            self._signals.pop(variable, None)
        return values, None

    def _local_count(self, variable, filter_ids=None):
        if variable != "spikes":
            raise ValueError("only spike counts are available")
        return {int(i): int(sum(len(t) for t in self._spikes.get(int(i), [])))
                for i in self.filter_recorded(variable, filter_ids)}

    def _clear_simulator(self):
        self._start_segment()

    def _reset(self):
        self._start_segment()


class Population(common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def _create_cells(self):
        state = simulator.state
        if state.engine is not None:
            raise NotImplementedError("silicortex.pynn: populations must be created before run()")
        if not hasattr(self.celltype, "_state"):
            raise NotImplementedError(
                f"silicortex.pynn: {type(self.celltype).__name__} is not supported; use "
                + ", ".join(_SUPPORTED))
        self.all_cells = np.array([ID(i) for i in range(state.id_counter, state.id_counter + self.size)], dtype=ID)
        self._mask_local = np.ones(self.size, dtype=bool)
        for cell in self.all_cells:
            cell.parent = self
        state.id_counter += self.size
        parameter_space = self.celltype.native_parameters
        parameter_space.shape = (self.size,)
        parameter_space.evaluate(simplify=False)
        self._parameters = parameter_space.as_dict()
        self._initial = {}
        self._name = f"p{len(state.populations)}"
        state.populations.append(self)

    def _check_not_built(self, what):
        if simulator.state.engine is not None:
            raise NotImplementedError(f"silicortex.pynn: cannot {what} after run() (the network is built)")

    def _set_initial_value_array(self, variable, initial_values):
        self._set_initial(variable, initial_values, slice(None))

    def _set_initial(self, variable, initial_values, mask):
        """Initial values (PyNN's units) of the neurons in mask; PyNN sets every variable's default first."""
        self._check_not_built("initialize")
        values = self._initial.setdefault(variable, np.full(self.size, np.nan))
        values[mask] = np.asarray(initial_values.evaluate(simplify=False), dtype=float)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    def _get_parameters(self, *names):
        return ParameterSpace({n: simplify(self._parameters[n]) for n in names}, shape=(self.local_size,))

    def _set_parameters(self, parameter_space):
        self._update_parameters(parameter_space, slice(None))

    def _update_parameters(self, parameter_space, mask):
        """Native values for the neurons in mask. Once running, only Poisson rates can change (between runs,
        as a PyNN script presenting one input after another does)."""
        if simulator.state.engine is not None and not (
                isinstance(self.celltype, SpikeSourcePoisson) and set(parameter_space.keys()) == {"rate_hz"}):
            self._check_not_built("set parameters other than a SpikeSourcePoisson's rate")
        parameter_space.evaluate(simplify=False)
        for n, value in parameter_space.items():
            full = np.array(self._parameters[n], copy=True)  # an array per neuron (evaluated at creation)
            full[mask] = value
            self._parameters[n] = full
        if simulator.state.engine is not None:
            simulator.state.engine.set_rates(self._name, self._parameters["rate_hz"].tolist())

    def _initial_row(self, variable, neurons):
        values = self._initial.get(variable)
        if values is None:
            values = np.full(self.size, self.celltype.default_initial_values.get(variable, np.nan), dtype=float)
        return values[np.asarray(neurons, dtype=int)][None, :]


# --- projections --------------------------------------------------------------------------------------------------

class NativeRNG(_PyNNNativeRNG):
    """PyNN's request for the simulator's own random numbers: connectors and weight or delay distributions
    given it are drawn by the engine (its counter-based RNG, keyed by the setup's rng_seed), in C++ and without
    a Python list of connections; `Projection.get` reads them back as the engine draws them. Where PyNN itself
    samples a distribution (guessing a receptor type from a weight's sign), numpy draws for it."""

    def __init__(self, seed=None):
        _PyNNNativeRNG.__init__(self, seed)
        self._numpy = NumpyRNG(seed=seed)

    def next(self, n=None, distribution=None, parameters=None, mask=None):
        return self._numpy.next(n, distribution, parameters, mask)


def _native_value(value, scale):
    """The engine's spec for a weight or delay (a constant, or a uniform or normal distribution of NativeRNG);
    None when only PyNN can draw it."""
    base = getattr(value, "base_value", value)
    if isinstance(base, RandomDistribution):
        if not isinstance(base.rng, _PyNNNativeRNG) or base.name not in ("uniform", "normal"):
            return None
        a, b = (float(base.parameters[k]) for k in (("low", "high") if base.name == "uniform" else ("mu", "sigma")))
        return _sc.Uniform(a * scale, b * scale) if base.name == "uniform" else _sc.Normal(a * scale, b * scale)
    if np.ndim(base) == 0 and np.isscalar(base):
        return float(base) * scale
    return None


def _native_connection(connector, synapse_type, pre, post):
    """(connector, weight, delay) for the engine when it can draw this projection itself: whole populations,
    a connector it has (random ones only with NativeRNG, as PyNN asks), weights and delays it can draw (kept
    as PyNN gave them, converted when the network is built)."""
    if isinstance(pre, (PopulationView, Assembly)) or isinstance(post, (PopulationView, Assembly)):
        return None
    native_rng = isinstance(getattr(connector, "rng", None), _PyNNNativeRNG)
    allow_self = bool(getattr(connector, "allow_self_connections", True))
    if isinstance(connector, OneToOneConnector):
        native = _sc.OneToOne()
    elif isinstance(connector, AllToAllConnector):
        native = _sc.AllToAll(allow_self)
    elif isinstance(connector, FixedProbabilityConnector) and native_rng:
        native = _sc.FixedProbability(float(connector.p_connect), allow_self)
    elif (isinstance(connector, (FixedNumberPreConnector, FixedNumberPostConnector))
          and native_rng and not connector.with_replacement and np.isscalar(connector.n)):
        kind = _sc.FixedInDegree if isinstance(connector, FixedNumberPreConnector) else _sc.FixedOutDegree
        native = kind(int(connector.n), allow_self)
    else:
        return None
    space = synapse_type.parameter_space
    weight, delay = space["weight"], space["delay"]
    if _native_value(weight, 1.0) is None or _native_value(delay, 1.0) is None:
        return None
    return native, weight, delay


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None,
                 source=None, receptor_type=None, space=Space(), label=None):
        if simulator.state.engine is not None:
            raise NotImplementedError("silicortex.pynn: projections must be created before run()")
        common.Projection.__init__(self, presynaptic_population, postsynaptic_population, connector,
                                   synapse_type, source, receptor_type, space, label)
        if type(self.synapse_type) not in (StaticSynapse, STDPMechanism):
            raise NotImplementedError(
                f"silicortex.pynn: only StaticSynapse and STDPMechanism, not {type(self.synapse_type).__name__}")
        self._pre, self._post, self._weight, self._delay = [], [], [], []
        self._native = _native_connection(connector, self.synapse_type, self.pre, self.post)
        if self._native is None:  # PyNN draws the connections, in Python
            connector.connect(self)
        self._name = f"c{len(simulator.state.projections)}"
        simulator.state.projections.append(self)

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, **connection_parameters):
        pre = np.asarray(presynaptic_indices, dtype=np.int64).ravel()
        n = pre.size
        self._pre.append(pre)
        self._post.append(np.full(n, int(postsynaptic_index), dtype=np.int64))
        self._weight.append(np.broadcast_to(np.asarray(connection_parameters["weight"], dtype=float), n).copy())
        self._delay.append(np.broadcast_to(np.asarray(connection_parameters["delay"], dtype=float), n).copy())

    @property
    def _weight_scale(self):
        """PyNN's weight unit in the engine's, for the target's cell type."""
        return getattr(self.post.celltype, "_weight_scale", 1.0)

    def _arrays(self):
        """The connections as arrays, in PyNN's units; a plastic projection's weights as learned so far."""
        out = self._native_arrays() if self._native is not None else self._listed_arrays()
        if simulator.state.engine is not None and isinstance(self.synapse_type, STDPMechanism) and len(out["weight"]):
            out["weight"] = self._learned(out)
        return out

    def _listed_arrays(self):
        """The connections PyNN drew, concatenated once."""
        if len(self._pre) > 1:  # concatenate once, on demand
            self._pre, self._post, self._weight, self._delay = (
                [np.concatenate(x)] for x in (self._pre, self._post, self._weight, self._delay))
        if not self._pre:
            return {k: np.empty(0) for k in ("presynaptic_index", "postsynaptic_index", "weight", "delay")}
        return {"presynaptic_index": self._pre[0], "postsynaptic_index": self._post[0],
                "weight": self._weight[0], "delay": self._delay[0]}

    def _native_arrays(self):
        """The engine's own draws of this projection (sim::network_synapses)."""
        state = simulator.state
        net = state.network
        if net is None:  # before run(): the description of what is declared so far, kept until it grows
            key = (len(state.populations), len(state.projections), len(state.currents))
            if state.draft is None or state.draft[0] != key:
                state.draft = (key, _Builder(state).network())
            net = state.draft[1]
        s = _sc.synapses(net, self._name)
        return {"presynaptic_index": s["pre"].astype(np.int64), "postsynaptic_index": s["post"].astype(np.int64),
                "weight": s["weight"].astype(float) / self._weight_scale, "delay": s["delay_ms"]}

    def _learned(self, arrays):
        """The engine's current weights of this plastic projection, in the order of `arrays`."""
        learned = simulator.state.engine.weights(self._name)  # the engine's order: back to ours by (pre, post)
        _, pre, _, post = self._in_populations(arrays)
        ours = np.lexsort((post, pre))
        theirs = np.lexsort((np.asarray(learned["post"]), np.asarray(learned["pre"])))
        weight = np.empty(len(ours))
        weight[ours] = np.asarray(learned["weight"])[theirs] / self._weight_scale
        return weight

    def _in_populations(self, arrays):
        """The populations at the roots of pre and post, and each connection's indices there."""
        pre_parent, pre = _in_population(self.pre, arrays["presynaptic_index"])
        post_parent, post = _in_population(self.post, arrays["postsynaptic_index"])
        return pre_parent, pre, post_parent, post

    def __len__(self):
        if self._native is not None:
            return len(self._native_arrays()["weight"])
        return int(sum(len(p) for p in self._pre))

    def _set_attributes(self, parameter_space):
        """Projection.set before run(): weights and delays as PyNN evaluates them over the (pre, post) matrix. A
        projection the engine was to draw becomes an explicit list (the values it would have drawn) first."""
        if simulator.state.engine is not None:
            raise NotImplementedError("silicortex.pynn: Projection.set after run() (the network is built)")
        if self._native is not None:
            a = self._native_arrays()
            self._pre, self._post = [a["presynaptic_index"]], [a["postsynaptic_index"]]
            self._weight, self._delay = [a["weight"]], [a["delay"]]
            self._native = None
        a = self._listed_arrays()
        if not len(a["weight"]):
            return  # no connections to set
        parameter_space.evaluate(simplify=False)  # the full matrix, as PyNN's Brian2 backend does
        for name_, value in parameter_space.items():
            if name_ not in ("weight", "delay"):
                raise NotImplementedError(f"silicortex.pynn: Projection.set of '{name_}'")
            values = np.asarray(value, dtype=float)
            picked = values[a["presynaptic_index"], a["postsynaptic_index"]] if values.ndim == 2 else values
            (self._weight if name_ == "weight" else self._delay)[0] = np.broadcast_to(picked, a["weight"].shape).copy()

    def _get_attributes_as_list(self, names):
        a = self._arrays()
        return list(zip(*(a[n] for n in names)))

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        a = self._arrays()
        combine = common.Projection.MULTI_SYNAPSE_OPERATIONS[multiple_synapses]
        out = []
        for name_ in names:
            values = np.full((self.pre.size, self.post.size), np.nan)
            for i, j, v in zip(a["presynaptic_index"], a["postsynaptic_index"], a[name_.rstrip("s")]):
                values[i, j] = v if np.isnan(values[i, j]) else combine(values[i, j], v)
            out.append(values)
        return out


# --- building the engine's network --------------------------------------------------------------------------------

_SUPPORTED = ["IF_curr_exp", "IF_cond_exp", "Izhikevich", "SpikeSourcePoisson", "SpikeSourceArray"]


def _in_population(cells, indices):
    """The population at the root of a view, and the view's indices there."""
    if isinstance(cells, PopulationView):
        return cells.grandparent, np.asarray(cells.index_in_grandparent(indices), dtype=np.int64)
    return cells, np.asarray(indices, dtype=np.int64)


class _Builder:
    def __init__(self, state):
        self.state = state

    @staticmethod
    def _single(pop, native, values):
        values = np.asarray(values, dtype=float).ravel()
        if values.size and not np.all(values == values[0]):
            names = [n for n, t in pop.celltype.translations.items() if t["translated_name"] == native]
            raise errors.InvalidParameterValueError(
                f"silicortex.pynn: population '{pop.label}': '{names[0] if names else native}' differs between "
                "neurons; the engine takes one value per population (initial values and Poisson rates may differ)")
        return float(values[0]) if values.size else 0.0

    def _add_population(self, net, pop):
        ct = pop.celltype
        p = pop._parameters
        if isinstance(ct, SpikeSourceArray):
            times = [np.asarray(getattr(s, "value", s), dtype=float).tolist()
                     for s in np.asarray(p["spike_times"], dtype=object).ravel()]
            net.add_population(pop._name, pop.size, _sc.SpikeTimesSource(times_ms=times))
            return
        if isinstance(ct, SpikeSourcePoisson):
            rates = np.asarray(p["rate_hz"], dtype=float) * np.ones(pop.size)
            net.add_population(pop._name, pop.size, _sc.PoissonSource(
                rate_hz=float(rates[0]), start_ms=self._single(pop, "start", p["start_ms"]),
                stop_ms=self._single(pop, "duration", p["stop_ms"])))
            if not np.all(rates == rates[0]):
                self.rates[pop._name] = rates
            return
        p = dict(p)
        offset = np.asarray(p.get(ct._offset, 0.0), dtype=float) * np.ones(pop.size)
        if not np.all(offset == offset[0]):  # a bias per neuron: the engine's current steps, one per value
            p[ct._offset] = 0.0
            for value in np.unique(offset[offset != 0.0]):
                net.inject_current(pop._name, amplitude_pa=float(value), start_ms=0.0, stop_ms=1e300,
                                   neurons=np.flatnonzero(offset == value).tolist())
        params = ct._model(**{k: self._single(pop, k, v) for k, v in p.items()})
        initial = {}
        for variable, values in pop._initial.items():
            native, scale = ct._state[variable]
            if native != "u" or not np.all(values == values[0]):
                initial[native] = (np.asarray(values, dtype=float) * scale).tolist()
            else:  # the Izhikevich model's u starts at its u_init parameter
                params.u_init = float(values[0])
        net.add_population(pop._name, pop.size, params, initial=initial)

    def _add_projection(self, net, proj):
        scale = proj._weight_scale
        receptor = proj.receptor_type or "excitatory"
        if receptor not in ("excitatory", "inhibitory"):
            raise NotImplementedError(f"silicortex.pynn: receptor type '{receptor}'")
        if isinstance(proj.pre, Assembly) or isinstance(proj.post, Assembly):
            raise NotImplementedError("silicortex.pynn: projections from or to an Assembly")
        plasticity = _pair_stdp(proj.synapse_type, scale) if isinstance(proj.synapse_type, STDPMechanism) else None
        if proj._native is not None:
            connector, weight, delay = proj._native
            net.connect(proj.pre._name, proj.post._name, connector, weight=_native_value(weight, scale),
                        delay_ms=_native_value(delay, 1.0),
                        receptor=receptor, name=proj._name, plasticity=plasticity)
            return
        a = proj._arrays()
        pre_parent, pre_index, post_parent, post_index = proj._in_populations(a)
        net.connect(pre_parent._name, post_parent._name,
                    _sc.FromList(pre_index.astype(np.uint32).tolist(), post_index.astype(np.uint32).tolist()),
                    weight=a["weight"] * scale, delay_ms=a["delay"], receptor=receptor, name=proj._name,
                    plasticity=plasticity)

    def network(self):
        """The engine's description of everything the script declared."""
        state = self.state
        net = _sc.Network("pynn")
        net.sim.dt_ms = state.dt
        net.sim.seed = state.seed
        net.sim.threads = state.threads
        net.sim.duration_ms = state.dt
        self.rates = {}
        for pop in state.populations:
            self._add_population(net, pop)
        for proj in state.projections:
            self._add_projection(net, proj)
        for pop, indices, steps in state.currents:
            for start, stop, amplitude in steps:
                net.inject_current(pop._name, amplitude_pa=1000.0 * amplitude, start_ms=start,
                                   stop_ms=min(stop, 1e300), neurons=indices)
        for pop in state.populations:
            pop._probed, pop._variable_of = {}, {}
            for variable, ids in pop.recorder.recorded.items():
                if not ids:
                    continue
                if variable == "spikes":
                    net.record(pop._name)
                    continue
                native = pop.celltype._state[variable][0]
                neurons = sorted(pop.id_to_index(int(i)) for i in ids)
                interval = pop.recorder.sampling_interval or state.dt
                net.record(pop._name, native, interval_ms=interval, neurons=neurons)
                pop._probed[variable], pop._variable_of[native] = neurons, variable
        return net

    def engine(self):
        net = self.network()
        self.state.network = net
        eng = _sc.Engine(net)
        for pop_name, rates in self.rates.items():
            eng.set_rates(pop_name, rates.tolist())
        return eng


# --- the module's functions, as every PyNN backend has them -------------------------------------------------------

def list_standard_models():
    """The standard cell types this backend runs."""
    return list(_SUPPORTED)


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, **extra_params):
    """Starts a new network. Extra parameters: threads (engine threads), rng_seed (the engine's seed, used by
    Poisson sources; PyNN's own RNGs draw connectivity and distributions)."""
    max_delay = extra_params.get("max_delay", DEFAULT_MAX_DELAY)
    common.setup(timestep, min_delay, **extra_params)
    state = simulator.state
    state.clear()
    state.dt = timestep
    state.min_delay, state.max_delay = min_delay, max_delay
    state.threads = int(extra_params.get("threads", 1))
    state.seed = int(extra_params.get("rng_seed", extra_params.get("seed", 1)))
    return 0


def end(compatible_output=True):
    """Writes the data asked for with write_on_end and releases the engine."""
    from neo.io import get_io
    for population, variables, filename in simulator.state.write_on_end:
        population.write_data(get_io(filename), variables)
    simulator.state.write_on_end = []
    simulator.state.engine = None


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, get_min_delay, get_max_delay, num_processes, rank = \
    common.build_state_queries(simulator)
create = common.build_create(Population)
connect = common.build_connect(Projection, FixedProbabilityConnector, StaticSynapse)
record = common.build_record(simulator)


def _main():
    """`python3 -m silicortex.pynn SCRIPT [ARGS...]`: runs a PyNN script with this backend also importable as
    pyNN.silicortex, as PyNN's example scripts expect (`get_simulator` imports pyNN.<name>)."""
    import importlib
    import runpy
    import sys
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(_main.__doc__.strip())
        sys.exit(0 if len(sys.argv) >= 2 else 2)
    sys.modules["pyNN.silicortex"] = importlib.import_module("silicortex.pynn")
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    _main()
