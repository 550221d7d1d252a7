#include "silicortex/train/truenorth_deploy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/train/network.hpp"
#include "silicortex/train/quantize.hpp"
#include "train/linear_map.hpp"

namespace scx::train {
namespace {

using detail::MapEntry;

using detail::fail_layer;

struct Input {
  int32_t source;
  int8_t level;  // k: the weight is k a_j
};

// A neuron as the chip runs it (one copy).
struct TnNeuron {
  std::vector<Input> in;
  int32_t scale = 1;  // c_j: chip weight of level 1
  int32_t leak = 0, alpha = 1;
  bool exact_leak = true;
};

// One layer of neurons on its way to the chip.
struct Plan {
  const Block* block = nullptr;
  std::vector<TnNeuron> neurons;
  int sources = 0;
  int kmax = 1;  // this layer's largest level: types 0..2 kmax - 1
  // Placement, core indices relative to the layer: per core, its neurons in slot order and its input axons
  // as keys source * types + type.
  std::vector<std::vector<int32_t>> core_neurons;
  std::vector<std::vector<int64_t>> core_axons;
  std::vector<std::vector<std::pair<int32_t, int32_t>>> dests;  // per neuron: (core, axon) in the next layer
};

// Axon type of level k: the negative levels first, types 0..2 kmax - 1.
int type_of(int k, int kmax) {
  return k < 0 ? kmax + k : kmax + k - 1;
}
int level_of(int type, int kmax) {
  return type < kmax ? type - kmax : type - kmax + 1;
}

// Level of every input and the integer parameters of each neuron.
void quantise_layer(const Block& b, const std::vector<float>& params,
                    const std::vector<std::vector<MapEntry>>& rows, int kmax, int depth, int steps, int ticks,
                    const hw::ChipProfile& profile, Plan& plan, TnDeployedLayer& L) {
  const std::string& origin = b.spec.origin;
  const int n = b.out.size();
  std::vector<std::vector<MapEntry>> cols(static_cast<size_t>(n));
  for (int i = 0; i < int(rows.size()); ++i)
    for (const MapEntry& e : rows[size_t(i)]) cols[size_t(e.index)].push_back({i, e.w});
  const int64_t w_max = (int64_t{1} << (profile.weight_bits - 1)) - 1;
  const int64_t leak_max = (int64_t{1} << (profile.leak_bits - 1)) - 1;
  const int64_t alpha_max = (int64_t{1} << profile.threshold_bits) - 1;
  const int64_t c_max = w_max / kmax;
  if (c_max < 1)
    fail_layer(origin, "weights",
               fmt::format("{} weight levels do not fit the {}-bit weights of chip '{}'", 2 * kmax,
                           profile.weight_bits, profile.name));
  const double vth = b.spec.neuron.vth;
  plan.neurons.assign(size_t(n), {});
  L.min_weight_scale = int(c_max);
  for (int j = 0; j < n; ++j) {
    TnNeuron& t = plan.neurons[size_t(j)];
    const auto& c = cols[size_t(j)];
    double m = 0;
    for (const MapEntry& e : c) m = std::max(m, std::fabs(e.w));
    const double a = m > 0 ? m / kmax : 1.0;  // a_j, the neuron's step
    int64_t neg = 0;
    for (const MapEntry& e : c) {
      const double k = e.w / a;
      const double kr = std::round(k);
      if (std::fabs(k - kr) > 1e-3 * kmax || kr == 0 || std::fabs(kr) > kmax)
        fail_layer(origin, "weights",
                   fmt::format("neuron {}: weight {} is not a multiple k a_j (a_j = {}, k in +-1..{}) of the "
                               "TrueNorth grid; train with [quantization] kind = \"truenorth\", levels = {}",
                               j, e.w, a, kmax, 2 * kmax));
      t.in.push_back({e.index, int8_t(kr)});
      if (kr < 0) neg -= int64_t(kr);
    }
    if (int(t.in.size()) > profile.axons_per_core)
      fail_layer(origin, "out",
                 fmt::format("neuron {} has {} inputs; a core of chip '{}' has {} axons", j, t.in.size(),
                             profile.name, profile.axons_per_core));
    L.max_fan_in = std::max(L.max_fan_in, int(t.in.size()));
    // c_j: leak and threshold within their widths; among those of at least half the largest, the one with
    // the smallest leak rounding relative to a weight unit, then the largest.
    const double bias = params[b.b_off + size_t(j / b.bias_group)];
    double best_err = 1e300;
    int64_t best = 0, top = 0;
    for (int64_t cj = c_max; cj >= 1 && (top == 0 || cj * 2 >= top); --cj) {
      const double leak = std::round(bias * double(cj) / a);
      const double alpha = std::floor(vth * double(cj) / a) + 1;
      if (std::fabs(leak) > double(leak_max) || alpha > double(alpha_max)) continue;
      if (top == 0) top = cj;
      const double err = std::fabs(bias * double(cj) / a - leak) / double(cj);
      if (err < best_err) {
        best_err = err;
        best = cj;
      }
    }
    if (best == 0)
      fail_layer(
          origin, "bias",
          fmt::format("neuron {}: bias {} and threshold {} over its weight step {} do not fit the leak and "
                      "threshold widths of chip '{}'",
                      j, bias, vth, a, profile.name));
    t.scale = int32_t(best);
    t.leak = int32_t(std::lround(bias * double(best) / a));
    t.alpha = int32_t(std::floor(vth * double(best) / a) + 1);
    t.exact_leak = best_err < 1e-9;
    // The lowest V the neuron can reach: its start, every negative input firing, the leak of every tick.
    const int64_t low = int64_t(depth) * std::max(t.leak, 0) + int64_t(steps) * neg * best +
                        int64_t(ticks) * std::max(-t.leak, 0);
    if (!t.exact_leak || low > alpha_max) L.exact = false;
    L.min_weight_scale = std::min(L.min_weight_scale, int(best));
    L.max_weight_scale = std::max(L.max_weight_scale, int(best));
  }
}

// Greedy placement of a layer whose neurons need copies[j] chip neurons each; fills plan.core_* and the
// previous layer's destinations (prev_dests, per source: (core, axon), core relative to this layer).
void place_layer(const std::vector<int32_t>& copies, int types, const hw::ChipProfile& profile,
                 const std::string& origin, Plan& plan,
                 std::vector<std::vector<std::pair<int32_t, int32_t>>>& prev_dests, TnDeployedLayer& L) {
  const Block& b = *plan.block;
  const int kmax = types / 2;
  std::vector<int32_t> order;  // position-major: the outputs of one position share their inputs
  order.reserve(size_t(b.out.size()));
  for (int y = 0; y < b.out.h; ++y)
    for (int xx = 0; xx < b.out.w; ++xx)
      for (int c = 0; c < b.out.c; ++c) order.push_back((c * b.out.h + y) * b.out.w + xx);
  std::vector<int32_t> stamp(size_t(plan.sources) * size_t(types), -1);
  int32_t core = -1;
  int in_core = 0;
  for (const int32_t j : order) {
    const TnNeuron& t = plan.neurons[size_t(j)];
    const int need = copies[size_t(j)];
    if (need > profile.neurons_per_core)
      fail_layer(
          origin, "out",
          fmt::format("neuron {} is needed on {} (core, axon) pairs of the next layer, but a core of chip "
                      "'{}' holds {} neurons (copies of one neuron stay in its core)",
                      j, need, profile.name, profile.neurons_per_core));
    int fresh = 0;
    for (const Input& in : t.in)
      fresh += stamp[size_t(in.source) * size_t(types) + size_t(type_of(in.level, kmax))] != core;
    if (core < 0 || in_core + need > profile.neurons_per_core ||
        int(plan.core_axons.back().size()) + fresh > profile.axons_per_core) {
      ++core;
      in_core = 0;
      plan.core_neurons.emplace_back();
      plan.core_axons.emplace_back();
    }
    for (const Input& in : t.in) {
      const int64_t key = int64_t(in.source) * types + type_of(in.level, kmax);
      if (stamp[size_t(key)] == core) continue;
      stamp[size_t(key)] = core;
      prev_dests[size_t(in.source)].push_back({core, int32_t(plan.core_axons.back().size())});
      plan.core_axons.back().push_back(key);
    }
    plan.core_neurons.back().push_back(j);
    in_core += need;
  }
  L.cores = core + 1;
  for (const auto& a : plan.core_axons) L.max_axons = std::max(L.max_axons, int(a.size()));
}

// The profile with only the mesh rows that hold `cores` cores (one-chip profiles; boards stay whole). A
// profile of smaller cores was placed within its limits and runs on the emulator's 256 x 256 cores.
hw::ChipProfile used_part(hw::ChipProfile p, int cores) {
  if (p.chips() == 1) p.cores_y = std::max<int64_t>(1, (cores + p.cores_x - 1) / p.cores_x);
  p.neurons_per_core = std::max<int64_t>(p.neurons_per_core, hw::TrueNorthChip::kNeurons);
  p.axons_per_core = std::max<int64_t>(p.axons_per_core, hw::TrueNorthChip::kAxons);
  return p;
}

}  // namespace

TrueNorthDeployment::TrueNorthDeployment(const TrainConfig& cfg, const std::vector<float>& params,
                                         const hw::ChipProfile& profile)
    : steps_(cfg.encoding.steps), pixels_(cfg.input.size()), classes_(cfg.classes) {
  const SnnNetwork net(cfg.layers, cfg.input, cfg.classes);
  if (params.size() != net.param_count())
    throw Error(fmt::format("{}: params: {} values, but the network of its configuration has {}", cfg.source,
                            params.size(), net.param_count()));
  if (profile.neuron_kind != hw::NeuronKind::kTrueNorth)
    throw Error(fmt::format("chip '{}' is not a truenorth-model chip", profile.name));
  if (cfg.encoding.kind == EncodingKind::Direct)
    throw Error(
        fmt::format("{}: encoding.kind: a TrueNorth axon takes binary spikes, not the direct "
                    "encoding's graded input; use \"rate\" or \"latency\"",
                    cfg.source));
  if (cfg.quant.kind != QuantKind::TrueNorth)
    throw Error(
        fmt::format("{}: quantization.kind: the weights must be on the TrueNorth grid; train with "
                    "[quantization] kind = \"truenorth\"",
                    cfg.source));

  // Layers of neurons, each with the pools and flatten before it folded into its synapse map.
  std::vector<Plan> plans;
  std::vector<const Block*> chain;
  for (const Block& b : net.blocks()) {
    if (b.spec.kind == LayerKind::Recurrent)
      fail_layer(b.spec.origin, "type", "recurrent layers are not deployed onto TrueNorth-class chips");
    chain.push_back(&b);
    if (!b.spec.has_neuron) continue;
    const NeuronSpec& ns = b.spec.neuron;
    const bool if_neuron =
        (ns.model == NeuronModel::Lif || (ns.model == NeuronModel::Cuba && ns.du == 1.0f)) && ns.dv == 0.0f;
    if (!if_neuron)
      fail_layer(
          b.spec.origin, "neuron",
          ns.model == NeuronModel::None
              ? std::string("a non-spiking read-out (model = \"none\") is not deployed; use spiking neurons")
              : fmt::format("TrueNorth-class neurons integrate and fire with a constant leak only; train "
                            "with model = \"lif\" and dv = 0 (this layer: {}, du = {}, dv = {})",
                            ns.model == NeuronModel::Lif ? "lif" : "cuba", ns.du, ns.dv));
    const int levels = layer_levels(b.spec, cfg.quant);
    if (levels > profile.axon_types)
      fail_layer(b.spec.origin, "levels",
                 fmt::format("{} levels need as many axon types; chip '{}' has {}", levels, profile.name,
                             profile.axon_types));
    Plan p;
    p.block = &b;
    p.kmax = levels / 2;
    p.sources = chain.front()->in.size();
    TnDeployedLayer L;
    L.origin = b.spec.origin;
    L.neurons = b.out.size();
    const int depth = int(plans.size());
    quantise_layer(b, params, detail::composite_map(chain, params), p.kmax, depth, steps_,
                   steps_ + int(net.blocks().size()), profile, p, L);
    chain.clear();
    plans.push_back(std::move(p));
    layers_.push_back(L);
  }
  if (plans.empty()) throw Error(fmt::format("{}: layers: the network has no neurons", cfg.source));
  // Trailing pools and flatten: the host sums the output spike counts.
  const int last_n = plans.back().block->out.size();
  readout_.assign(size_t(last_n), {});
  if (chain.empty()) {
    for (int j = 0; j < last_n; ++j) readout_[size_t(j)].push_back({j, 1.0});
  } else {
    for (const Block* b : chain) {
      if (b->spec.kind == LayerKind::AvgPool) readout_scale_ *= b->spec.kernel * b->spec.kernel;
      if (b->spec.kind != LayerKind::SumPool && b->spec.kind != LayerKind::AvgPool &&
          b->spec.kind != LayerKind::Flatten)
        fail_layer(b->spec.origin, "type", "only pools and flatten may follow the last layer of neurons");
    }
    const auto rows = detail::composite_map(chain, params);
    for (int j = 0; j < last_n; ++j)
      for (const MapEntry& e : rows[size_t(j)]) readout_[size_t(j)].push_back({e.index, e.w});
  }

  // Placement from the last layer to the first: a layer's copies are the (core, axon) pairs of the next.
  const int L_n = int(plans.size());
  std::vector<std::vector<std::vector<std::pair<int32_t, int32_t>>>> dests(size_t(L_n) + 1);
  input_axons_.assign(size_t(pixels_), {});
  for (int l = L_n; l-- > 0;) {
    Plan& p = plans[size_t(l)];
    const int n = p.block->out.size();
    std::vector<int32_t> copies(size_t(n), 1);
    if (l + 1 < L_n)
      for (int j = 0; j < n; ++j)
        copies[size_t(j)] = std::max<int32_t>(1, int32_t(dests[size_t(l) + 1][size_t(j)].size()));
    dests[size_t(l)].assign(size_t(p.sources), {});
    place_layer(copies, 2 * p.kmax, profile, p.block->spec.origin, p, dests[size_t(l)], layers_[size_t(l)]);
    layers_[size_t(l)].chip_neurons = 0;
    for (int j = 0; j < n; ++j) {
      layers_[size_t(l)].chip_neurons += copies[size_t(j)];
      layers_[size_t(l)].max_copies = std::max(layers_[size_t(l)].max_copies, copies[size_t(j)]);
    }
  }
  for (auto& L : layers_) {
    L.first_core = cores_used_;
    cores_used_ += L.cores;
    neurons_used_ += uint64_t(L.chip_neurons);
    if (cores_used_ > profile.total_cores())
      fail_layer(
          L.origin, "out",
          fmt::format("the network needs more than the {} cores of chip '{}' ({} by the end of this layer, "
                      "which alone needs {})",
                      profile.total_cores(), profile.name, cores_used_, L.cores));
  }

  // Program the chip.
  chip_.emplace(used_part(profile, cores_used_), cfg.train.seed);
  hw::TrueNorthChip& chip = *chip_;
  const hw::MeshGeometry& mesh = chip.mesh();
  const int32_t beta = int32_t((int64_t{1} << profile.threshold_bits) - 1);
  core_layer_.assign(size_t(cores_used_), 0);
  core_neurons_.assign(size_t(cores_used_), {});
  for (int l = 0; l < L_n; ++l) {
    const Plan& p = plans[size_t(l)];
    TnDeployedLayer& L = layers_[size_t(l)];
    const bool last = l + 1 == L_n;
    const int kmax = p.kmax, types = 2 * kmax;
    std::vector<int32_t> axon_of(size_t(p.sources) * size_t(types), -1);
    for (int r = 0; r < L.cores; ++r) {
      const int32_t g = L.first_core + r;
      core_layer_[size_t(g)] = l;
      const auto& axons = p.core_axons[size_t(r)];
      for (int32_t a = 0; a < int32_t(axons.size()); ++a) {
        axon_of[size_t(axons[size_t(a)])] = a;
        const int32_t source = int32_t(axons[size_t(a)] / types);
        chip.set_axon_type(g, a, int(axons[size_t(a)] % types));
        if (l == 0) input_axons_[size_t(source)].push_back({g, a});
      }
      int32_t slot = 0;
      for (const int32_t j : p.core_neurons[size_t(r)]) {
        const TnNeuron& t = p.neurons[size_t(j)];
        hw::TrueNorthNeuronParams np;
        for (int ty = 0; ty < types; ++ty) np.weight[size_t(ty)] = level_of(ty, kmax) * t.scale;
        np.leak = t.leak;
        np.threshold = t.alpha;
        np.neg_threshold = beta;
        np.reset = hw::TnReset::kNormal;
        np.reset_value = 0;
        np.v_init = -l * t.leak;  // l ticks of leak before the first input arrive
        const auto no_dest = std::vector<std::pair<int32_t, int32_t>>{};
        const auto& out = last ? no_dest : dests[size_t(l) + 1][size_t(j)];
        const int n_copies = std::max(1, int(out.size()));
        for (int q = 0; q < n_copies; ++q, ++slot) {
          np.dest = {};
          if (q < int(out.size())) {
            const int32_t to = layers_[size_t(l) + 1].first_core + out[size_t(q)].first;
            np.dest = {mesh.x(to) - mesh.x(g), mesh.y(to) - mesh.y(g), out[size_t(q)].second, 1, true};
          }
          chip.set_neuron(g, slot, np);
          for (const Input& in : t.in) {
            const int32_t a = axon_of[size_t(in.source) * size_t(types) + size_t(type_of(in.level, kmax))];
            SCX_ASSERT(a >= 0);
            chip.set_synapse(g, a, slot, true);
          }
          L.synapses += t.in.size();
          core_neurons_[size_t(g)].push_back(q == 0 ? j : -1);
        }
      }
      for (const int64_t key : axons) axon_of[size_t(key)] = -1;
    }
  }
}

std::vector<int32_t> TrueNorthDeployment::run(const float* x, const hw::TrueNorthChip::SpikeSink& on_tick) {
  hw::TrueNorthChip& chip = *chip_;
  const int last = int(layers_.size()) - 1;
  std::vector<int64_t> counts(size_t(layers_.back().neurons), 0);
  const auto sink = [&](uint64_t tick, const std::vector<hw::TnSpike>& spikes) {
    for (const hw::TnSpike& s : spikes)
      if (core_layer_[s.core] == last) ++counts[size_t(core_neurons_[s.core][s.neuron])];
    if (on_tick) on_tick(tick, spikes);
  };
  chip.reset_state();
  // Inputs go in up to a delay ring ahead (15 ticks), then the chip runs those ticks in one call.
  const int total = ticks_per_sample(), horizon = hw::TrueNorthChip::kDelaySlots - 1;
  for (int t0 = 0; t0 < total; t0 += horizon) {
    const int n = std::min(horizon, total - t0);
    for (int t = t0; t < std::min(t0 + n, steps_); ++t) {
      const float* xt = x + size_t(t) * size_t(pixels_);
      for (int p = 0; p < pixels_; ++p) {
        if (xt[p] == 0.0f) continue;
        for (const auto& [core, axon] : input_axons_[size_t(p)])
          chip.inject(core, axon, chip.now() + uint64_t(t - t0));
      }
    }
    chip.run(uint64_t(n), 1, sink);
  }
  std::vector<double> score(size_t(classes_), 0.0);
  for (size_t j = 0; j < counts.size(); ++j)
    for (const auto& [k, w] : readout_[j]) score[size_t(k)] += w * double(counts[j]);
  std::vector<int32_t> out(score.size());
  for (size_t k = 0; k < score.size(); ++k) out[k] = int32_t(std::lround(score[k] * readout_scale_));
  return out;
}

std::pair<int, int> TrueNorthDeployment::locate(uint32_t core, uint32_t neuron) const {
  const auto& slots = core_neurons_[core];
  return {core_layer_[core], neuron < slots.size() ? slots[neuron] : -1};
}

}  // namespace scx::train
