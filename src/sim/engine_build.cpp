// Lowering a model::Network into the engine's arrays: groups with global offsets, per-thread chunks,
// per-thread CSR synapses, stimuli and probes. Runs once, before the step loop.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/core/system.hpp"
#include "silicortex/dist/communicator.hpp"
#include "silicortex/sim/connectivity.hpp"
#include "sim/engine_impl.hpp"

namespace scx::sim {
namespace {

constexpr uint32_t kMaxBlockSteps = 64;  // longest block between barriers (also the block without synapses)
constexpr double kBytesPerSynapseBuild = 40;    // generation list + CSR copy, with vector slack
constexpr double kBytesPerSynapsePlastic = 30;  // projection id, double weight, tag, transposed index

bool has_plasticity(const model::Network& net) {
  return std::any_of(net.projections.begin(), net.projections.end(),
                     [](const auto& p) { return p.plasticity; });
}

int64_t to_step(double t_ms, double dt_ms) {
  return t_ms > 1e299 ? INT64_MAX : static_cast<int64_t>(std::llround(t_ms / dt_ms));
}

void check_memory(const model::Network& net) {
  double total = 0, largest = 0;
  std::string largest_name;
  for (const auto& proj : net.projections) {
    const double n = expected_synapse_count(proj, net.find_population(proj.pre)->size,
                                            net.find_population(proj.post)->size);
    total += n;
    if (n > largest) largest = n, largest_name = proj.name;
  }
  const double per_synapse = kBytesPerSynapseBuild + (has_plasticity(net) ? kBytesPerSynapsePlastic : 0);
  // Every thread keeps a private copy of the neuron state and of the ring buffer (16 slots assumed here).
  constexpr double kBytesPerNeuronPerThread = 64 + 2 * 16 * sizeof(float);
  const double need = total * per_synapse + static_cast<double>(net.neuron_count()) *
                                                kBytesPerNeuronPerThread * std::max(1u, net.sim.threads);
  const uint64_t avail = available_memory_bytes();
  if (avail > 0 && need > 0.9 * static_cast<double>(avail)) {
    char msg[512];
    std::snprintf(
        msg, sizeof msg,
        "network '%s' does not fit in memory: about %.3g synapses need %.1f GiB, %.1f GiB available "
        "(largest projection '%s' with %.3g synapses)",
        net.name.c_str(), total, need / (1 << 30), avail / double(1 << 30), largest_name.c_str(), largest);
    throw Error(msg);
  }
}

}  // namespace

Engine::Impl::Impl(const model::Network& net, std::shared_ptr<dist::Communicator> communicator)
    : comm(communicator ? std::move(communicator) : std::make_shared<dist::LocalCommunicator>()),
      name(net.name),
      dt_ms(net.sim.dt_ms),
      duration_ms(net.sim.duration_ms),
      seed(net.sim.seed),
      threads(net.sim.threads) {
  const auto t0 = std::chrono::steady_clock::now();
  model::validate(net);
  check_memory(net);
  build_groups(net);
  build_synapses(net);
  if (has_plasticity(net) && comm->size() > 1)
    throw Error("network '" + name +
                "': plasticity with several MPI ranks is not supported yet (run it in one "
                "process; threads are fine)");
  if (has_plasticity(net))
    plasticity = std::make_unique<PlasticityRuntime>(net, groups, thread_state, neurons_total, dt_ms);
  build_probes(net);
  snapshot_rest_state(net);
  build_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Engine::Impl::build_groups(const model::Network& net) {
  thread_state.resize(threads);
  for (unsigned t = 0; t < threads; ++t) thread_state[t].index = t;
  for (uint32_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    GroupSlot slot;
    slot.name = pop.name;
    slot.group = make_neuron_group(pop, dt_ms, seed, p);
    for (unsigned t = 1; t < threads; ++t) slot.more.push_back(make_neuron_group(pop, dt_ms, seed, p));
    slot.graded = slot.group->graded_output() != nullptr;
    if (slot.graded && comm->size() > 1)
      throw Error("population '" + pop.name +
                  "': graded (non-spiking) outputs are not exchanged between MPI ranks yet; run it in one "
                  "process (threads are fine)");
    slot.offset = neurons_total;
    if (static_cast<uint64_t>(neurons_total) + slot.group->padded_size() >= (1u << 30))
      throw Error("network '" + name + "': more than 2^30 neurons are not supported in one process");
    neurons_total += slot.group->padded_size();
    neuron_count += pop.size;
    // This rank takes a contiguous, 16-aligned share of every group, and each of its threads a share of that:
    // balanced work per phase, and ascending global order when ranks and threads are taken in turn.
    const dist::Share mine =
        dist::partition_share(slot.group->padded_size(), kLaneAlign, comm->rank(), comm->size());
    for (unsigned t = 0; t < threads; ++t) {
      const dist::Share share = dist::partition_share(mine.end - mine.begin, kLaneAlign, t, threads);
      thread_state[t].chunk.push_back(Range{mine.begin + share.begin, mine.begin + share.end});
    }
    if (pop.adaptive_threshold) {
      slot.adaptive.emplace(*pop.adaptive_threshold, dt_ms);
      slot.theta.assign(slot.group->padded_size(), 0.0);
      for (unsigned t = 0; t < threads; ++t)
        slot.theta_of_instance.push_back(slot.instance(t).state("theta"));
    }
    groups.push_back(std::move(slot));
  }
  for (auto& ts : thread_state) {
    ts.recorded.resize(groups.size());
    ts.spike_count.assign(groups.size(), Count{});
    uint32_t largest = 0;
    for (auto& r : ts.chunk) largest = std::max(largest, r.end - r.begin);
    ts.scratch.resize(largest + kLaneAlign);
  }
  for (const auto& st : net.stimuli) {
    uint32_t g = 0;
    while (groups[g].name != st.population) ++g;
    groups[g].i_stim.assign(groups[g].group->padded_size(), 0.0f);  // only groups with a stimulus have one
    stimuli.push_back({g, static_cast<float>(st.amplitude_pa), to_step(st.start_ms, dt_ms),
                       to_step(st.stop_ms, dt_ms), st.neurons});
    stimulus_change_steps.push_back(stimuli.back().start_step);
    stimulus_change_steps.push_back(stimuli.back().stop_step);
  }
  std::sort(stimulus_change_steps.begin(), stimulus_change_steps.end());
  stimulus_change_steps.erase(std::unique(stimulus_change_steps.begin(), stimulus_change_steps.end()),
                              stimulus_change_steps.end());
}

void Engine::Impl::build_synapses(const model::Network& net) {
  // Owner thread of every global neuron, from the chunks; neurons of other ranks have none here.
  constexpr uint16_t kRemote = UINT16_MAX;
  std::vector<uint16_t> owner(neurons_total, kRemote);
  for (unsigned t = 0; t < threads; ++t)
    for (size_t g = 0; g < groups.size(); ++g)
      for (uint32_t i = thread_state[t].chunk[g].begin; i < thread_state[t].chunk[g].end; ++i)
        owner[groups[g].offset + i] = static_cast<uint16_t>(t);
  auto group_of = [&](const std::string& pop) {
    uint32_t g = 0;
    while (groups[g].name != pop) ++g;
    return g;
  };

  std::vector<SynapseList> lists;
  std::vector<uint32_t> pre_group, post_group, receptor;
  uint32_t max_delay = 1, min_delay = kMaxBlockSteps;
  for (uint32_t p = 0; p < net.projections.size(); ++p) {
    const auto& proj = net.projections[p];
    const uint32_t gpre = group_of(proj.pre), gpost = group_of(proj.post);
    lists.push_back(
        sim::build_synapses(proj, groups[gpre].group->size(), groups[gpost].group->size(), dt_ms, seed, p));
    pre_group.push_back(gpre);
    post_group.push_back(gpost);
    receptor.push_back(proj.receptor == model::Receptor::Excitatory ? 0 : 1);
    for (uint16_t d : lists.back().delay_steps) {
      max_delay = std::max<uint32_t>(max_delay, d);
      min_delay = std::min<uint32_t>(min_delay, d);
    }
    synapse_count += lists.back().size();
  }

  // Counting sort into one CSR per thread, stable in (projection, generation) order so that every thread
  // count accumulates each neuron's input in the same order.
  for (auto& ts : thread_state) ts.synapses.row_begin.assign(neurons_total + 1, 0);
  for (size_t p = 0; p < lists.size(); ++p) {
    const auto& l = lists[p];
    const uint32_t pre_off = groups[pre_group[p]].offset, post_off = groups[post_group[p]].offset;
    for (size_t k = 0; k < l.size(); ++k)
      if (const uint16_t t = owner[post_off + l.post[k]]; t != kRemote)
        ++thread_state[t].synapses.row_begin[pre_off + l.pre[k] + 1];
  }
  // Plasticity needs each synapse's projection (rule, and weights read back by projection).
  const bool keep_projection = has_plasticity(net);
  if (keep_projection && net.projections.size() > UINT16_MAX)
    throw Error("network '" + name + "': more than 65535 projections are not supported with plasticity");
  // Static synapses with few distinct weights are stored packed (synapse_store.hpp), written so from the
  // start, the 8-byte wide array never exists beside the synapse lists, the build's memory peak.
  WeightTable table(2 * neurons_total);
  bool packed = !keep_projection;
  for (size_t p = 0; p < lists.size() && packed; ++p)
    for (float w : lists[p].weight)
      if (!(packed = table.add(w))) break;
  std::vector<std::vector<uint64_t>> fill(threads);
  for (unsigned t = 0; t < threads; ++t) {
    SynapseStore& store = thread_state[t].synapses;
    auto& rows = store.row_begin;
    for (uint32_t i = 0; i < neurons_total; ++i) rows[i + 1] += rows[i];
    if (packed)
      store.start_packed(table, rows.back());
    else
      store.target.resize(rows.back());
    if (min_delay != max_delay) store.delay_steps.resize(rows.back());  // one delay: delivery reads none
    if (keep_projection) store.projection.resize(rows.back());
    fill[t].assign(rows.begin(), rows.end() - 1);
  }
  for (size_t p = 0; p < lists.size(); ++p) {
    auto& l = lists[p];
    const uint32_t pre_off = groups[pre_group[p]].offset, post_off = groups[post_group[p]].offset;
    const uint32_t ring_base = receptor[p] * neurons_total + post_off;
    for (size_t k = 0; k < l.size(); ++k) {
      const unsigned t = owner[post_off + l.post[k]];
      if (t == kRemote) continue;
      const uint64_t at = fill[t][pre_off + l.pre[k]]++;
      if (packed)
        thread_state[t].synapses.set_packed(at, table.code(ring_base + l.post[k], l.weight[k]));
      else
        thread_state[t].synapses.target[at] = {ring_base + l.post[k], l.weight[k]};
      if (min_delay != max_delay) thread_state[t].synapses.delay_steps[at] = l.delay_steps[k];
      if (keep_projection) thread_state[t].synapses.projection[at] = static_cast<uint16_t>(p);
    }
    l = SynapseList{};  // release generation memory as we go
  }
  ring_slots = std::bit_ceil(max_delay + 1);
  uniform_delay = synapse_count > 0 && min_delay == max_delay ? max_delay : 0;
  // One-step delays everywhere: each slot is emptied by the update right after its delivery, so one slot
  // does, and targets that can keep their synaptic state in it (NeuronGroup::keep_input_in_state) do.
  bool input_in_state = uniform_delay == 1;
  for (uint32_t g : post_group) input_in_state = input_in_state && groups[g].group->can_keep_input_in_state();
  if (input_in_state) ring_slots = 1;
  block_steps = has_plasticity(net) || comm->size() > 1 ? 1 : std::max(1u, min_delay);
  for (auto& ts : thread_state) {
    ts.spike_ring.assign(std::bit_ceil(2 * block_steps), std::vector<SpikeList>(groups.size()));
    ts.graded_ring.assign(std::bit_ceil(2 * block_steps),
                          std::vector<Padded<std::vector<float>>>(groups.size()));
  }
  for (auto& ts : thread_state)
    ts.ring.assign(
        static_cast<size_t>(ring_slots) * 2 * neurons_total + 2 * kPrefetchGuardBytes / sizeof(float), 0.0f);
  if (!input_in_state) return;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (std::find(post_group.begin(), post_group.end(), g) == post_group.end()) continue;
    for (unsigned t = 0; t < threads; ++t) {
      float* slot = thread_state[t].ring_base() + groups[g].offset;
      groups[g].instance(t).keep_input_in_state(slot, slot + neurons_total);
    }
  }
}

void Engine::Impl::build_probes(const model::Network& net) {
  for (const auto& pr : net.probes) {
    uint32_t g = 0;
    while (groups[g].name != pr.population) ++g;
    if (pr.variable == "spikes") {
      auto& slot = groups[g];
      if (pr.neurons.empty()) {
        slot.record_mask.clear();
      } else if (!slot.record_spikes || !slot.record_mask.empty()) {
        slot.record_mask.resize(slot.group->padded_size(), 0);
        for (uint32_t i : pr.neurons) slot.record_mask[i] = 1;
      }
      slot.record_spikes = true;
      continue;
    }
    StateProbe sp;
    sp.group = g;
    sp.variable = pr.variable;
    sp.interval_steps = std::max<int64_t>(1, std::llround(pr.interval_ms / dt_ms));
    if (pr.neurons.empty()) {
      for (uint32_t i = 0; i < groups[g].group->size(); ++i) sp.neurons.push_back(i);
    } else {
      sp.neurons = pr.neurons;
    }
    if (groups[g].group->state(sp.variable) == nullptr)
      throw Error("probe on '" + pr.population + "': variable '" + pr.variable + "' is not recordable");
    probes.push_back(std::move(sp));
  }
}

void Engine::Impl::snapshot_rest_state(const model::Network& net) {
  for (size_t g = 0; g < groups.size(); ++g) {
    auto vars = model::state_variables(net.populations[g].params);
    vars.push_back("ref_steps_left");
    GroupSlot& slot = groups[g];
    slot.rest_state.resize(threads);
    for (unsigned t = 0; t < threads; ++t)
      for (const auto& var : vars)
        if (float* arr = slot.instance(t).state(var))
          slot.rest_state[t].emplace_back(arr, std::vector<float>(arr, arr + slot.group->padded_size()));
  }
}

}  // namespace scx::sim
