// The Loihi-class path: CUBA LIF populations onto hw::LoihiChip. Weights become the profile's signed
// mantissas with one exponent per projection (as Lava's Dense has one weight_exp); a neuron keeps every
// destination core it needs (no splitters); a core's limits are its neurons, input axons (distinct source
// neurons), output axons (destinations of its neurons) and synapse memory (synapses x weight bits). Delays
// are Lava's one tick.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "compiler/passes.hpp"
#include "silicortex/compiler/compiler.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/sim/connectivity.hpp"

namespace scx::compiler {
namespace {

struct Syn {
  uint32_t post;
  uint64_t pre;  // global neuron index
  int32_t mant, exp;
  double weight;
  uint32_t proj;
};

struct LoihiCore {
  uint32_t pop = 0;
  int32_t neurons = 0;
  std::unordered_map<uint64_t, int32_t> axon_of;  // source neuron -> axon
  std::vector<uint64_t> axon_src;
  std::vector<std::pair<int32_t, const Syn*>> syn;  // (slot, synapse)
};

[[noreturn]] void fail(const model::Origin& o, const std::string& msg) {
  throw Error(o.file.empty() ? msg : fmt::format("{}:{}: {}", o.file, o.line, msg));
}

std::string over(int64_t need, int64_t have) {
  return fmt::format("{:.0f}% over", 100.0 * double(need - have) / double(have));
}

void validate_loihi(const model::Network& net, const hw::ChipProfile& p) {
  if (p.neuron_kind != hw::NeuronKind::kLoihiCuba)
    throw Error(fmt::format("chip '{}' is not a loihi-model chip", p.name));
  if (std::fabs(net.sim.dt_ms - p.tick_s * 1e3) > 1e-9)
    throw Error(
        fmt::format("simulation.dt_ms = {}: chip '{}' steps every {} ms; the engine's step must equal it",
                    net.sim.dt_ms, p.name, p.tick_s * 1e3));
  for (const auto& pop : net.populations)
    if (!std::holds_alternative<model::LoihiCubaLif>(pop.params) &&
        !std::holds_alternative<model::SpikeTimesSource>(pop.params))
      fail(pop.origin, fmt::format("population '{}': model {} cannot run on chip '{}', which takes model = "
                                   "\"loihi_cuba_lif\" neurons and spike_times sources",
                                   pop.name, model::model_name(pop.params), p.name));
  for (const auto& st : net.stimuli)
    fail(st.origin,
         fmt::format("current_step on '{}': chip '{}' has no current injection", st.population, p.name));
}

double plastic_bound(const model::PlasticityRule& rule) {
  return std::visit([](const auto& r) { return std::max(std::fabs(r.w_min), std::fabs(r.w_max)); }, rule);
}

// The core's learner, if some of its synapses are plastic (one rule per core, like a learning profile).
void add_learner(hw::LoihiChip& chip, int32_t pos, const LoihiCore& core, const model::Network& net,
                 const hw::ChipProfile& p, const learning::FixedPointOptions& opt) {
  const Syn* first = nullptr;
  for (const auto& [slot, syn] : core.syn) {
    if (!net.projections[syn->proj].plasticity) continue;
    if (!first) first = syn;
    if (syn->proj != first->proj)
      fail(net.projections[syn->proj].origin,
           fmt::format("projection '{}': a core of chip '{}' runs one learning rule; projection '{}' is "
                       "plastic onto the same core",
                       net.projections[syn->proj].name, p.name, net.projections[first->proj].name));
  }
  if (!first) return;
  const auto& proj = net.projections[first->proj];
  chip.set_learner(pos,
                   std::make_unique<learning::FixedPointLearner>(
                       *proj.plasticity, net.sim.dt_ms, p.weight_bits, std::ldexp(1.0, first->exp), opt,
                       int32_t(core.axon_src.size()), core.neurons, "projection '" + proj.name + "'"),
                   first->exp);
}

// Per post population, its synapses with mantissa and exponent, sorted by post neuron.
std::vector<std::vector<Syn>> quantise(const model::Network& net, const hw::ChipProfile& p,
                                       const detail::Plan& plan, CompileReport& rep) {
  std::vector<std::vector<Syn>> in(net.populations.size());
  const int64_t mant_max = (int64_t{1} << (p.weight_bits - 1)) - 1;
  for (uint32_t k = 0; k < net.projections.size(); ++k) {
    const auto& proj = net.projections[k];
    const uint32_t pre = plan.pop_index(proj.pre), post = plan.pop_index(proj.post);
    const auto s = sim::build_synapses(proj, net.populations[pre].size, net.populations[post].size,
                                       plan.dt_ms, net.sim.seed, k);
    double w_max = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s.delay_steps[i] != 1)
        fail(proj.origin,
             fmt::format("projection '{}': delay {} ms; chip '{}' delivers every spike exactly one "
                         "tick later (it has no axonal delays)",
                         proj.name, s.delay_steps[i] * plan.dt_ms, p.name));
      w_max = std::max(w_max, std::fabs(double(s.weight[i])));
    }
    // A plastic projection's exponent must also hold the weights it may learn (up to its bound).
    if (proj.plasticity) w_max = std::max(w_max, plastic_bound(*proj.plasticity));
    int32_t e = 0;
    while (w_max > double(mant_max) * std::ldexp(1.0, e) && e < 16) ++e;
    QuantisationError q{proj.name, s.size(), w_max, 0, 0};
    double sq = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      const double w = s.weight[i];
      const auto m = static_cast<int32_t>(
          std::clamp(std::round(std::ldexp(w, -e)), double(-mant_max - 1), double(mant_max)));
      const double err = std::fabs(std::ldexp(double(m), e) - w);
      q.max_error = std::max(q.max_error, err);
      sq += err * err;
      in[post].push_back({s.post[i], plan.pop_offset[pre] + s.pre[i], m, e, w, k});
    }
    const double scale = w_max > 0 ? w_max : 1.0;
    q.max_error /= scale;
    q.rms_error = s.size() ? std::sqrt(sq / double(s.size())) / scale : 0.0;
    rep.quantisation.push_back(q);
  }
  for (auto& v : in)
    std::stable_sort(v.begin(), v.end(), [](const Syn& a, const Syn& b) { return a.post < b.post; });
  return in;
}

void partition(const model::Population& pop, uint32_t pop_idx, const std::vector<Syn>& in,
               const hw::ChipProfile& p, int32_t neurons_per_core, detail::Plan& plan,
               std::vector<LoihiCore>& cores) {
  const int64_t max_syn = p.synapse_memory_bits / std::max<int64_t>(1, p.weight_bits);
  LoihiCore* core = nullptr;
  size_t r = 0;
  for (uint32_t j = 0; j < pop.size; ++j) {
    const size_t begin = r;
    while (r < in.size() && in[r].post == j) ++r;
    std::vector<uint64_t> srcs;
    for (size_t k = begin; k < r; ++k) srcs.push_back(in[k].pre);
    std::sort(srcs.begin(), srcs.end());
    srcs.erase(std::unique(srcs.begin(), srcs.end()), srcs.end());
    if (int64_t(srcs.size()) > p.axons_per_core)
      fail(pop.origin,
           fmt::format("population '{}': neuron {} has fan-in {} source neurons, a core of chip '{}' "
                       "has {} input axons ({})",
                       pop.name, j, srcs.size(), p.name, p.axons_per_core,
                       over(int64_t(srcs.size()), p.axons_per_core)));
    if (int64_t(r - begin) > max_syn)
      fail(pop.origin,
           fmt::format("population '{}': neuron {} has {} synapses, a core of chip '{}' holds {} of {} "
                       "bits ({})",
                       pop.name, j, r - begin, p.name, max_syn, p.weight_bits,
                       over(int64_t(r - begin), max_syn)));
    int64_t fresh = 0;
    if (core)
      for (uint64_t s : srcs) fresh += !core->axon_of.count(s);
    if (!core || core->neurons == neurons_per_core ||
        int64_t(core->axon_src.size()) + fresh > p.axons_per_core ||
        int64_t(core->syn.size() + (r - begin)) > max_syn) {
      cores.push_back(LoihiCore{});
      core = &cores.back();
      core->pop = pop_idx;
    }
    const int32_t slot = core->neurons++;
    for (size_t k = begin; k < r; ++k) {
      auto [it, added] = core->axon_of.emplace(in[k].pre, int32_t(core->axon_src.size()));
      if (added) core->axon_src.push_back(in[k].pre);
      core->syn.push_back({slot, &in[k]});
    }
    plan.site[plan.pop_offset[pop_idx] + j] = {int32_t(cores.size() - 1), slot};
  }
}

}  // namespace

CompiledLoihi compile_loihi(const model::Network& net, const hw::ChipProfile& p,
                            const learning::FixedPointOptions& learning) {
  model::validate(net);
  validate_loihi(net, p);
  detail::Plan plan;
  plan.dt_ms = net.sim.dt_ms;
  plan.index_populations(net);
  CompiledLoihi out;
  CompileReport& rep = out.report;
  const auto in = quantise(net, p, plan, rep);
  // Partition, then count each core's output axons (destinations of its neurons); a population whose core
  // needs too many is partitioned again with proportionally fewer neurons per core.
  std::vector<int32_t> per_core(net.populations.size(), p.neurons_per_core);
  std::vector<LoihiCore> cores;
  std::vector<std::vector<std::pair<int32_t, int32_t>>> dests;
  std::vector<int64_t> out_axons;
  for (int attempt = 0;; ++attempt) {
    cores.clear();
    plan.site.assign(plan.site.size(), detail::Site{});
    for (uint32_t q = 0; q < net.populations.size(); ++q)
      if (!plan.is_source[q]) partition(net.populations[q], q, in[q], p, per_core[q], plan, cores);
    // Destinations: every core that holds an axon of the neuron.
    dests.assign(plan.site.size(), {});
    for (int32_t c = 0; c < int32_t(cores.size()); ++c)
      for (int32_t a = 0; a < int32_t(cores[size_t(c)].axon_src.size()); ++a)
        dests[cores[size_t(c)].axon_src[size_t(a)]].push_back({c, a});
    out_axons.assign(cores.size(), 0);
    for (uint64_t g = 0; g < plan.site.size(); ++g)
      if (plan.site[g].core >= 0) out_axons[size_t(plan.site[g].core)] += int64_t(dests[g].size());
    bool shrunk = false;
    for (size_t c = 0; c < cores.size() && attempt < 8; ++c)
      if (out_axons[c] > p.output_axons_per_core && per_core[cores[c].pop] > 1) {
        int32_t& n = per_core[cores[c].pop];
        n = std::max<int32_t>(1, int32_t(double(n) * double(p.output_axons_per_core) / double(out_axons[c])));
        shrunk = true;
      }
    if (!shrunk) break;
  }
  if (int64_t(cores.size()) > p.total_cores()) {
    std::vector<int64_t> per(net.populations.size());
    for (const auto& c : cores) ++per[c.pop];
    const auto worst = size_t(std::max_element(per.begin(), per.end()) - per.begin());
    fail(net.populations[worst].origin,
         fmt::format("population '{}': needs {} cores; the network needs {} cores, chip '{}' has {} ({})",
                     net.populations[worst].name, per[worst], cores.size(), p.name, p.total_cores(),
                     over(int64_t(cores.size()), p.total_cores())));
  }

  for (uint64_t g = 0; g < plan.site.size(); ++g) {
    if (plan.site[g].core < 0) continue;
    if (int64_t(dests[g].size()) > p.destinations_per_neuron)
      throw Error(fmt::format("neuron {} (global index) has {} destination cores, chip '{}' allows {}", g,
                              dests[g].size(), p.name, p.destinations_per_neuron));
  }
  for (size_t c = 0; c < cores.size(); ++c)
    if (out_axons[c] > p.output_axons_per_core)
      fail(net.populations[cores[c].pop].origin,
           fmt::format("population '{}': a core needs {} output axons, chip '{}' has {} per core ({})",
                       net.populations[cores[c].pop].name, out_axons[c], p.name, p.output_axons_per_core,
                       over(out_axons[c], p.output_axons_per_core)));

  const auto n = int32_t(cores.size());
  std::vector<int32_t> order(static_cast<size_t>(n), 0);
  for (int32_t c = 0; c < n; ++c) order[size_t(c)] = c;  // cores are made in population order
  const auto placed = detail::place_cores(p, order, n);
  out.chip = std::make_unique<hw::LoihiChip>(placed.profile);
  auto& chip = *out.chip;
  const auto& mesh = chip.mesh();
  rep.chip = p.name;
  rep.mesh_w = mesh.width();
  rep.mesh_h = mesh.height();
  rep.neurons_per_core = p.neurons_per_core;
  rep.axons_per_core = p.axons_per_core;
  rep.synapses_per_core = p.synapse_memory_bits / std::max<int64_t>(1, p.weight_bits);
  double hop_sum = 0;
  uint64_t senders = 0;
  for (int32_t c = 0; c < n; ++c) {
    const auto& core = cores[size_t(c)];
    const int32_t pos = placed.at[size_t(c)];
    const auto& m = std::get<model::LoihiCubaLif>(net.populations[core.pop].params);
    chip.configure_core(pos, {int32_t(m.du), int32_t(m.dv), int32_t(m.vth)}, core.neurons);
    for (int32_t s = 0; s < core.neurons; ++s)
      chip.set_bias(pos, s, int32_t(m.bias_mant), int32_t(m.bias_exp));
    add_learner(chip, pos, core, net, p, learning);
    for (const auto& [slot, syn] : core.syn) {
      if (net.projections[syn->proj].plasticity)
        chip.add_plastic_synapse(pos, core.axon_of.at(syn->pre), slot, syn->mant);
      else
        chip.add_synapse(pos, core.axon_of.at(syn->pre), slot, syn->mant, syn->exp);
    }
    rep.cores.push_back({pos, mesh.x(pos), mesh.y(pos), net.populations[core.pop].name, false, core.neurons,
                         int32_t(core.axon_src.size()), int64_t(core.syn.size())});
  }
  for (uint64_t g = 0; g < plan.site.size(); ++g) {
    const auto& site = plan.site[g];
    if (site.core < 0 || dests[g].empty()) continue;
    const int32_t from = placed.at[size_t(site.core)];
    for (const auto& [c, a] : dests[g]) {
      const int32_t to = placed.at[size_t(c)];
      chip.add_destination(from, site.slot, to, a);
      const auto h = mesh.hops(mesh.x(to) - mesh.x(from), mesh.y(to) - mesh.y(from));
      rep.total_hops += uint64_t(h);
      hop_sum += h;
      ++rep.routed_neurons;
    }
    ++senders;
  }
  rep.hops_per_spike = senders ? hop_sum / double(senders) : 0.0;
  std::sort(rep.cores.begin(), rep.cores.end(),
            [](const CoreUsage& a, const CoreUsage& b) { return a.core < b.core; });

  ChipIo& io = out.io;
  io.network = net.name;
  io.dt_ms = io.tick_ms = plan.dt_ms;
  io.ticks = uint64_t(std::llround(net.sim.duration_ms / plan.dt_ms));
  io.seed = net.sim.seed;
  io.site_stride = uint32_t(p.neurons_per_core);
  for (uint32_t q = 0; q < net.populations.size(); ++q) {
    const auto& pop = net.populations[q];
    PopulationSites ps{pop.name, pop.size, bool(plan.is_source[q]), {}, {}};
    if (const auto* src = std::get_if<model::SpikeTimesSource>(&pop.params)) {
      for (uint32_t i = 0; i < pop.size; ++i) {
        for (int64_t s : detail::source_steps(*src, i, plan.dt_ms, int64_t(io.ticks))) {
          ps.source_spikes.push_back({uint64_t(s), i});
          if (s + 1 < int64_t(io.ticks))
            for (const auto& [c, a] : dests[plan.pop_offset[q] + i])
              io.inputs.push_back({uint64_t(s + 1), placed.at[size_t(c)], a});
        }
      }
      std::sort(ps.source_spikes.begin(), ps.source_spikes.end());
    } else {
      for (uint32_t i = 0; i < pop.size; ++i) {
        const auto& site = plan.site[plan.pop_offset[q] + i];
        ps.sites.push_back(int64_t(placed.at[size_t(site.core)]) * io.site_stride + site.slot);
      }
    }
    io.populations.push_back(std::move(ps));
  }
  std::sort(io.inputs.begin(), io.inputs.end());
  return out;
}

}  // namespace scx::compiler
