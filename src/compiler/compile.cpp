// The compiler passes for TrueNorth-model chips (see compiler.hpp and docs/design/chip-compiler.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "compiler/passes.hpp"
#include "silicortex/compiler/compiler.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/hw/truenorth_from_model.hpp"
#include "silicortex/sim/connectivity.hpp"
#include "silicortex/sim/neuron_group.hpp"

namespace scx::compiler {
namespace {

using detail::Core;
using detail::Plan;

std::string where(const model::Origin& o) {
  return o.file.empty() ? "" : fmt::format("{}:{}: ", o.file, o.line);
}

[[noreturn]] void fail_pop(const model::Population& pop, const std::string& msg) {
  throw Error(fmt::format("{}population '{}': {}", where(pop.origin), pop.name, msg));
}

std::string percent_over(int64_t need, int64_t have) {
  return fmt::format("{:.0f}% over", 100.0 * double(need - have) / double(have));
}

void check_range(const model::Population& pop, const char* field, double v, int64_t bits, bool is_signed,
                 const hw::ChipProfile& p) {
  const int64_t hi = is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
  const int64_t lo = is_signed ? -(int64_t{1} << (bits - 1)) : 0;
  if (v < double(lo) || v > double(hi))
    fail_pop(pop, fmt::format("{} = {} does not fit the {}{}-bit field of chip '{}' ({}..{})", field, v,
                              is_signed ? "signed " : "", bits, p.name, lo, hi));
}

// Pass 1: what the chip can run at all.
void validate_against(const model::Network& net, const hw::ChipProfile& p, int64_t steps_per_tick) {
  if (p.neuron_kind != hw::NeuronKind::kTrueNorth)
    throw Error(
        fmt::format("chip '{}': only truenorth-model chips have a program file so far (loihi-model chips "
                    "are compiled in memory by compiler::compile_loihi)",
                    p.name));
  const double tick_ms = p.tick_s * 1e3;
  for (const auto& pop : net.populations) {
    if (std::holds_alternative<model::SpikeTimesSource>(pop.params)) continue;
    const auto* m = std::get_if<model::TrueNorthNeuron>(&pop.params);
    if (!m)
      fail_pop(pop,
               fmt::format("model {} cannot run on chip '{}', which takes model = \"truenorth\" neurons and "
                           "spike_times sources",
                           model::model_name(pop.params), p.name));
    if (std::fabs(m->tick_ms - tick_ms) > 1e-9 * tick_ms)
      fail_pop(pop, fmt::format("tick_ms = {} but chip '{}' ticks every {} ms", m->tick_ms, p.name, tick_ms));
    if (int64_t(m->potential_bits) != p.potential_bits)
      fail_pop(pop, fmt::format("potential_bits = {} but chip '{}' has {}", m->potential_bits, p.name,
                                p.potential_bits));
    if (m->stochastic_leak != 0 || m->stochastic_synapses != 0 || m->threshold_mask_bits != 0)
      fail_pop(pop, "stochastic modes are not compiled yet (their draws differ from the reference engine's)");
    check_range(pop, "leak", m->leak, p.leak_bits, true, p);
    check_range(pop, "threshold", m->threshold, p.threshold_bits, false, p);
    check_range(pop, "neg_threshold", m->neg_threshold, p.threshold_bits, false, p);
    check_range(pop, "reset_value", m->reset_value, p.threshold_bits, true, p);
  }
  for (const auto& st : net.stimuli)
    throw Error(fmt::format("{}current_step on '{}': chip '{}' has no current injection", where(st.origin),
                            st.population, p.name));
  (void)steps_per_tick;
}

// Pass 2, first half: the synapses of every projection, exactly as the engine builds them, merged per
// (post neuron, axon key) and grouped by post population.
struct Incoming {
  uint32_t post;
  uint64_t key;  // pre_global << 16 | delay (ticks for chip neurons, engine steps for external sources)
  double weight;
  uint32_t proj;
};

std::vector<std::vector<Incoming>> gather(const model::Network& net, const hw::ChipProfile& p,
                                          const Plan& plan) {
  std::vector<std::vector<Incoming>> in(net.populations.size());
  const double tick_ms = p.tick_s * 1e3;
  for (uint32_t k = 0; k < net.projections.size(); ++k) {
    const auto& proj = net.projections[k];
    const uint32_t pre = plan.pop_index(proj.pre), post = plan.pop_index(proj.post);
    const auto syn = sim::build_synapses(proj, net.populations[pre].size, net.populations[post].size,
                                         plan.dt_ms, net.sim.seed, k);
    const bool external = plan.is_source[pre];
    for (size_t s = 0; s < syn.size(); ++s) {
      const int64_t steps = syn.delay_steps[s];
      const int64_t ticks = (steps + plan.steps_per_tick - 1) / plan.steps_per_tick;
      if (ticks > p.max_delay_ticks)
        throw Error(fmt::format("{}projection '{}': delay {} ms is above the chip's {} ticks of {} ms",
                                where(proj.origin), proj.name, double(steps) * plan.dt_ms, p.max_delay_ticks,
                                tick_ms));
      const uint64_t pre_global = plan.pop_offset[pre] + syn.pre[s];
      in[post].push_back(
          {syn.post[s], pre_global << 16 | uint64_t(external ? steps : ticks), syn.weight[s], k});
    }
  }
  for (auto& v : in) {
    std::stable_sort(v.begin(), v.end(), [](const Incoming& a, const Incoming& b) {
      return a.post != b.post ? a.post < b.post : a.key < b.key;
    });
    // Two synapses on one (axon, neuron) pair share one crossbar bit: their weights add.
    size_t w = 0;
    for (size_t r = 0; r < v.size(); ++r) {
      if (w > 0 && v[w - 1].post == v[r].post && v[w - 1].key == v[r].key)
        v[w - 1].weight += v[r].weight;
      else
        v[w++] = v[r];
    }
    v.resize(w);
  }
  return in;
}

// Pass 3: neurons into cores in order; a neuron whose new axons would overflow the core opens the next one.
void partition(const model::Network& net, const hw::ChipProfile& p, uint32_t pop_idx,
               const std::vector<Incoming>& in, Plan& plan) {
  const auto& pop = net.populations[pop_idx];
  const int64_t max_axons = p.axons_per_core, max_neurons = p.neurons_per_core;
  std::unordered_map<uint64_t, int32_t> axon_of;
  Core* core = nullptr;
  size_t r = 0;
  for (uint32_t j = 0; j < pop.size; ++j) {
    const size_t begin = r;
    while (r < in.size() && in[r].post == j) ++r;
    const int64_t fan_in = int64_t(r - begin);
    if (fan_in > max_axons)
      fail_pop(pop,
               fmt::format("neuron {} has fan-in {} (distinct source neuron and delay pairs), a core of chip "
                           "'{}' has {} axons ({})",
                           j, fan_in, p.name, max_axons, percent_over(fan_in, max_axons)));
    int64_t fresh = 0;
    if (core)
      for (size_t k = begin; k < r; ++k) fresh += !axon_of.count(in[k].key);
    if (!core || int64_t(core->neurons.size()) == max_neurons ||
        int64_t(core->axon_keys.size()) + fresh > max_axons) {
      plan.cores.push_back(Core{});
      core = &plan.cores.back();
      core->pop = pop_idx;
      axon_of.clear();
    }
    const auto slot = static_cast<int32_t>(core->neurons.size());
    core->neurons.push_back(j);
    core->weights.emplace_back();
    core->weight_set.emplace_back();
    for (size_t k = begin; k < r; ++k) {
      auto [it, added] = axon_of.emplace(in[k].key, int32_t(core->axon_keys.size()));
      if (added) {
        core->axon_keys.push_back(in[k].key);
        core->axon_proj.push_back(in[k].proj);
      }
      core->bits.push_back({it->second, slot, in[k].weight, in[k].proj});
    }
    plan.site[plan.pop_offset[pop_idx] + j] = {int32_t(plan.cores.size() - 1), slot};
  }
}

// Pass 2, second half: integer weights within the profile's width, then axon types. When every axon carries
// one weight and the core has at most `axon_types` of them, the type is the weight's rank: exact. Otherwise
// each axon takes the type that agrees with the most weights already set on its neurons and changes the
// fewest (exact when that is possible greedily; what is changed shows in the report's quantisation error).
void assign_types(Core& core, const hw::ChipProfile& p) {
  const double w_max = double((int64_t{1} << (p.weight_bits - 1)) - 1), w_min = -w_max - 1;
  const int types = int(std::max<int64_t>(1, std::min<int64_t>(p.axon_types, 4)));
  auto quantise = [&](double w) { return static_cast<int32_t>(std::clamp(std::round(w), w_min, w_max)); };
  std::sort(core.bits.begin(), core.bits.end(), [](const detail::Bit& a, const detail::Bit& b) {
    return a.axon != b.axon ? a.axon < b.axon : a.slot < b.slot;
  });
  core.axon_type.assign(core.axon_keys.size(), 0);
  std::vector<int32_t> value(core.axon_keys.size(), INT32_MIN);
  std::vector<int32_t> distinct;
  bool single = true;
  for (const auto& b : core.bits) {
    const int32_t q = quantise(b.weight);
    int32_t& v = value[size_t(b.axon)];
    single &= v == INT32_MIN || v == q;
    v = q;
    if (std::find(distinct.begin(), distinct.end(), q) == distinct.end()) distinct.push_back(q);
  }
  const bool by_value = single && int(distinct.size()) <= types;
  std::sort(distinct.begin(), distinct.end());
  for (size_t r = 0; r < core.bits.size();) {
    size_t e = r;
    while (e < core.bits.size() && core.bits[e].axon == core.bits[r].axon) ++e;
    int best = 0;
    if (by_value) {
      best = int(std::lower_bound(distinct.begin(), distinct.end(), value[size_t(core.bits[r].axon)]) -
                 distinct.begin());
    } else {
      int64_t best_score = INT64_MIN;
      for (int g = 0; g < types; ++g) {
        int64_t conflicts = 0, matches = 0;
        for (size_t k = r; k < e; ++k) {
          const auto s = size_t(core.bits[k].slot);
          if (!core.weight_set[s][size_t(g)]) continue;
          (core.weights[s][size_t(g)] == quantise(core.bits[k].weight) ? matches : conflicts) += 1;
        }
        const int64_t score = matches - 1000000 * conflicts;
        if (score > best_score) best_score = score, best = g;
      }
    }
    core.axon_type[size_t(core.bits[r].axon)] = int8_t(best);
    for (size_t k = r; k < e; ++k) {
      const auto s = size_t(core.bits[k].slot);
      if (!core.weight_set[s][size_t(best)]) {
        core.weights[s][size_t(best)] = quantise(core.bits[k].weight);
        core.weight_set[s][size_t(best)] = true;
      }
    }
    r = e;
  }
}

}  // namespace

CompiledNetwork compile_network(const model::Network& net, const hw::ChipProfile& profile) {
  model::validate(net);
  Plan plan;
  plan.dt_ms = net.sim.dt_ms;
  const double tick_ms = profile.tick_s * 1e3;
  const double k = std::round(tick_ms / plan.dt_ms);
  if (k < 1 || std::fabs(k * plan.dt_ms - tick_ms) > 1e-9 * tick_ms)
    throw Error(
        fmt::format("simulation.dt_ms = {}: chip '{}' ticks every {} ms, which must be a whole number of "
                    "dt",
                    plan.dt_ms, profile.name, tick_ms));
  plan.steps_per_tick = static_cast<int64_t>(k);
  validate_against(net, profile, plan.steps_per_tick);
  plan.index_populations(net);

  const auto incoming = gather(net, profile, plan);
  for (uint32_t p = 0; p < net.populations.size(); ++p)
    if (!plan.is_source[p]) partition(net, profile, p, incoming[p], plan);
  for (auto& core : plan.cores) assign_types(core, profile);
  detail::add_splitters(net, profile, plan);
  CompiledNetwork out;
  detail::place_and_build(net, profile, plan, out);
  return out;
}

}  // namespace scx::compiler
