#include "silicortex/hw/loihi_chip.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "silicortex/core/error.hpp"

namespace scx::hw {

namespace {
// Adds an axon's synapses into the neurons' input sums; a graded spike's payload multiplies the weights.
template <class Syn>
void accumulate(const Syn* first, const Syn* last, int32_t payload, int64_t* sum) {
  if (payload == 1)
    for (; first != last; ++first) sum[first->neuron] += first->weight;
  else
    for (; first != last; ++first) sum[first->neuron] += int64_t(first->weight) * payload;
}
}  // namespace

LoihiChip::LoihiChip(const ChipProfile& profile)
    : profile_(profile), mesh_(profile.cores_x, profile.cores_y, profile.chips_x, profile.chips_y) {
  if (profile.neuron_kind != NeuronKind::kLoihiCuba)
    throw Error(fmt::format("chip '{}' is not a loihi-model chip", profile.name));
  cores_.resize(size_t(mesh_.cores()));
}

LoihiChip::Core& LoihiChip::core_at(int32_t core) {
  if (core < 0 || core >= cores())
    throw Error(fmt::format("core {} is not on chip '{}' ({} cores)", core, profile_.name, cores()));
  return cores_[size_t(core)];
}

void LoihiChip::configure_core(int32_t core, const LoihiLifParams& p, int32_t neurons) {
  if (neurons < 0 || neurons > profile_.neurons_per_core)
    throw Error(fmt::format("core {}: {} neurons, the chip's cores have {}", core, neurons,
                            profile_.neurons_per_core));
  Core& c = core_at(core);
  c.lif = LoihiLifBitAcc(size_t(neurons), p);
  c.dest.assign(size_t(neurons), {});
  c.dest_cost.assign(size_t(neurons), {});
  c.repack = true;
}

void LoihiChip::set_bias(int32_t core, int32_t neuron, int32_t bias_mant, int32_t bias_exp) {
  core_at(core).lif.set_bias(size_t(neuron), bias_mant, bias_exp);
}

void LoihiChip::add_synapse(int32_t core, int32_t axon, int32_t neuron, int32_t weight_mant,
                            int32_t weight_exp) {
  Core& c = core_at(core);
  const int64_t hi = (int64_t{1} << (profile_.weight_bits - 1)) - 1;
  if (weight_mant < -hi - 1 || weight_mant > hi || weight_exp < 0 || weight_exp > 16)
    throw Error(fmt::format("core {} axon {} neuron {}: weight {} << {} does not fit {}-bit mantissas", core,
                            axon, neuron, weight_mant, weight_exp, profile_.weight_bits));
  if (axon < 0 || axon >= profile_.axons_per_core || neuron < 0 || neuron >= neurons(core))
    throw Error(fmt::format("core {}: axon {} or neuron {} out of range", core, axon, neuron));
  if (size_t(axon) >= c.axons.size()) c.axons.resize(size_t(axon) + 1);
  c.axons[size_t(axon)].push_back({neuron, weight_mant * (int32_t{1} << weight_exp)});
  c.repack = true;
}

void LoihiChip::set_weight(int32_t core, int32_t axon, size_t k, int32_t weight) {
  Core& c = core_at(core);
  if (axon < 0 || size_t(axon) >= c.axons.size() || k >= c.axons[size_t(axon)].size())
    throw Error(fmt::format("core {} axon {}: no synapse {}", core, axon, k));
  Synapse& s = c.axons[size_t(axon)][k];
  if (s.plastic >= 0)
    throw Error(fmt::format("core {} axon {} neuron {}: the synapse is plastic (its weight is the learner's)",
                            core, axon, s.neuron));
  s.weight = weight;
  c.repack = true;
}

void LoihiChip::set_learner(int32_t core, std::unique_ptr<learning::FixedPointLearner> learner,
                            int32_t weight_exp) {
  Core& c = core_at(core);
  if (weight_exp < 0 || weight_exp > 16)
    throw Error(fmt::format("core {}: learning weight exponent {} is outside 0..16", core, weight_exp));
  c.learner = std::move(learner);
  c.learn_exp = weight_exp;
  c.repack = true;
}

void LoihiChip::add_plastic_synapse(int32_t core, int32_t axon, int32_t neuron, int32_t weight_mant) {
  Core& c = core_at(core);
  if (!c.learner) throw Error(fmt::format("core {}: a plastic synapse needs a learner on the core", core));
  if (axon < 0 || axon >= c.learner->pre_count() || neuron < 0 || neuron >= c.learner->post_count())
    throw Error(
        fmt::format("core {}: plastic synapse axon {} neuron {} is outside its learner ({} axons, {} "
                    "neurons)",
                    core, axon, neuron, c.learner->pre_count(), c.learner->post_count()));
  add_synapse(core, axon, neuron, weight_mant, c.learn_exp);
  auto& list = c.axons[size_t(axon)];
  list.back().plastic = int32_t(c.learner->add_synapse(axon, neuron, weight_mant));
  list.back().weight = c.learner->weight(size_t(list.back().plastic)) * (int32_t{1} << c.learn_exp);
  c.plastic.push_back({axon, list.size() - 1});
}

void LoihiChip::set_reward(double r) {
  for (auto& c : cores_)
    if (c.learner) c.learner->set_reward(r);
}

void LoihiChip::learn(Core& c, const uint8_t* fired) {
  for (size_t j = 0; j < c.dest.size(); ++j)
    if (fired[j]) c.learner->post_spike(int32_t(j));
  if (!c.learner->end_tick()) return;
  for (const auto& [axon, pos] : c.plastic) {
    Synapse& s = c.axons[size_t(axon)][pos];
    s.weight = c.learner->weight(size_t(s.plastic)) * (int32_t{1} << c.learn_exp);
  }
}

void LoihiChip::add_destination(int32_t core, int32_t neuron, int32_t to_core, int32_t axon) {
  Core& c = core_at(core);
  core_at(to_core);
  if (neuron < 0 || neuron >= neurons(core) || axon < 0 || axon >= profile_.axons_per_core)
    throw Error(fmt::format("core {} neuron {}: destination axon {} out of range", core, neuron, axon));
  c.dest[size_t(neuron)].push_back({to_core, axon});
  const int32_t hops = mesh_.hops(mesh_.x(to_core) - mesh_.x(core), mesh_.y(to_core) - mesh_.y(core));
  c.dest_cost[size_t(neuron)].push_back({uint32_t(hops), uint32_t(mesh_.chip_crossings(core, to_core))});
}

void LoihiChip::set_start_delay(int32_t core, uint64_t ticks) {
  core_at(core).start_delay = ticks;
}

void LoihiChip::reset_state() {
  for (auto& c : cores_) {
    c.lif.reset();
    c.active.clear();
    c.next.clear();
  }
  reset_tick_ = tick_;
}

uint64_t LoihiChip::neurons() const {
  uint64_t n = 0;
  for (const auto& c : cores_) n += c.dest.size();
  return n;
}

void LoihiChip::inject(int32_t core, int32_t axon, int32_t payload) {
  if (payload < 0 || payload >= (1 << kPayloadBits))
    throw Error(fmt::format("core {} axon {}: graded spike payload {} is outside [0, 2^{})", core, axon,
                            payload, kPayloadBits));
  core_at(core).active.push_back({axon, payload});
}

void LoihiChip::pack(Core& c) {
  c.packed.reset();
  c.repack = false;
  if (c.learner) return;  // plastic weights change every learning epoch
  auto p = std::make_shared<PackedAxons>();
  p->begin.reserve(c.axons.size() + 1);
  p->begin.push_back(0);
  for (const auto& list : c.axons) {
    for (const Synapse& s : list) {
      if (s.neuron > UINT16_MAX || s.weight < INT16_MIN || s.weight > INT16_MAX) return;
      p->syn.push_back({uint16_t(s.neuron), int16_t(s.weight)});
    }
    p->begin.push_back(uint32_t(p->syn.size()));
  }
  c.packed = std::move(p);
}

void LoihiChip::run(uint64_t ticks, const TrueNorthChip::SpikeSink& on_tick) {
  for (auto& c : cores_)
    if (c.repack) pack(c);
  std::vector<int64_t> sum;  // reused across cores and ticks: no allocation per core per tick
  std::vector<int32_t> a_in;
  std::vector<uint8_t> fired;
  std::vector<TnSpike> spikes;
  for (uint64_t t = 0; t < ticks; ++t, ++tick_) {
    spikes.clear();
    for (int32_t ci = 0; ci < cores(); ++ci) {
      Core& c = cores_[size_t(ci)];
      const size_t n = c.dest.size();
      if (n == 0) continue;
      if (tick_ - reset_tick_ < c.start_delay) {  // at rest: nothing can have arrived yet
        c.active.clear();
        continue;
      }
      sum.assign(n, 0);
      for (const auto [axon, payload] : c.active) {
        if (c.learner && axon < c.learner->pre_count()) c.learner->pre_spike(axon);
        if (size_t(axon) >= c.axons.size()) continue;
        if (c.packed) {
          const PackedSynapse* first = c.packed->syn.data() + c.packed->begin[size_t(axon)];
          const PackedSynapse* last = c.packed->syn.data() + c.packed->begin[size_t(axon) + 1];
          accumulate(first, last, payload, sum.data());
          counters_.synaptic_events += uint64_t(last - first);
          continue;
        }
        const auto& synapses = c.axons[size_t(axon)];
        accumulate(synapses.data(), synapses.data() + synapses.size(), payload, sum.data());
        counters_.synaptic_events += synapses.size();
      }
      c.active.clear();
      a_in.resize(n);
      fired.assign(n, 0);
      for (size_t j = 0; j < n; ++j) {
        a_in[j] = static_cast<int32_t>(std::clamp<int64_t>(sum[j], -kMaxInput, kMaxInput));
        counters_.saturations += a_in[j] != sum[j];
      }
      c.lif.step(a_in.data(), fired.data(), &counters_.saturations);
      counters_.neuron_updates += n;
      if (c.learner) learn(c, fired.data());
      for (size_t j = 0; j < n; ++j) {
        if (!fired[j]) continue;
        spikes.push_back({uint32_t(ci), uint32_t(j)});
        ++counters_.spikes_sent;
        for (const auto& [to, axon] : c.dest[j]) cores_[size_t(to)].next.push_back({axon, 1});
        for (const auto& [hops, crossings] : c.dest_cost[j]) {
          counters_.hops += hops;
          counters_.chip_crossings += crossings;
        }
      }
    }
    for (auto& c : cores_) {
      c.active.insert(c.active.end(), c.next.begin(), c.next.end());
      c.next.clear();
    }
    ++counters_.ticks;
    if (on_tick) on_tick(tick_, spikes);
  }
}

}  // namespace scx::hw
