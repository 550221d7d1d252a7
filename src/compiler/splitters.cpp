// Pass 4 (fan-out). A TrueNorth neuron has one destination. A neuron whose targets lie on k > 1 (core, axon)
// pairs sends to one axon of a splitter core instead, where k neurons (weight 1, threshold 1, reset to 0)
// each forward to one target. The splitter fires in the tick its input arrives, so the route takes delay 1 to
// the splitter plus (d - 1) onwards: the same total d, which is why a delay of 1 cannot fan out.
#include <fmt/format.h>

#include "compiler/passes.hpp"
#include "silicortex/core/error.hpp"

namespace scx::compiler::detail {

void Plan::index_populations(const model::Network& net) {
  uint64_t n = 0;
  for (uint32_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    by_name[pop.name] = p;
    pop_offset.push_back(n);
    is_source.push_back(model::is_source(pop.params));
    n += pop.size;
  }
  site.assign(n, Site{});
  route.assign(n, Target{});
  external.assign(n, {});
}

void add_splitters(const model::Network& net, const hw::ChipProfile& p, Plan& plan) {
  std::vector<std::vector<Target>> dests(plan.site.size());
  for (int32_t c = 0; c < int32_t(plan.cores.size()); ++c) {
    const Core& core = plan.cores[size_t(c)];
    for (int32_t a = 0; a < int32_t(core.axon_keys.size()); ++a) {
      const uint64_t key = core.axon_keys[size_t(a)];
      const uint64_t pre = key >> 16;
      const Target t{c, a, int32_t(key & 0xFFFF)};
      bool source = false;
      for (size_t q = 0; q < plan.pop_offset.size(); ++q)
        if (pre >= plan.pop_offset[q]) source = plan.is_source[q];
      (source ? plan.external[pre] : dests[pre]).push_back(t);
    }
  }
  for (uint32_t pi = 0; pi < net.populations.size(); ++pi) {
    if (plan.is_source[pi]) continue;
    const auto& pop = net.populations[pi];
    int32_t cur = -1;
    for (uint32_t j = 0; j < pop.size; ++j) {
      const uint64_t g = plan.pop_offset[pi] + j;
      const auto& d = dests[g];
      if (d.empty()) continue;
      if (d.size() == 1) {
        plan.route[g] = d[0];
        continue;
      }
      const auto k = int64_t(d.size());
      if (k > p.neurons_per_core)
        throw Error(
            fmt::format("population '{}': neuron {} feeds {} (core, axon) pairs; one splitter core of chip "
                        "'{}' forwards to at most {} ({})",
                        pop.name, j, k, p.name, p.neurons_per_core,
                        fmt::format("{:.0f}% over",
                                    100.0 * double(k - p.neurons_per_core) / double(p.neurons_per_core))));
      for (const auto& t : d)
        if (t.delay < 2) {
          const Core& target = plan.cores[size_t(t.core)];
          throw Error(
              fmt::format("projection '{}': neuron {} of '{}' has targets on {} cores and needs a splitter, "
                          "which takes one tick; a delay of 1 tick cannot fan out (use >= 2 ticks)",
                          net.projections[target.axon_proj[size_t(t.axon)]].name, j, pop.name, k));
        }
      if (cur < 0 || int64_t(plan.cores[size_t(cur)].axon_keys.size()) == p.axons_per_core ||
          int64_t(plan.cores[size_t(cur)].neurons.size()) + k > p.neurons_per_core) {
        plan.cores.push_back(Core{});
        cur = int32_t(plan.cores.size() - 1);
        plan.cores.back().pop = pi;
        plan.cores.back().splitter = true;
      }
      Core& s = plan.cores[size_t(cur)];
      const auto axon = int32_t(s.axon_keys.size());
      s.axon_keys.push_back(g << 16 | 1);
      s.axon_proj.push_back(0);
      s.axon_type.push_back(0);
      for (const auto& t : d) {
        const auto slot = int32_t(s.neurons.size());
        s.neurons.push_back(j);
        s.weights.push_back({1, 0, 0, 0});
        s.weight_set.push_back({true, false, false, false});
        s.forward.push_back({t.core, t.axon, t.delay - 1});
        s.bits.push_back({axon, slot, 1.0, 0});
      }
      plan.route[g] = {cur, axon, 1};
    }
  }
}

}  // namespace scx::compiler::detail
