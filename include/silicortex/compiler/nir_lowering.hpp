#pragma once
// NIR networks on chips: the populations io::nir::to_network makes (model::NirNeuron) lowered to a chip's own
// neuron model, then compiled and run like any network. One NIR step becomes one chip tick; the layer lag of
// the reference lowering (NirNeuron::hold_steps) is kept, so on Loihi every NIR edge is a one-tick delay,
// what Loihi delivers. docs/nir.md ("On chips") has the equations and what is approximated.
//
// Loihi (CUBA LIF, Lava's fixed point): IF, LIF and CubaLIF. v is scaled by S per population so that the
// threshold is an integer near 2^11 (v > vth << 6, 64x headroom below the 24-bit u and v);
// du = 4096 dt/tau_syn - 1, dv = 4096 dt/tau_mem; each synapse's weight is S times the NIR increment of v (or
// of the synaptic current) it causes, in units of a_in (later 8-bit mantissas with a shared exponent per
// projection); constant inputs (Affine/Conv biases) come from a source neuron firing every tick, so they
// enter exactly as NIR input. TrueNorth: IF only, when every increment dt * r * w is an integer (after one
// power-of-two scale S <= 256); each layer lags two ticks, so that a forward edge can pass a fan-out
// splitter. What a chip cannot express throws scx::Error naming the node (population), the limit and by how
// much.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "silicortex/compiler/compiler.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/model/network.hpp"
#include "silicortex/sim/run_result.hpp"

namespace scx::compiler {

// A chip parameter derived from NIR parameters: the exact value and the one the chip holds.
struct LoweredParameter {
  std::string population, parameter;
  double wanted = 0, got = 0;
  double relative_error() const;
};

struct NirLowering {
  model::Network net;  // chip neuron models, chip time: one NIR step = one tick
  double nir_dt_ms = 0.1;
  std::vector<uint32_t> depth;    // per population of `net`: ticks between a NIR step and the tick running it
  std::vector<bool> bias_source;  // per population of `net`: added to feed constant inputs
  std::vector<LoweredParameter> parameters;
  std::vector<std::string> notes;  // approximations, one line each
};

// `net` is a converted NIR graph (io::nir::to_network) with its input spikes and duration set
// (io::nir::set_inputs).
NirLowering lower_nir(const model::Network& net, const hw::ChipProfile& chip);

struct CompiledNir {
  NirLowering lowering;
  std::unique_ptr<hw::LoihiChip> loihi;          // one of the two, by the profile's neuron model
  std::unique_ptr<hw::TrueNorthChip> truenorth;  // (its program can be saved: save_compiled)
  ChipIo io;
  CompileReport report;
};
CompiledNir compile_nir(const model::Network& net, const hw::ChipProfile& chip);

// Runs the compiled network for its duration and returns the spikes of every NIR population (bias sources
// left out) in NIR steps, timed as io::nir::run times them (step * the NIR dt).
sim::RunResult run_nir_on_chip(CompiledNir& c, int64_t nir_steps);

// Lowered parameters and their relative errors, and the notes.
std::string format_lowering_report(const NirLowering& l);

}  // namespace scx::compiler
