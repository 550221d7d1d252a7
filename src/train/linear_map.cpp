#include "train/linear_map.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "silicortex/core/error.hpp"

namespace scx::train::detail {

void fail_layer(const std::string& origin, const std::string& field, const std::string& msg) {
  throw Error(fmt::format("{}.{}: {}", origin.empty() ? "layer" : origin, field, msg));
}

namespace {

// A dense accumulator over a block's outputs that remembers which it touched.
struct Accumulator {
  std::vector<double> value;
  std::vector<uint8_t> seen;
  std::vector<int32_t> touched;
  void add(int32_t o, double v) {
    if (!seen[size_t(o)]) {
      seen[size_t(o)] = 1;
      touched.push_back(o);
    }
    value[size_t(o)] += v;
  }
  // The non-zero entries in index order; clears the accumulator.
  void collect(std::vector<MapEntry>& out) {
    std::sort(touched.begin(), touched.end());
    out.clear();
    for (int32_t o : touched) {
      if (value[size_t(o)] != 0.0) out.push_back({o, value[size_t(o)]});
      value[size_t(o)] = 0.0;
      seen[size_t(o)] = 0;
    }
    touched.clear();
  }
};

// Adds the image of x * e_i under block b's linear synapse operation to acc.
void scatter(const Block& b, const std::vector<float>& p, int i, double x, Accumulator& acc) {
  const Shape in = b.in, out = b.out;
  switch (b.spec.kind) {
    case LayerKind::Dense:
      for (int o = 0; o < out.size(); ++o) acc.add(o, x * p[b.w_off + size_t(o) * in.size() + size_t(i)]);
      return;
    case LayerKind::Conv: {
      const int k = b.spec.kernel, st = b.spec.stride, pad = b.spec.padding;
      const int c = i / (in.h * in.w), y = i / in.w % in.h, xx = i % in.w;
      const int ic_g = in.c / b.spec.groups, oc_g = out.c / b.spec.groups, group = c / ic_g;
      for (int ky = 0; ky < k; ++ky) {
        const int ny = y + pad - ky;
        if (ny < 0 || ny % st || ny / st >= out.h) continue;
        for (int kx = 0; kx < k; ++kx) {
          const int nx = xx + pad - kx;
          if (nx < 0 || nx % st || nx / st >= out.w) continue;
          for (int oc = group * oc_g; oc < (group + 1) * oc_g; ++oc) {
            const size_t wi = ((size_t(oc) * ic_g + size_t(c % ic_g)) * k + size_t(ky)) * k + size_t(kx);
            acc.add((oc * out.h + ny / st) * out.w + nx / st, x * p[b.w_off + wi]);
          }
        }
      }
      return;
    }
    case LayerKind::SumPool:
    case LayerKind::AvgPool: {
      const int k = b.spec.kernel, c = i / (in.h * in.w), y = i / in.w % in.h / k, xx = i % in.w / k;
      if (y >= out.h || xx >= out.w) return;
      const double scale = b.spec.kind == LayerKind::AvgPool ? 1.0 / (k * k) : 1.0;
      acc.add((c * out.h + y) * out.w + xx, x * scale);
      return;
    }
    case LayerKind::Flatten:
      acc.add(i, x);
      return;
    case LayerKind::Recurrent:
      break;
  }
  SCX_ASSERT(false);
}

}  // namespace

std::vector<std::vector<MapEntry>> composite_map(const std::vector<const Block*>& chain,
                                                 const std::vector<float>& params) {
  const int sources = chain.front()->in.size();
  std::vector<std::vector<MapEntry>> rows(static_cast<size_t>(sources));
  std::vector<MapEntry> cur, next;
  std::vector<Accumulator> acc(chain.size());
  for (size_t k = 0; k < chain.size(); ++k) {
    acc[k].value.assign(size_t(chain[k]->out.size()), 0.0);
    acc[k].seen.assign(size_t(chain[k]->out.size()), 0);
  }
  for (int i = 0; i < sources; ++i) {
    cur.assign(1, {i, 1.0});
    for (size_t k = 0; k < chain.size(); ++k) {
      for (const MapEntry& e : cur) scatter(*chain[k], params, e.index, e.w, acc[k]);
      acc[k].collect(next);
      std::swap(cur, next);
    }
    rows[size_t(i)] = cur;
  }
  return rows;
}

}  // namespace scx::train::detail
