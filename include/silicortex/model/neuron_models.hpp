#pragma once
// Parameters of each neuron model and spike source, as the user describes them. Units are in the names.
// Defaults follow NEST's models of the same name where one exists.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace scx::model {

// LIF with exponentially decaying synaptic currents, integrated exactly (NEST iaf_psc_exp).
// Synaptic weights are current jumps in pA (negative for inhibition onto the inhibitory receptor is allowed).
struct LifCurrExp {
  double c_m_pf = 250.0;
  double tau_m_ms = 10.0;
  double tau_syn_exc_ms = 2.0;
  double tau_syn_inh_ms = 2.0;
  double t_ref_ms = 2.0;
  double e_l_mv = -70.0;
  double v_reset_mv = -70.0;
  double v_th_mv = -55.0;
  double i_e_pa = 0.0;  // constant bias current
};

// LIF with exponentially decaying synaptic conductances (NEST iaf_cond_exp); weights are conductance jumps in
// nS. Integrated with exponential Euler: exact for the membrane given the conductances over one step.
struct LifCondExp {
  double c_m_pf = 250.0;
  double g_l_ns = 16.6667;
  double tau_syn_exc_ms = 0.2;
  double tau_syn_inh_ms = 2.0;
  double t_ref_ms = 2.0;
  double e_l_mv = -70.0;
  double e_exc_mv = 0.0;
  double e_inh_mv = -85.0;
  double v_reset_mv = -60.0;
  double v_th_mv = -55.0;
  double i_e_pa = 0.0;
};

// Izhikevich 2003 (dimensionless units of the paper: v in mV, time in ms). Synapses are delta: a spike adds
// its weight (mV) to v. Integrated with forward Euler as in NEST's izhikevich model.
struct Izhikevich {
  double a = 0.02;
  double b = 0.2;
  double c_mv = -65.0;
  double d = 8.0;
  double v_th_mv = 30.0;
  double i_e = 0.0;
  double u_init = -14.0;  // b * v_init for the defaults
};

// Adaptive exponential integrate-and-fire (Brette & Gerstner 2005) with exponential current synapses (pA).
// Integrated with forward Euler on sub-steps of at most 0.01 ms.
struct AdEx {
  double c_m_pf = 281.0;
  double g_l_ns = 30.0;
  double e_l_mv = -70.6;
  double v_t_mv = -50.4;
  double delta_t_mv = 2.0;
  double v_peak_mv = 0.0;
  double v_reset_mv = -70.6;
  double tau_w_ms = 144.0;
  double a_ns = 4.0;
  double b_pa = 80.5;
  double tau_syn_exc_ms = 5.0;
  double tau_syn_inh_ms = 5.0;
  double t_ref_ms = 0.0;
  double i_e_pa = 0.0;
};

// Independent Poisson spike trains at a fixed rate, active in [start_ms, stop_ms).
struct PoissonSource {
  double rate_hz = 10.0;
  double start_ms = 0.0;
  double stop_ms = 1e300;
};

// Explicit spike times: one list per neuron, or a single list shared by all neurons.
struct SpikeTimesSource {
  std::vector<std::vector<double>> times_ms;
};

// A population imported from NIR (docs/nir.md): the NIR neuron equations with per-neuron parameters, time
// constants in seconds and NIR's dimensionless voltages. Each array holds one value per neuron, or one value
// for all, or is empty for the default (0, or 1 for r and w_in). Integrated with forward Euler, as the
// frameworks that write NIR files do. Synaptic input arrives as a sum of weights per step; `bias` is a
// constant input current.
struct NirNeuron {
  enum class Kind { I, IF, LI, LIF, CubaLI, CubaLIF, Threshold };
  enum class Reset { ToValue, Subtract };
  Kind kind = Kind::LIF;
  Reset reset = Reset::ToValue;
  std::vector<double> tau_s, tau_syn_s, r, v_leak, v_threshold, v_reset, w_in, bias;
  uint32_t hold_steps = 0;  // the group keeps its initial state for this many steps (latency alignment)
};

// The chip-native TrueNorth neuron (Cassidy et al. 2013; hw/truenorth_neuron.hpp has the equations): integer
// state, a linear leak per 1 ms tick, synaptic weights taken from the projections as signed integers (the
// compiler turns them into the chip's four axon-type weights). Every field holds an integer (flags are 0 or
// 1); they are doubles so the TOML reader's parameter table covers them. Widths given are TrueNorth's.
struct TrueNorthNeuron {
  double leak = 0;             // lambda: added to V every tick (signed, 9 bits)
  double leak_reversal = 0;    // epsilon: the leak pulls V towards 0 (flag)
  double stochastic_leak = 0;  // c: the leak steps by sgn(lambda) with probability (|lambda|+1)/256 (flag)
  double stochastic_synapses = 0;  // b: every weight acts stochastically like the leak (flag)
  double threshold = 1;            // alpha: spike when V >= alpha (+ masked noise), 18 bits
  double neg_threshold = 0;        // beta >= 0: the negative threshold is -beta, 18 bits
  double threshold_mask_bits = 0;  // M = 2^bits - 1 masks the random threshold noise (0: none)
  double neg_saturate = 0;         // kappa: below -beta, V is set to -beta (flag)
  double reset_mode = 0;           // gamma: 0 V = reset_value, 1 V -= threshold, 2 no reset
  double reset_value = 0;          // R, 18 bits
  double potential_bits = 20;      // V saturates to this signed width (must equal the chip's)
  double tick_ms = 1;              // one chip tick; a multiple of the engine's dt
};

// Loihi's CUBA LIF in Lava's bit-accurate fixed point (hw/loihi_lif.hpp has the equations), one update per
// engine step. Weights are integers in units of Lava's a_in (the compiler stores them as 8-bit mantissas with
// a shared exponent per projection); a spike reaches its targets one step later, as through Lava's Dense.
// Integer fields in doubles, as for TrueNorthNeuron.
struct LoihiCubaLif {
  double du = 0;         // current decay, 12 bits: u *= (4096 - (du + 1)) / 4096, rounding toward zero
  double dv = 0;         // voltage decay, 12 bits: v *= (4096 - dv) / 4096
  double vth = 100;      // spike when v > vth << 6, 17 bits
  double bias_mant = 0;  // bias = bias_mant << bias_exp (>> for negative), 13-bit signed mantissa
  double bias_exp = 0;   // -7..7
};

using NeuronParams = std::variant<LifCurrExp, LifCondExp, Izhikevich, AdEx, PoissonSource, SpikeTimesSource,
                                  NirNeuron, TrueNorthNeuron, LoihiCubaLif>;

// The model's name as written in files ("lif_curr_exp", ...).
std::string model_name(const NeuronParams& p);
bool is_source(const NeuronParams& p);

}  // namespace scx::model
