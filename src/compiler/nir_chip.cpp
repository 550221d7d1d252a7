// A lowered NIR network compiled for its chip, run, and its spikes brought back to NIR steps.
#include <fmt/format.h>

#include <cmath>

#include "silicortex/compiler/nir_lowering.hpp"
#include "silicortex/core/error.hpp"

namespace scx::compiler {

CompiledNir compile_nir(const model::Network& net, const hw::ChipProfile& chip) {
  CompiledNir c;
  c.lowering = lower_nir(net, chip);
  if (chip.neuron_kind == hw::NeuronKind::kLoihiCuba) {
    CompiledLoihi l = compile_loihi(c.lowering.net, chip);
    c.loihi = std::move(l.chip);
    c.io = std::move(l.io);
    c.report = std::move(l.report);
  } else {
    CompiledNetwork t = compile_network(c.lowering.net, chip);
    c.truenorth = std::move(t.chip);
    c.io = std::move(t.io);
    c.report = std::move(t.report);
  }
  return c;
}

sim::RunResult run_nir_on_chip(CompiledNir& c, int64_t nir_steps) {
  const NirLowering& l = c.lowering;
  sim::RunResult raw = c.loihi ? run_on_chip(*c.loihi, c.io) : run_on_chip(*c.truenorth, c.io, 1);
  sim::RunResult r;
  r.meta = raw.meta;
  r.meta.spikes = 0;
  r.meta.dt_ms = l.nir_dt_ms;
  r.meta.duration_ms = double(nir_steps) * l.nir_dt_ms;
  const double tick_ms = l.net.sim.dt_ms;
  for (auto& ps : raw.spikes) {
    size_t p = 0;
    while (p < l.net.populations.size() && l.net.populations[p].name != ps.population) ++p;
    SCX_ASSERT(p < l.net.populations.size());
    if (l.bias_source[p]) continue;
    sim::PopulationSpikes out;
    out.population = ps.population;
    out.size = ps.size;
    out.recorded = true;
    for (size_t k = 0; k < ps.times_ms.size(); ++k) {
      const int64_t step = std::llround(ps.times_ms[k] / tick_ms) - int64_t(l.depth[p]);
      if (step < 0 || step >= nir_steps) continue;
      out.times_ms.push_back(double(step) * l.nir_dt_ms);
      out.neurons.push_back(ps.neurons[k]);
    }
    out.total_spikes = out.times_ms.size();
    r.meta.spikes += out.total_spikes;
    r.spikes.push_back(std::move(out));
  }
  return r;
}

}  // namespace scx::compiler
