#include "sim/plasticity_runtime.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "silicortex/core/error.hpp"
#include "sim/engine_impl.hpp"

namespace scx::sim {

using learning::kPostTraces;
using learning::kPreTraces;

PlasticityRuntime::PlasticityRuntime(const model::Network& net, const std::vector<GroupSlot>& groups,
                                     const std::vector<ThreadState>& threads, uint32_t neurons_total,
                                     double dt_ms)
    : neurons_total_(neurons_total) {
  auto group_of = [&](const std::string& pop) {
    uint32_t g = 0;
    while (groups[g].name != pop) ++g;
    return g;
  };
  plastic_pre_of_.resize(groups.size());
  plastic_post_of_.resize(groups.size());
  group_involved_.assign(groups.size(), 0);
  bool any_tag = false;
  for (const auto& proj : net.projections) {
    Projection pr{proj.name, group_of(proj.pre), group_of(proj.post), 0, 0, -1};
    pr.pre_offset = groups[pr.pre_group].offset;
    pr.post_offset = groups[pr.post_group].offset;
    if (proj.plasticity) {
      pr.plastic = static_cast<int>(plastic_.size());
      Plastic pl{learning::Rule(*proj.plasticity, dt_ms, "projection '" + proj.name + "'.plasticity.rule"),
                 groups[pr.pre_group].group->size(),
                 groups[pr.post_group].group->size(),
                 {},
                 {}};
      for (int b = 0; b < 2; ++b) {
        pl.x[b].assign(size_t(pl.pre_size) * kPreTraces, 0.0);
        pl.y[b].assign(size_t(pl.post_size) * kPostTraces, 0.0);
      }
      any_tag |= pl.rule.uses_tag();
      plastic_pre_of_[pr.pre_group].push_back(pr.plastic);
      plastic_post_of_[pr.post_group].push_back(pr.plastic);
      group_involved_[pr.pre_group] = group_involved_[pr.post_group] = 1;
      plastic_.push_back(std::move(pl));
    }
    projections_.push_back(std::move(pr));
  }
  for (auto& l : last_spike_) l.assign(neurons_total, 0);

  // Per thread: double weights and tags parallel to the CSR, the transposed index of plastic synapses by post
  // neuron (ascending pre within a post neuron), and the synapses that need a visit every step.
  per_thread_.resize(threads.size());
  for (size_t t = 0; t < threads.size(); ++t) {
    const SynapseStore& syn = threads[t].synapses;
    PerThread& pt = per_thread_[t];
    const size_t n = syn.target.size();
    pt.w.resize(n);
    for (size_t k = 0; k < n; ++k) pt.w[k] = syn.target[k].weight;
    if (any_tag) pt.tag.assign(n, 0.0);
    pt.post_begin.assign(size_t(neurons_total) + 1, 0);
    pt.post_spiked.assign(neurons_total, 0);
    auto plastic_at = [&](uint64_t k) { return projections_[syn.projection[k]].plastic; };
    for (uint32_t j = 0; j < neurons_total; ++j)
      for (uint64_t k = syn.row_begin[j]; k < syn.row_begin[j + 1]; ++k)
        if (plastic_at(k) >= 0) ++pt.post_begin[syn.target[k].ring_index % neurons_total + 1];
    std::partial_sum(pt.post_begin.begin(), pt.post_begin.end(), pt.post_begin.begin());
    pt.post_syn.resize(pt.post_begin.back());
    pt.post_pre.resize(pt.post_begin.back());
    std::vector<uint64_t> fill(pt.post_begin.begin(), pt.post_begin.end() - 1);
    for (uint32_t j = 0; j < neurons_total; ++j)
      for (uint64_t k = syn.row_begin[j]; k < syn.row_begin[j + 1]; ++k) {
        const int pl = plastic_at(k);
        if (pl < 0) continue;
        const uint32_t post = syn.target[k].ring_index % neurons_total;
        const uint64_t e = fill[post]++;
        pt.post_syn[e] = k;
        pt.post_pre[e] = j;
        if (plastic_[pl].rule.has_every_step()) pt.every_step.push_back(e);
      }
  }
  init_quiet(threads);
}

void PlasticityRuntime::init_quiet(const std::vector<ThreadState>& threads) {
  post_active_ = std::make_unique<std::atomic<uint8_t>[]>(2 * plastic_.size());
  for (size_t i = 0; i < 2 * plastic_.size(); ++i) post_active_[i].store(0);
  check_bounds(threads);
}

void PlasticityRuntime::check_bounds(const std::vector<ThreadState>& threads) {
  in_bounds_.assign(plastic_.size(), 1);
  for (size_t t = 0; t < threads.size(); ++t) {
    const SynapseStore& syn = threads[t].synapses;
    for (size_t k = 0; k < per_thread_[t].w.size(); ++k) {
      const int pl = projections_[syn.projection[k]].plastic;
      if (pl >= 0 && !plastic_[pl].rule.in_bounds(per_thread_[t].w[k])) in_bounds_[pl] = 0;
    }
  }
}

void PlasticityRuntime::fold_spikes(const std::vector<GroupSlot>& groups, const std::vector<uint32_t>& spikes,
                                    uint32_t group, int from, int to, int64_t step, bool spiked_now) {
  const uint32_t offset = groups[group].offset;
  for (uint32_t i : spikes) {
    const uint32_t j = offset + i;
    const int64_t since = step - last_spike_[from][j];
    auto fold = [&](const learning::TraceSet& set, std::vector<double>(&traces)[2], size_t at) {
      for (int k = 0; k < set.count(); ++k)
        traces[to][at + k] =
            spiked_now ? set.after_spike(k, traces[from][at + k], since) : traces[from][at + k];
    };
    for (uint32_t p : plastic_pre_of_[group])
      fold(plastic_[p].rule.pre_traces(), plastic_[p].x, size_t(i) * kPreTraces);
    for (uint32_t p : plastic_post_of_[group]) {
      fold(plastic_[p].rule.post_traces(), plastic_[p].y, size_t(i) * kPostTraces);
      post_active_[2 * p + to].store(1, std::memory_order_relaxed);
    }
    last_spike_[to][j] = spiked_now ? step : last_spike_[from][j];
  }
}

void PlasticityRuntime::begin_step(const std::vector<GroupSlot>& groups, const ThreadState& ts,
                                   int64_t step) {
  // Buffer (step-1)&1 holds every spike up to step-2. Buffer step&1 lacks the owner's spikes of step-2
  // (copied over) and of step-1 (added now). The spike lists of both steps are still intact:
  // update_phase(step) has not cleared the older one yet.
  const int from = (step - 1) & 1, to = step & 1;
  for (uint32_t g = 0; g < groups.size(); ++g) {
    if (!group_involved_[g]) continue;
    fold_spikes(groups, ts.spikes_at(step)[g], g, from, to, step - 1, false);
    fold_spikes(groups, ts.spikes_at(step - 1)[g], g, from, to, step - 1, true);
  }
}

void PlasticityRuntime::fill_vars(const Plastic& pl, uint32_t pre_global, uint32_t post_global,
                                  const Projection& pr, int buf, int64_t step, uint32_t needs,
                                  learning::VarValues& v) const {
  // Only what the rule's entry point reads: every trace read is an exp (or a table look-up) and a cache miss.
  const auto& xs = pl.rule.pre_traces();
  const size_t xa = size_t(pre_global - pr.pre_offset) * kPreTraces;
  for (int k = 0; k < xs.count(); ++k)
    if (needs & (1u << (learning::kX1 + k)))
      v[learning::kX1 + k] = xs.value(k, pl.x[buf][xa + k], step - last_spike_[buf][pre_global]);
  const auto& ys = pl.rule.post_traces();
  const size_t ya = size_t(post_global - pr.post_offset) * kPostTraces;
  for (int k = 0; k < ys.count(); ++k)
    if (needs & (1u << (learning::kY1 + k)))
      v[learning::kY1 + k] = ys.value(k, pl.y[buf][ya + k], step - last_spike_[buf][post_global]);
  if (needs & (1u << learning::kR)) v[learning::kR] = pl.rule.reward(reward_value_, step - reward_step_);
}

void PlasticityRuntime::learn(const std::vector<GroupSlot>& groups, const std::vector<ThreadState>& all,
                              ThreadState& ts, unsigned thread, int64_t step) {
  using namespace learning;
  if (!enabled_) return;
  PerThread& pt = per_thread_[thread];
  SynapseStore& syn = ts.synapses;
  const int buf = step & 1;
  double no_tag = 0;
  enum class Event { Pre, Post, Step };
  auto update = [&](uint64_t k, uint32_t pre, uint32_t post, Event event) {
    const Projection& pr = projections_[syn.projection[k]];
    const Plastic& pl = plastic_[pr.plastic];
    const Rule& rule = pl.rule;
    VarValues v{};
    fill_vars(pl, pre, post, pr, buf, step,
              event == Event::Pre ? rule.pre_needs()
                                  : (event == Event::Post ? rule.post_needs() : rule.every_step_needs()),
              v);
    v[kX0] = event == Event::Pre ? 1 : 0;
    v[kY0] = event == Event::Pre ? pt.post_spiked[post] : (event == Event::Post ? 1 : 0);
    double& tag = pt.tag.empty() ? no_tag : pt.tag[k];
    v[kW] = pt.w[k], v[kT] = tag;
    if (event == Event::Pre)
      rule.on_pre(v, pt.w[k], tag);
    else if (event == Event::Post)
      rule.on_post(v, pt.w[k], tag);
    else
      rule.every_step(v, pt.w[k], tag);
    syn.target[k].weight = static_cast<float>(pt.w[k]);
  };
  for (uint32_t g = 0; g < groups.size(); ++g)
    if (!plastic_post_of_[g].empty())
      for (uint32_t i : ts.spikes_at(step)[g]) pt.post_spiked[groups[g].offset + i] = 1;
  // Pre spikes, in ascending global order like delivery.
  // A synapse whose rule ignores pre spikes while the post trace y1 is 0 is skipped then (after
  // Engine::reset_state most post traces are 0, and this is most of the work).
  for (uint32_t g = 0; g < groups.size(); ++g) {
    if (plastic_pre_of_[g].empty()) continue;
    bool quiet = true;
    for (uint32_t p : plastic_pre_of_[g]) quiet = quiet && pre_quiet(p, buf);
    if (quiet) continue;
    for (const ThreadState& src : all)
      for (uint32_t i : src.spikes_at(step)[g]) {
        const uint32_t pre = groups[g].offset + i;
        for (uint64_t k = syn.row_begin[pre]; k < syn.row_begin[pre + 1]; ++k) {
          const Projection& pr = projections_[syn.projection[k]];
          if (pr.plastic < 0) continue;
          const uint32_t post = post_of(syn.target[k].ring_index);
          const Plastic& pl = plastic_[pr.plastic];
          if (pl.rule.pre_inert_without_y1() && pl.y[buf][size_t(post - pr.post_offset) * kPostTraces] == 0 &&
              pl.rule.in_bounds(pt.w[k]))
            continue;
          update(k, pre, post, Event::Pre);
        }
      }
  }
  // Post spikes of this thread's own neurons, through the transposed index.
  for (uint32_t g = 0; g < groups.size(); ++g) {
    if (plastic_post_of_[g].empty()) continue;
    for (uint32_t i : ts.spikes_at(step)[g]) {
      const uint32_t post = groups[g].offset + i;
      for (uint64_t e = pt.post_begin[post]; e < pt.post_begin[post + 1]; ++e)
        update(pt.post_syn[e], pt.post_pre[e], post, Event::Post);
      pt.post_spiked[post] = 0;
    }
  }
  for (uint64_t e : pt.every_step) {
    const uint64_t k = pt.post_syn[e];
    update(k, pt.post_pre[e], post_of(syn.target[k].ring_index), Event::Step);
  }
}

void PlasticityRuntime::reset_traces() {
  for (auto& pl : plastic_)
    for (int b = 0; b < 2; ++b) {
      std::fill(pl.x[b].begin(), pl.x[b].end(), 0.0);
      std::fill(pl.y[b].begin(), pl.y[b].end(), 0.0);
    }
  for (auto& pt : per_thread_) std::fill(pt.post_spiked.begin(), pt.post_spiked.end(), 0);
  for (size_t i = 0; i < 2 * plastic_.size(); ++i) post_active_[i].store(0);
}

size_t PlasticityRuntime::find(const std::string& projection) const {
  size_t p = 0;
  while (p < projections_.size() && projections_[p].name != projection) ++p;
  if (p == projections_.size()) throw Error("no projection named '" + projection + "'");
  // Two projections between the same populations share the default name "pre->post": refuse to guess.
  for (size_t q = p + 1; q < projections_.size(); ++q)
    if (projections_[q].name == projection)
      throw Error("projection name '" + projection +
                  "' is ambiguous: several projections have it (give them names of their own)");
  return p;
}

void PlasticityRuntime::normalize(const std::string& projection, double target_sum,
                                  std::vector<ThreadState>& threads) {
  const size_t p = find(projection);
  if (projections_[p].plastic < 0)
    throw Error("projection '" + projection + "' is not plastic; only plastic weights can be normalised");
  // A post neuron's synapses live in one thread, listed by ascending pre index: the sum is partition-free.
  const learning::Rule& rule = plastic_[projections_[p].plastic].rule;
  bool in_bounds = true;  // scaling may push weights past w_max
  for (size_t t = 0; t < threads.size(); ++t) {
    PerThread& pt = per_thread_[t];
    SynapseStore& syn = threads[t].synapses;
    for (uint32_t post = 0; post < neurons_total_; ++post) {
      double sum = 0;
      for (uint64_t e = pt.post_begin[post]; e < pt.post_begin[post + 1]; ++e)
        if (syn.projection[pt.post_syn[e]] == p) sum += pt.w[pt.post_syn[e]];
      for (uint64_t e = pt.post_begin[post]; e < pt.post_begin[post + 1]; ++e) {
        const uint64_t k = pt.post_syn[e];
        if (syn.projection[k] != p) continue;
        if (sum != 0) {
          pt.w[k] *= target_sum / sum;
          syn.target[k].weight = static_cast<float>(pt.w[k]);
        }
        in_bounds = in_bounds && rule.in_bounds(pt.w[k]);
      }
    }
  }
  in_bounds_[projections_[p].plastic] = in_bounds;
}

std::vector<PlasticityRuntime::SynapseRef> PlasticityRuntime::sorted_synapses(
    size_t p, const std::vector<ThreadState>& threads, ProjectionWeights* indices) const {
  const Projection& pr = projections_[p];
  std::vector<SynapseRef> raw;
  std::vector<uint32_t> pre, post;
  for (size_t t = 0; t < threads.size(); ++t) {
    const SynapseStore& syn = threads[t].synapses;
    for (uint32_t j = 0; j < neurons_total_; ++j)
      for (uint64_t k = syn.row_begin[j]; k < syn.row_begin[j + 1]; ++k) {
        if (syn.projection[k] != p) continue;
        raw.push_back({static_cast<uint32_t>(t), k});
        pre.push_back(j - pr.pre_offset);
        post.push_back(syn.target[k].ring_index % neurons_total_ - pr.post_offset);
      }
  }
  // Synapses of one (pre, post) pair live in one thread's row in generation order: a stable sort is
  // partition-free.
  std::vector<size_t> order(raw.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return pre[a] != pre[b] ? pre[a] < pre[b] : post[a] < post[b];
  });
  std::vector<SynapseRef> out;
  out.reserve(raw.size());
  for (size_t i : order) {
    out.push_back(raw[i]);
    if (indices) indices->pre.push_back(pre[i]), indices->post.push_back(post[i]);
  }
  return out;
}

ProjectionWeights PlasticityRuntime::weights(const std::string& projection,
                                             const std::vector<ThreadState>& threads) const {
  ProjectionWeights out;
  for (const SynapseRef& s : sorted_synapses(find(projection), threads, &out))
    out.weight.push_back(per_thread_[s.thread].w[s.csr]);
  return out;
}

void PlasticityRuntime::set_weights(const std::string& projection, const std::vector<double>& weights,
                                    std::vector<ThreadState>& threads) {
  const size_t p = find(projection);
  if (projections_[p].plastic < 0)
    throw Error("projection '" + projection + "' is not plastic; only plastic weights can be set");
  const std::vector<SynapseRef> order = sorted_synapses(p, threads, nullptr);
  if (weights.size() != order.size())
    throw Error("set_weights: projection '" + projection + "' has " + std::to_string(order.size()) +
                " synapses, got " + std::to_string(weights.size()) + " weights");
  for (size_t i = 0; i < weights.size(); ++i)
    if (!std::isfinite(weights[i]))
      throw Error("set_weights: projection '" + projection + "': weight " + std::to_string(i) +
                  " is not finite");
  const learning::Rule& rule = plastic_[projections_[p].plastic].rule;
  bool in_bounds = true;
  for (size_t i = 0; i < weights.size(); ++i) {
    const SynapseRef s = order[i];
    per_thread_[s.thread].w[s.csr] = weights[i];
    threads[s.thread].synapses.target[s.csr].weight = static_cast<float>(weights[i]);
    in_bounds = in_bounds && rule.in_bounds(weights[i]);
  }
  in_bounds_[projections_[p].plastic] = in_bounds;
}

}  // namespace scx::sim
