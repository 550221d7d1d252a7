#include "silicortex/train/loihi_deploy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "silicortex/core/error.hpp"
#include "silicortex/train/network.hpp"
#include "train/linear_map.hpp"

namespace scx::train {
namespace {

using detail::fail_layer;
using Entry = detail::MapEntry;

// The smallest x >= 0 with max_abs <= mant_max * 2^x.
int shared_exponent(double max_abs, int64_t mant_max) {
  int x = 0;
  while (max_abs > double(mant_max) * std::ldexp(1.0, x)) ++x;
  return x;
}

}  // namespace

int predicted_class(const std::vector<int32_t>& counts) {
  return int(std::max_element(counts.begin(), counts.end()) - counts.begin());
}

LoihiDeployment::LoihiDeployment(const TrainConfig& cfg, const std::vector<float>& params,
                                 const hw::ChipProfile& profile)
    : steps_(cfg.encoding.steps),
      pixels_(cfg.input.size()),
      graded_(cfg.encoding.kind == EncodingKind::Direct),
      payload_scale_(std::ldexp(1.0f, cfg.encoding.bits)),
      readout_(cfg.loss.kind),
      chip_(profile) {
  const SnnNetwork net(cfg.layers, cfg.input, cfg.classes);
  if (params.size() != net.param_count())
    throw Error(fmt::format("{}: params: {} values, but the network of its configuration has {}", cfg.source,
                            params.size(), net.param_count()));
  if (profile.weight_bits < 2)
    throw Error(fmt::format("chip '{}': weight bits must be at least 2", profile.name));
  const int64_t mant_max = (int64_t{1} << (profile.weight_bits - 1)) - 1;
  int index_bits = 0;
  while ((int64_t{1} << index_bits) < profile.neurons_per_core) ++index_bits;
  synapse_bits_ = int(profile.weight_bits) + index_bits;

  std::vector<const Block*> chain;
  std::vector<std::pair<int32_t, int32_t>> prev_place;  // previous layer's neurons: (core, local index)
  int next_core = 0;
  for (const Block& b : net.blocks()) {
    const std::string& origin = b.spec.origin;
    if (b.spec.kind == LayerKind::Recurrent)
      fail_layer(origin, "type", "recurrent layers are not deployed yet");
    chain.push_back(&b);
    if (!b.spec.has_neuron) continue;
    const NeuronSpec& nspec = b.spec.neuron;
    if (nspec.model == NeuronModel::None)
      fail_layer(origin, "neuron",
                 "a non-spiking read-out (model = \"none\") is not deployed; use spiking neurons");
    const double du = nspec.model == NeuronModel::Lif ? 1.0 : nspec.du, dv = nspec.dv;
    // Leading pools and flatten map several sources onto one input axon (a spike message per source, so the
    // axon's synapses are applied once per spike, which sums them as the pool does); the rest of the chain
    // gives the synapses of each axon.
    std::vector<int32_t> axon_source(size_t(chain.front()->in.size()));
    std::iota(axon_source.begin(), axon_source.end(), 0);
    size_t first = 0;
    double pre_scale = 1;
    int per_axon = 1;
    if (layers_.empty() && graded_) {  // the input's graded payloads are the float input times 2^bits
      pre_scale = std::ldexp(1.0, -cfg.encoding.bits);
      per_axon = (1 << cfg.encoding.bits) - 1;
    }
    for (; first + 1 < chain.size(); ++first) {
      const Block& p = *chain[first];
      if (p.spec.kind == LayerKind::Flatten) continue;
      if (p.spec.kind != LayerKind::SumPool && p.spec.kind != LayerKind::AvgPool) break;
      const int k = p.spec.kernel;
      for (int32_t& v : axon_source) {
        if (v < 0) continue;
        const int c = v / (p.in.h * p.in.w), y = v / p.in.w % p.in.h / k, xx = v % p.in.w / k;
        v = y < p.out.h && xx < p.out.w ? (c * p.out.h + y) * p.out.w + xx : -1;
      }
      per_axon *= k * k;
      if (p.spec.kind == LayerKind::AvgPool) pre_scale /= k * k;
    }
    std::vector<std::vector<Entry>> rows = detail::composite_map(
        std::vector<const Block*>(chain.begin() + std::ptrdiff_t(first), chain.end()), params);
    for (auto& r : rows)
      for (Entry& e : r) e.w *= pre_scale;
    std::vector<std::vector<int32_t>> members(rows.size());
    for (size_t i = 0; i < axon_source.size(); ++i)
      if (axon_source[i] >= 0) members[size_t(axon_source[i])].push_back(int32_t(i));
    chain.clear();
    const int n = b.out.size();

    // By target: the sources of each neuron; the worst-case input for the u bound.
    std::vector<std::vector<Entry>> cols(static_cast<size_t>(n));
    double w_max = 0;
    for (int i = 0; i < int(rows.size()); ++i)
      for (const Entry& e : rows[size_t(i)]) {
        cols[size_t(e.index)].push_back({i, e.w});
        w_max = std::max(w_max, std::fabs(e.w));
      }
    double in_max = 0, bias_max = 0;
    for (int j = 0; j < n; ++j) {
      double pos = 0, neg = 0;  // the largest input of either sign if every input fires
      for (const Entry& e : cols[size_t(j)]) (e.w > 0 ? pos : neg) += std::fabs(e.w);
      in_max = std::max(in_max, std::max(pos, neg) * per_axon);
      bias_max = std::max(bias_max, double(std::fabs(params[b.b_off + size_t(j / b.bias_group)])));
    }

    // Scale: the largest power of two with vth < 2^17 and |u|, |v| < 2^23 even if every input fires, but
    // not below the one that keeps the weights on the mantissa grid (a worst case that practice never
    // meets should not cost the weights' precision).
    DeployedLayer L;
    L.origin = origin;
    L.neurons = n;
    const double u_gain = du > 0 ? std::min(1.0 / du, double(steps_)) : double(steps_);
    const double u_max = in_max * u_gain;
    const double v_neg = (u_max + bias_max) * (dv > 0 ? std::min(1.0 / dv, double(steps_)) : double(steps_));
    const double peak = 64.0 * std::max(u_max + bias_max + nspec.vth, v_neg);
    int log_s = 30;
    while (log_s > -30 && (std::ldexp(double(nspec.vth), log_s) > 131071.0 ||
                           std::ldexp(peak, log_s) >= double(hw::LoihiLifBitAcc::kMaxUv)))
      --log_s;
    int log_exact = 0;  // weights exact at scale 2^-e with e the grid exponent of max |w|
    while (log_exact < 30 && w_max * std::ldexp(1.0, log_exact + 1) <= double(mant_max)) ++log_exact;
    while (log_exact > -30 && w_max * std::ldexp(1.0, log_exact) > double(mant_max)) --log_exact;
    if (std::ldexp(double(nspec.vth), log_exact) <= 131071.0) log_s = std::max(log_s, log_exact);
    L.scale = std::ldexp(1.0, log_s);
    L.vth = int32_t(std::lround(L.scale * nspec.vth));
    if (L.vth < 1)
      fail_layer(origin, "vth", "the threshold is too small for the weights on the chip's 17-bit scale");
    L.weight_exp = shared_exponent(w_max * L.scale, mant_max);
    if (L.weight_exp > 16) fail_layer(origin, "weights", "the weights need an exponent above 16");
    const double unit = std::ldexp(1.0, L.weight_exp);
    L.exact = L.scale * nspec.vth == double(L.vth);
    for (const auto& c : cols)
      for (const Entry& e : c) {
        const double m = e.w * L.scale / unit;
        if (m != std::round(m)) L.exact = false;
      }
    const int32_t du_chip = std::clamp(int32_t(std::lround(4096 * du)) - 1, 0, 4095);
    const int32_t dv_chip = std::clamp(int32_t(std::lround(4096 * dv)), 0, 4095);
    if (4096 * du - 1 != du_chip || 4096 * dv != dv_chip) L.exact = false;

    // Cores: neurons in position-major order (all channels of a pixel together, so that a core's neurons
    // share input axons) while neurons, input axons and synapse memory fit.
    std::vector<int32_t> order;
    order.reserve(size_t(n));
    for (int y = 0; y < b.out.h; ++y)
      for (int xx = 0; xx < b.out.w; ++xx)
        for (int c = 0; c < b.out.c; ++c) order.push_back((c * b.out.h + y) * b.out.w + xx);
    std::vector<int32_t> stamp(rows.size(), -1), axon_of(rows.size(), 0);
    std::vector<std::pair<int32_t, int32_t>> place(static_cast<size_t>(n));
    int core = -1, in_core = 0, axons = 0;
    int64_t syn = 0;
    std::vector<int> core_axons;
    std::vector<int64_t> core_syn;
    for (const int32_t j : order) {
      const auto& src = cols[size_t(j)];
      const int64_t fan_in = int64_t(src.size());
      if (fan_in > profile.axons_per_core || fan_in * synapse_bits_ > profile.synapse_memory_bits)
        fail_layer(
            origin, "out",
            fmt::format("neuron {} has {} inputs; a core of chip '{}' holds {} axons and {} synapse bits", j,
                        fan_in, profile.name, profile.axons_per_core, profile.synapse_memory_bits));
      int fresh = 0;
      for (const Entry& e : src) fresh += stamp[size_t(e.index)] != core;
      if (core < 0 || in_core == profile.neurons_per_core || axons + fresh > profile.axons_per_core ||
          (syn + fan_in) * synapse_bits_ > profile.synapse_memory_bits) {
        ++core;
        in_core = axons = 0;
        syn = 0;
        core_axons.push_back(0);
        core_syn.push_back(0);
        fresh = int(src.size());
      }
      for (const Entry& e : src)
        if (stamp[size_t(e.index)] != core) {
          stamp[size_t(e.index)] = core;
          ++axons;
        }
      syn += fan_in;
      core_axons.back() = axons;
      core_syn.back() = syn * synapse_bits_;
      place[size_t(j)] = {next_core + core, in_core++};
    }
    L.first_core = next_core;
    L.cores = core + 1;
    L.max_axons = *std::max_element(core_axons.begin(), core_axons.end());
    L.max_synapse_bits = *std::max_element(core_syn.begin(), core_syn.end());
    next_core += L.cores;
    if (next_core > chip_.cores())
      fail_layer(
          origin, "out",
          fmt::format("the network needs more than the {} cores of chip '{}' (this layer alone needs {})",
                      chip_.cores(), profile.name, L.cores));

    // Configure the cores, the synapses and the previous layer's destinations.
    const int depth = int(layers_.size());
    core_layer_.resize(size_t(next_core), depth);
    core_neurons_.resize(size_t(next_core));
    for (const int32_t j : order) core_neurons_[size_t(place[size_t(j)].first)].push_back(j);
    for (int32_t cid = L.first_core; cid < next_core; ++cid) {
      chip_.configure_core(cid, {du_chip, dv_chip, L.vth}, int32_t(core_neurons_[size_t(cid)].size()));
      chip_.set_start_delay(cid, uint64_t(depth));
    }
    if (depth == 0) input_axons_.assign(size_t(pixels_), {});
    std::fill(stamp.begin(), stamp.end(), -1);
    std::vector<int32_t> axons_used(size_t(L.cores), 0);
    for (const int32_t j : order) {  // core by core, so that stamp marks the axons of the current core
      const auto [cid, local] = place[size_t(j)];
      const double bias_chip = 64.0 * L.scale * params[b.b_off + size_t(j / b.bias_group)];
      int32_t bexp = 0;
      while (std::fabs(std::round(std::ldexp(bias_chip, -bexp))) > 4095 && bexp < 7) ++bexp;
      const double bmant = std::round(std::ldexp(bias_chip, -bexp));
      if (std::fabs(bmant) > 4095)
        fail_layer(origin, "bias", fmt::format("neuron {}: bias too large for the chip", j));
      chip_.set_bias(cid, local, int32_t(bmant), bexp);
      for (const Entry& e : cols[size_t(j)]) {
        const size_t si = size_t(e.index);
        if (stamp[si] != cid) {
          stamp[si] = cid;
          axon_of[si] = axons_used[size_t(cid - L.first_core)]++;
          for (const int32_t m : members[si])
            if (depth == 0)
              input_axons_[size_t(m)].push_back({cid, axon_of[si]});
            else
              chip_.add_destination(prev_place[size_t(m)].first, prev_place[size_t(m)].second, cid,
                                    axon_of[si]);
        }
        const int32_t mant = int32_t(std::lround(e.w * L.scale / unit));
        chip_.add_synapse(cid, axon_of[si], local, mant, L.weight_exp);
        ++L.synapses;
      }
    }
    layers_.push_back(L);
    prev_place = std::move(place);
  }
  if (!chain.empty())
    fail_layer(chain.back()->spec.origin, "neuron",
               "the last block has no neurons; the chip reads out spikes");
  cores_used_ = next_core;
  out_place_ = std::move(prev_place);
}

std::vector<int32_t> LoihiDeployment::run(const float* x, const hw::TrueNorthChip::SpikeSink& on_tick) {
  const DeployedLayer& out = layers_.back();
  std::vector<int32_t> scores(size_t(out.neurons), 0);
  const int last = int(layers_.size()) - 1;
  const auto sink = [&](uint64_t tick, const std::vector<hw::TnSpike>& spikes) {
    if (readout_ == LossKind::Count)
      for (const hw::TnSpike& s : spikes)
        if (core_layer_[s.core] == last) ++scores[size_t(core_neurons_[s.core][s.neuron])];
    if (on_tick) on_tick(tick, spikes);
  };
  chip_.reset_state();
  for (int t = 0; t < ticks_per_sample(); ++t) {
    if (t < steps_) {
      const float* xt = x + size_t(t) * size_t(pixels_);
      for (int p = 0; p < pixels_; ++p) {
        if (xt[p] == 0.0f) continue;
        const int32_t payload = graded_ ? int32_t(std::lround(xt[p] * payload_scale_)) : 1;
        for (const auto& [core, axon] : input_axons_[size_t(p)]) chip_.inject(core, axon, payload);
      }
    }
    chip_.run(1, sink);
    if (readout_ == LossKind::Count || t < last) continue;  // the output layer's step t - last
    for (size_t j = 0; j < scores.size(); ++j) {
      const int32_t v = chip_.v(out_place_[j].first, out_place_[j].second);
      scores[j] = readout_ == LossKind::MembraneMax && t > last ? std::max(scores[j], v) : scores[j] + v;
    }
  }
  return scores;
}

std::pair<int, int> LoihiDeployment::locate(uint32_t core, uint32_t neuron) const {
  return {core_layer_[core], core_neurons_[core][neuron]};
}

}  // namespace scx::train
