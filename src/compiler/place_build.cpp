// Passes 5 and 6: placement on the mesh and routing, then the chip itself, the io file and the report.
// Cores are laid along a Hilbert curve in population order, each population's splitters right after its own
// cores, so consecutive cores (which exchange most spikes in layered networks) stay a hop or two apart. A
// single-chip network is given the smallest square sub-mesh (a power of two wide) that holds it. Shared by
// the Loihi path (loihi.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "compiler/passes.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/hw/truenorth_from_model.hpp"
#include "silicortex/sim/neuron_group.hpp"

namespace scx::compiler::detail {
namespace {

// Position d along the Hilbert curve filling an n x n square (n a power of two).
std::pair<int32_t, int32_t> hilbert(int32_t n, int32_t d) {
  int32_t x = 0, y = 0;
  for (int32_t s = 1; s < n; s *= 2) {
    const int32_t rx = 1 & (d / 2), ry = 1 & (d ^ rx);
    if (ry == 0) {
      if (rx == 1) x = s - 1 - x, y = s - 1 - y;
      std::swap(x, y);
    }
    x += s * rx;
    y += s * ry;
    d /= 4;
  }
  return {x, y};
}

}  // namespace

Placement place_cores(const hw::ChipProfile& p, const std::vector<int32_t>& order, int32_t n) {
  Placement out{p, std::vector<int32_t>(static_cast<size_t>(n), 0)};
  const auto side = int32_t(std::bit_ceil(uint32_t(std::ceil(std::sqrt(double(std::max(n, 1)))))));
  const bool square = p.chips() == 1 && side <= p.cores_x && side <= p.cores_y;
  if (square) out.profile.cores_x = out.profile.cores_y = side;
  const hw::MeshGeometry mesh(out.profile.cores_x, out.profile.cores_y, out.profile.chips_x,
                              out.profile.chips_y);
  for (int32_t i = 0; i < n; ++i) {
    int32_t x = 0, y = 0;
    if (square) {
      std::tie(x, y) = hilbert(side, i);
    } else {  // serpentine rows over the whole board
      y = i / mesh.width();
      x = (y % 2 == 0) ? i % mesh.width() : mesh.width() - 1 - i % mesh.width();
    }
    out.at[size_t(order[size_t(i)])] = mesh.core_at(x, y);
  }
  return out;
}

namespace {

void check_core_count(const model::Network& net, const hw::ChipProfile& p, const Plan& plan) {
  const auto need = int64_t(plan.cores.size()), have = p.total_cores();
  if (need <= have) return;
  std::vector<int64_t> own(net.populations.size()), split(net.populations.size());
  for (const auto& c : plan.cores) ++(c.splitter ? split : own)[c.pop];
  size_t worst = 0;
  for (size_t q = 0; q < own.size(); ++q)
    if (own[q] + split[q] > own[worst] + split[worst]) worst = q;
  const auto& pop = net.populations[worst];
  throw Error(fmt::format(
      "{}population '{}': needs {} cores after fan-in splitting (+{} splitter cores); the network "
      "needs {} cores, chip '{}' has {} ({:.0f}% over)",
      pop.origin.file.empty() ? "" : fmt::format("{}:{}: ", pop.origin.file, pop.origin.line), pop.name,
      own[worst], split[worst], need, p.name, have, 100.0 * double(need - have) / double(have)));
}

}  // namespace

std::vector<int64_t> source_steps(const model::SpikeTimesSource& src, uint32_t i, double dt_ms,
                                  int64_t steps) {
  std::vector<int64_t> out;
  for (double t : src.times_ms[src.times_ms.size() == 1 ? 0 : i]) {
    const auto s = static_cast<int64_t>(std::llround(t / dt_ms));
    if (s < steps) out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<int32_t> population_order(const std::vector<Core>& cores, uint32_t populations) {
  std::vector<int32_t> order;
  for (uint32_t q = 0; q < populations; ++q)
    for (bool splitters : {false, true})
      for (int32_t c = 0; c < int32_t(cores.size()); ++c)
        if (cores[size_t(c)].pop == q && cores[size_t(c)].splitter == splitters) order.push_back(c);
  return order;
}

void place_and_build(const model::Network& net, const hw::ChipProfile& p, const Plan& plan,
                     CompiledNetwork& out) {
  check_core_count(net, p, plan);
  const auto n = int32_t(plan.cores.size());
  const auto order = population_order(plan.cores, uint32_t(net.populations.size()));

  const Placement placed = place_cores(p, order, n);
  out.chip = std::make_unique<hw::TrueNorthChip>(placed.profile, net.sim.seed);
  hw::TrueNorthChip& chip = *out.chip;
  const auto& mesh = chip.mesh();
  const auto& at = placed.at;
  auto dest_of = [&](int32_t from, const Target& t) {
    hw::TnDestination d;
    if (t.core < 0) return d;
    const int32_t to = at[size_t(t.core)];
    d = {mesh.x(to) - mesh.x(from), mesh.y(to) - mesh.y(from), t.axon, t.delay, true};
    return d;
  };

  // Initial potentials exactly as the reference engine draws them.
  std::vector<std::vector<float>> v0(net.populations.size());
  for (uint32_t q = 0; q < net.populations.size(); ++q) {
    if (plan.is_source[q]) continue;
    const auto group = sim::make_neuron_group(net.populations[q], plan.dt_ms, net.sim.seed, q);
    v0[q].assign(group->state("v"), group->state("v") + net.populations[q].size);
  }

  CompileReport& rep = out.report;
  rep.chip = p.name;
  rep.mesh_w = mesh.width();
  rep.mesh_h = mesh.height();
  // hops_into[core][axon]: hops of the splitter legs that one spike on that axon takes.
  std::vector<int64_t> hops_into(plan.cores.size() * size_t(p.axons_per_core), 0);
  for (int32_t c = 0; c < n; ++c) {
    const Core& core = plan.cores[size_t(c)];
    const int32_t pos = at[size_t(c)];
    for (size_t a = 0; a < core.axon_type.size(); ++a) chip.set_axon_type(pos, int32_t(a), core.axon_type[a]);
    for (const auto& b : core.bits) chip.set_synapse(pos, b.axon, b.slot, true);
    for (size_t s = 0; s < core.neurons.size(); ++s) {
      hw::TrueNorthNeuronParams np;
      if (core.splitter) {
        np.dest = dest_of(pos, core.forward[s]);
      } else {
        const uint32_t j = core.neurons[s];
        np = hw::truenorth_params(std::get<model::TrueNorthNeuron>(net.populations[core.pop].params));
        np.v_init = static_cast<int32_t>(std::lround(v0[core.pop][j]));
        np.dest = dest_of(pos, plan.route[plan.pop_offset[core.pop] + j]);
      }
      np.weight = core.weights[s];
      chip.set_neuron(pos, int32_t(s), np);
      if (np.dest.enabled) {
        const int64_t h = mesh.hops(np.dest.dx, np.dest.dy);
        rep.total_hops += uint64_t(h);
        ++rep.routed_neurons;
        if (core.splitter)  // a splitter slot is fed by exactly one axon
          for (const auto& b : core.bits)
            if (b.slot == int32_t(s)) hops_into[size_t(c) * size_t(p.axons_per_core) + size_t(b.axon)] += h;
      }
    }
    rep.cores.push_back({pos, mesh.x(pos), mesh.y(pos), net.populations[core.pop].name, core.splitter,
                         int32_t(core.neurons.size()), int32_t(core.axon_keys.size()),
                         int64_t(core.bits.size())});
  }
  std::sort(rep.cores.begin(), rep.cores.end(),
            [](const CoreUsage& a, const CoreUsage& b) { return a.core < b.core; });

  // Expected hops of one spike of each population neuron, through its splitter where it has one.
  double hop_sum = 0;
  uint64_t senders = 0;
  for (uint64_t g = 0; g < plan.route.size(); ++g) {
    const Target& t = plan.route[g];
    if (t.core < 0) continue;
    const Site& s = plan.site[g];
    const auto d = dest_of(at[size_t(s.core)], t);
    hop_sum += mesh.hops(d.dx, d.dy);
    if (plan.cores[size_t(t.core)].splitter)
      hop_sum += double(hops_into[size_t(t.core) * size_t(p.axons_per_core) + size_t(t.axon)]);
    ++senders;
  }
  rep.hops_per_spike = senders ? hop_sum / double(senders) : 0.0;

  // Quantisation error per projection, from the weights the chip will use.
  rep.quantisation.resize(net.projections.size());
  std::vector<double> sq(net.projections.size(), 0);
  for (size_t k = 0; k < net.projections.size(); ++k)
    rep.quantisation[k].projection = net.projections[k].name;
  for (const auto& core : plan.cores) {
    if (core.splitter) continue;
    for (const auto& b : core.bits) {
      auto& q = rep.quantisation[b.proj];
      ++q.synapses;
      q.max_abs_weight = std::max(q.max_abs_weight, std::fabs(b.weight));
      const double err =
          std::fabs(core.weights[size_t(b.slot)][size_t(core.axon_type[size_t(b.axon)])] - b.weight);
      q.max_error = std::max(q.max_error, err);
      sq[b.proj] += err * err;
    }
  }
  for (size_t k = 0; k < sq.size(); ++k) {
    auto& q = rep.quantisation[k];
    const double scale = q.max_abs_weight > 0 ? q.max_abs_weight : 1.0;
    q.rms_error = q.synapses ? std::sqrt(sq[k] / double(q.synapses)) / scale : 0.0;
    q.max_error /= scale;
  }

  // The io: population sites, source spikes and the axon events they cause.
  ChipIo& io = out.io;
  io.network = net.name;
  io.dt_ms = plan.dt_ms;
  io.tick_ms = p.tick_s * 1e3;
  io.steps_per_tick = uint64_t(plan.steps_per_tick);
  const auto steps = static_cast<int64_t>(std::llround(net.sim.duration_ms / plan.dt_ms));
  io.ticks = uint64_t((steps + plan.steps_per_tick - 1) / plan.steps_per_tick);
  io.seed = net.sim.seed;
  for (uint32_t q = 0; q < net.populations.size(); ++q) {
    const auto& pop = net.populations[q];
    PopulationSites ps{pop.name, pop.size, bool(plan.is_source[q]), {}, {}};
    if (const auto* src = std::get_if<model::SpikeTimesSource>(&pop.params)) {
      for (uint32_t i = 0; i < pop.size; ++i) {
        for (int64_t s : source_steps(*src, i, plan.dt_ms, steps)) {
          ps.source_spikes.push_back({uint64_t(s), i});
          for (const auto& t : plan.external[plan.pop_offset[q] + i]) {
            const int64_t tick = (s + t.delay + plan.steps_per_tick - 1) / plan.steps_per_tick;
            if (tick < int64_t(io.ticks)) io.inputs.push_back({uint64_t(tick), at[size_t(t.core)], t.axon});
          }
        }
      }
      std::sort(ps.source_spikes.begin(), ps.source_spikes.end());
    } else {
      for (uint32_t i = 0; i < pop.size; ++i) {
        const Site& s = plan.site[plan.pop_offset[q] + i];
        ps.sites.push_back(int64_t(at[size_t(s.core)]) * hw::TrueNorthChip::kNeurons + s.slot);
      }
    }
    io.populations.push_back(std::move(ps));
  }
  std::sort(io.inputs.begin(), io.inputs.end());
  io.inputs.erase(std::unique(io.inputs.begin(), io.inputs.end(),
                              [](const InputEvent& a, const InputEvent& b) { return !(a < b) && !(b < a); }),
                  io.inputs.end());
}

}  // namespace scx::compiler::detail
