#pragma once
// A trained network as a NIR graph (docs/training.md, "NIR export"), for snnTorch, Norse, Lava-dl, Sinabs and
// Silicortex's own `nir run` / `nir compile`. The trainer's discrete neurons are NIR's equations under
// forward Euler with step dt (docs/nir.md), so with dt they give the same spikes step for step:
//   lif, dv = 0  -> IF       r = 1/dt                         (v += x)
//   lif, dv > 0  -> LIF      tau = dt/dv, r = 1/dv, v_leak 0   (v = (1 - dv) v + x)
//   cuba         -> CubaLIF  tau_syn = dt/du, w_in = 1/du, tau_mem = dt/dv, r = 1/dv
//   none         -> LI       tau = dt, r = 1, v_leak 0         (v = x: the non-spiking read-out)
// and reset to v_reset = 0 above v_threshold = vth. Weights and biases go to Linear/Affine/Conv2d nodes
// (PyTorch layouts, as the trainer's), pools to SumPool2d/AvgPool2d, flatten to Flatten, a recurrent layer's
// matrix to a Linear node on a back edge. Trailing pools (the class read-out) end in an LI node as above, so
// the Output carries the class scores per step.
// Where NIR cannot say the trainer's bias (added to v, not to the synaptic current) in an input node, i.e.
// for cuba neurons and for neurons after a pool, it is v_leak = bias/dv: exact from the second step, but
// readers that start v at v_leak (Norse, Silicortex) differ in the first steps; a warning says so.
#include <filesystem>
#include <string>
#include <vector>

#include "silicortex/io/nir_graph.hpp"
#include "silicortex/train/spec.hpp"

namespace scx::train {

inline constexpr double kNirExportDt = 1e-4;  // s; the step of snnTorch's and Lava's NIR exports

// Nodes: "input", per layer i "layer<i>_<conv|dense|rec|sumpool|avgpool|flatten>" and its neuron node
// "layer<i>_<if|lif|cubalif|li>", then "output". A network NIR cannot express gives scx::Error naming the
// layer and the field.
io::nir::Document trained_to_nir(const TrainConfig& cfg, const std::vector<float>& params,
                                 std::vector<std::string>& warnings, double dt_s = kNirExportDt);

}  // namespace scx::train
