#include "silicortex/sim/connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "silicortex/core/error.hpp"
#include "silicortex/core/overloaded.hpp"
#include "silicortex/core/rng.hpp"

namespace scx::sim {
namespace {

// Stream kinds, so that connectivity, weights and delays of one projection draw independent numbers.
constexpr uint64_t kConnStream = 0x636f6e6e, kWeightStream = 0x77656967, kDelayStream = 0x64656c61;

// Draws k distinct values from [0, n) excluding `skip` (if skip < n), in ascending order. Floyd's algorithm
// for small k, a partial shuffle otherwise.
void sample_distinct(RandomStream& rng, uint32_t n, uint32_t k, uint32_t skip, std::vector<uint32_t>& out) {
  out.clear();
  const uint32_t pool = skip < n ? n - 1 : n;
  auto map = [&](uint32_t x) { return skip < n && x >= skip ? x + 1 : x; };
  if (k == 0) return;
  if (static_cast<uint64_t>(k) * 4 < pool) {
    std::unordered_set<uint32_t> chosen;
    chosen.reserve(2 * k);
    for (uint32_t j = pool - k; j < pool; ++j) {
      const uint32_t t = static_cast<uint32_t>(rng.below(j + 1));
      const uint32_t pick = chosen.insert(t).second ? t : j;
      if (pick == j) chosen.insert(j);
      out.push_back(map(pick));
    }
  } else {
    std::vector<uint32_t> all(pool);
    for (uint32_t i = 0; i < pool; ++i) all[i] = i;
    for (uint32_t i = 0; i < k; ++i) std::swap(all[i], all[i + rng.below(pool - i)]);
    for (uint32_t i = 0; i < k; ++i) out.push_back(map(all[i]));
  }
  std::sort(out.begin(), out.end());
}

// Calls set(k, value) for each of n synapses' values, drawn in synapse order (no array of doubles beside the
// synapse list: at build time that was 8 more bytes per synapse on top of the peak).
template <class Set>
void for_each_value(const model::ValueSpec& spec, uint64_t seed, uint64_t stream, size_t n,
                    const std::string& what, const std::string& proj_name, const Set& set) {
  std::visit(Overloaded{[&](const model::Constant& c) {
                          for (size_t k = 0; k < n; ++k) set(k, c.value);
                        },
                        [&](const model::Uniform& u) {
                          RandomStream rng(seed, stream);
                          for (size_t k = 0; k < n; ++k) set(k, rng.uniform(u.low, u.high));
                        },
                        [&](const model::Normal& nd) {
                          RandomStream rng(seed, stream);
                          for (size_t k = 0; k < n; ++k) set(k, nd.mean + nd.sd * rng.normal());
                        },
                        [&](const model::ValueArray& a) {
                          if (a.values.size() != n)
                            throw Error("projection '" + proj_name + "'." + what + ": array has " +
                                        std::to_string(a.values.size()) + " values but the connector made " +
                                        std::to_string(n) + " synapses");
                          for (size_t k = 0; k < n; ++k) set(k, a.values[k]);
                        }},
             spec);
}

}  // namespace

double expected_synapse_count(const model::Projection& proj, uint32_t pre_size, uint32_t post_size) {
  const double pre = pre_size, post = post_size;
  return std::visit(Overloaded{[&](const model::AllToAll&) { return pre * post; },
                               [&](const model::OneToOne&) { return pre; },
                               [&](const model::FixedProbability& c) { return c.p * pre * post; },
                               [&](const model::FixedInDegree& c) { return double(c.n) * post; },
                               [&](const model::FixedOutDegree& c) { return double(c.n) * pre; },
                               [&](const model::FromList& c) { return double(c.pre.size()); }},
                    proj.connector);
}

SynapseList build_synapses(const model::Projection& proj, uint32_t pre_size, uint32_t post_size, double dt_ms,
                           uint64_t seed, uint32_t proj_index) {
  SynapseList s;
  // Room for the expected count (random connectors: plus six standard deviations) up front: push_back's
  // doubling would otherwise leave up to twice the list allocated at the build's memory peak.
  const double expected = expected_synapse_count(proj, pre_size, post_size);
  s.pre.reserve(static_cast<size_t>(expected + 6 * std::sqrt(expected) + 16));
  s.post.reserve(s.pre.capacity());
  const bool same_pop = proj.pre == proj.post;
  auto add = [&](uint32_t i, uint32_t j) {
    s.pre.push_back(i);
    s.post.push_back(j);
  };
  const uint64_t conn = stream_id(kConnStream, proj_index);
  std::vector<uint32_t> picks;
  // n distinct partners of `neuron` among `pool` neurons (itself excluded without allow_self), into `picks`.
  auto draw_partners = [&](uint32_t neuron, uint32_t pool, uint32_t n, bool allow_self, const char* what) {
    RandomStream rng(seed, conn, neuron);
    const uint32_t skip = (!allow_self && same_pop) ? neuron : UINT32_MAX;
    if (skip != UINT32_MAX && n > pool - 1)
      throw Error("projection '" + proj.name + "'.n: " + what + " " + std::to_string(n) +
                  " needs self-connections (allow_self = true)");
    sample_distinct(rng, pool, n, skip, picks);
  };
  std::visit(Overloaded{[&](const model::AllToAll& c) {
                          for (uint32_t i = 0; i < pre_size; ++i)
                            for (uint32_t j = 0; j < post_size; ++j)
                              if (c.allow_self || !same_pop || i != j) add(i, j);
                        },
                        [&](const model::OneToOne&) {
                          for (uint32_t i = 0; i < pre_size; ++i) add(i, i);
                        },
                        [&](const model::FixedProbability& c) {
                          // Per pre neuron, geometric skips over the post population: O(synapses), not
                          // O(pre*post).
                          if (c.p <= 0) return;
                          const double log1mp = std::log1p(-std::min(c.p, 1.0 - 1e-16));
                          for (uint32_t i = 0; i < pre_size; ++i) {
                            RandomStream rng(seed, conn, i);
                            if (c.p >= 1) {
                              for (uint32_t j = 0; j < post_size; ++j)
                                if (c.allow_self || !same_pop || i != j) add(i, j);
                              continue;
                            }
                            double j = -1;
                            for (;;) {
                              j += std::floor(std::log(rng.uniform()) / log1mp) + 1;
                              if (j >= post_size) break;
                              const uint32_t jj = static_cast<uint32_t>(j);
                              if (c.allow_self || !same_pop || i != jj) add(i, jj);
                            }
                          }
                        },
                        [&](const model::FixedInDegree& c) {
                          // Generated per post neuron, then reordered by pre so the list is pre-major like
                          // the others.
                          std::vector<uint32_t> pre_tmp, post_tmp;
                          for (uint32_t j = 0; j < post_size; ++j) {
                            draw_partners(j, pre_size, c.n, c.allow_self, "in-degree");
                            for (uint32_t i : picks) {
                              pre_tmp.push_back(i);
                              post_tmp.push_back(j);
                            }
                          }
                          std::vector<size_t> order(pre_tmp.size());
                          for (size_t k = 0; k < order.size(); ++k) order[k] = k;
                          std::stable_sort(order.begin(), order.end(),
                                           [&](size_t a, size_t b) { return pre_tmp[a] < pre_tmp[b]; });
                          for (size_t k : order) add(pre_tmp[k], post_tmp[k]);
                        },
                        [&](const model::FixedOutDegree& c) {
                          for (uint32_t i = 0; i < pre_size; ++i) {
                            draw_partners(i, post_size, c.n, c.allow_self, "out-degree");
                            for (uint32_t j : picks) add(i, j);
                          }
                        },
                        [&](const model::FromList& c) {
                          for (size_t k = 0; k < c.pre.size(); ++k) add(c.pre[k], c.post[k]);
                        }},
             proj.connector);

  s.weight.resize(s.size());
  for_each_value(proj.weight, seed, stream_id(kWeightStream, proj_index), s.size(), "weight", proj.name,
                 [&](size_t k, double w) { s.weight[k] = static_cast<float>(w); });
  s.delay_steps.resize(s.size());
  for_each_value(proj.delay_ms, seed, stream_id(kDelayStream, proj_index), s.size(), "delay_ms", proj.name,
                 [&](size_t k, double delay_ms) {
                   const double steps = std::round(delay_ms / dt_ms);
                   if (steps > kMaxDelaySteps)
                     throw Error("projection '" + proj.name + "'.delay_ms: delay " +
                                 std::to_string(delay_ms) + " ms is " + std::to_string(steps) +
                                 " steps, more than the maximum of " + std::to_string(kMaxDelaySteps));
                   // A delay shorter than one step (normal draws included) arrives at the next step: the
                   // minimum delay.
                   s.delay_steps[k] = static_cast<uint16_t>(std::max(1.0, steps));
                 });
  return s;
}

SynapseList network_synapses(const model::Network& net, const std::string& projection) {
  const model::Projection* found = nullptr;
  uint32_t index = 0;
  for (uint32_t p = 0; p < net.projections.size(); ++p) {
    if (net.projections[p].name != projection) continue;
    if (found)
      throw Error("network '" + net.name + "': several projections are named '" + projection +
                  "'; give them names of their own");
    found = &net.projections[p], index = p;
  }
  if (!found) throw Error("network '" + net.name + "': no projection named '" + projection + "'");
  auto size_of = [&](const std::string& pop) {
    if (const model::Population* p = net.find_population(pop)) return p->size;
    throw Error("projection '" + projection + "': no population named '" + pop + "'");
  };
  return build_synapses(*found, size_of(found->pre), size_of(found->post), net.sim.dt_ms, net.sim.seed,
                        index);
}

}  // namespace scx::sim
