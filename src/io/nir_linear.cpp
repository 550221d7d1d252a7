// The linear NIR nodes (Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten, Delay) as
// sparse maps with per-entry delays, with PyTorch's convolution and pooling semantics (channel-first, no
// batch).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/nir_detail.hpp"
#include "silicortex/core/error.hpp"

namespace scx::io::nir {
namespace {

constexpr double kMaxEntries = 2e7;  // refuse maps that could not fit in memory before building them

std::string shape_str(const std::vector<int64_t>& s) {
  return "(" + fmt::format("{}", fmt::join(s, ", ")) + ")";
}

struct Ctx {
  const Node& n;
  const std::string& qualified;
  const std::string& origin;
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw_error_at(origin, 0, 0,
                   fmt::format("node '{}' ({}){}{}", qualified, n.type, field.empty() ? "" : ".", field),
                   what);
  }
  // Value k of an int-or-list parameter of `dims` entries (a single value applies to every dimension).
  int64_t param(const char* field, size_t k, int64_t fallback) const {
    const Tensor* t = n.find(field);
    if (!t || t->values.empty()) return fallback;
    return static_cast<int64_t>(t->values[t->values.size() == 1 ? 0 : k]);
  }
};

// Spatial geometry of a convolution or pooling window along one axis.
struct Axis {
  int64_t in = 1, kernel = 1, stride = 1, pad = 0, dilation = 1, out = 1;
};

Axis make_axis(const Ctx& c, int64_t in, int64_t kernel, int64_t stride, int64_t pad_total, int64_t dilation,
               const char* what) {
  Axis a{in, kernel, stride, pad_total / 2, dilation, 0};
  const int64_t span = in + pad_total - dilation * (kernel - 1) - 1;
  if (span < 0)
    c.fail(what, fmt::format("the window ({} with dilation {}) is larger than the padded input ({})", kernel,
                             dilation, in + pad_total));
  a.out = span / stride + 1;
  return a;
}

// Conv and pooling share one loop: out[co, oy, ox] = sum over (ci, ky, kx) of weight * in[ci, iy, ix].
template <class WeightFn, class ChannelsFn>
Rows window_map(int64_t c_out, const Axis& ay, const Axis& ax, int64_t in_channels_per_out,
                ChannelsFn first_in, WeightFn weight) {
  Rows rows(static_cast<size_t>(c_out * ay.out * ax.out));
  for (int64_t co = 0; co < c_out; ++co)
    for (int64_t oy = 0; oy < ay.out; ++oy)
      for (int64_t ox = 0; ox < ax.out; ++ox) {
        auto& row = rows[static_cast<size_t>((co * ay.out + oy) * ax.out + ox)];
        for (int64_t cg = 0; cg < in_channels_per_out; ++cg) {
          const int64_t ci = first_in(co) + cg;
          for (int64_t ky = 0; ky < ay.kernel; ++ky) {
            const int64_t iy = oy * ay.stride - ay.pad + ky * ay.dilation;
            if (iy < 0 || iy >= ay.in) continue;
            for (int64_t kx = 0; kx < ax.kernel; ++kx) {
              const int64_t ix = ox * ax.stride - ax.pad + kx * ax.dilation;
              if (ix < 0 || ix >= ax.in) continue;
              const double w = weight(co, cg, ky, kx);
              if (w != 0) row.push_back({static_cast<uint32_t>((ci * ay.in + iy) * ax.in + ix), 0, w});
            }
          }
        }
      }
  return rows;
}

struct ConvGeometry {
  int64_t c_in, c_out, groups;
  Axis y, x;
};

ConvGeometry conv_geometry(const Ctx& c, const std::vector<int64_t>& in_shape) {
  const Node& n = c.n;
  const size_t d = n.type == "Conv1d" ? 1 : 2;
  const auto& w = n.find("weight")->shape;
  if (in_shape.size() != d + 1)
    c.fail("", fmt::format("expects a ({}) input (channels first, no batch), got shape {}",
                           d == 1 ? "C, L" : "C, H, W", shape_str(in_shape)));
  ConvGeometry g{};
  g.groups = c.param("groups", 0, 1);
  g.c_out = w[0];
  g.c_in = in_shape[0];
  if (w[1] * g.groups != g.c_in)
    c.fail("weight", fmt::format("expects {} input channels ({} per group x {} groups), the input has {}",
                                 w[1] * g.groups, w[1], g.groups, g.c_in));
  if (const Tensor* is = n.find("input_shape"))
    for (size_t k = 0; k < d; ++k)
      if (static_cast<int64_t>(is->values[is->values.size() == 1 ? 0 : k]) != in_shape[1 + k])
        c.fail("input_shape", fmt::format("is ({}) but the input has shape {}", fmt::join(is->values, ", "),
                                          shape_str(in_shape)));
  auto axis = [&](size_t k, int64_t in, int64_t kernel) {
    const int64_t dil = c.param("dilation", k, 1);
    int64_t pad_total = 2 * c.param("padding", k, 0);
    auto text = n.text.find("padding");
    if (text != n.text.end()) pad_total = text->second == "same" ? dil * (kernel - 1) : 0;
    return make_axis(c, in, kernel, c.param("stride", k, 1), pad_total, dil, "weight");
  };
  if (d == 1) {
    g.y = Axis{};
    g.x = axis(0, in_shape[1], w[2]);
  } else {
    g.y = axis(0, in_shape[1], w[2]);
    g.x = axis(1, in_shape[2], w[3]);
  }
  return g;
}

struct PoolGeometry {
  int64_t channels;
  Axis y, x;
};

PoolGeometry pool_geometry(const Ctx& c, const std::vector<int64_t>& in_shape) {
  if (in_shape.size() != 3) c.fail("", "expects a (C, H, W) input, got shape " + shape_str(in_shape));
  PoolGeometry g{in_shape[0], {}, {}};
  g.y = make_axis(c, in_shape[1], c.param("kernel_size", 0, 1), c.param("stride", 0, 1),
                  2 * c.param("padding", 0, 0), 1, "kernel_size");
  g.x = make_axis(c, in_shape[2], c.param("kernel_size", 1, 1), c.param("stride", 1, 1),
                  2 * c.param("padding", 1, 0), 1, "kernel_size");
  return g;
}

std::vector<int64_t> flatten_shape(const Ctx& c, const std::vector<int64_t>& in) {
  const auto rank = static_cast<int64_t>(in.size());
  int64_t s = c.param("start_dim", 0, 1), e = c.param("end_dim", 0, -1);
  if (s < 0) s += rank;
  if (e < 0) e += rank;
  if (rank == 0 || s < 0 || e >= rank || s > e)
    c.fail("start_dim",
           fmt::format("dimensions {}..{} do not fit the input shape {} (indices exclude the batch)",
                       c.param("start_dim", 0, 1), c.param("end_dim", 0, -1), shape_str(in)));
  std::vector<int64_t> out(in.begin(), in.begin() + s);
  int64_t prod = 1;
  for (int64_t k = s; k <= e; ++k) prod *= in[k];
  out.push_back(prod);
  out.insert(out.end(), in.begin() + e + 1, in.end());
  return out;
}

// Scale and Delay: one value, or one per input element.
const std::vector<double>& elementwise(const Ctx& c, const char* field, int64_t n_in) {
  const auto& v = c.n.find(field)->values;
  if (v.size() != 1 && static_cast<int64_t>(v.size()) != n_in)
    c.fail(field, fmt::format("has {} values for an input of {} elements", v.size(), n_in));
  return v;
}

void check_size(const Ctx& c, double entries) {
  if (entries > kMaxEntries)
    c.fail("", fmt::format("would need {:.3g} connections, more than supported", entries));
}

}  // namespace

int64_t element_count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > (int64_t{1} << 40) / d)) return int64_t{1} << 40;  // saturate: "too large"
    n *= d;
  }
  return n;
}

Rows identity_rows(uint32_t n) {
  Rows rows(n);
  for (uint32_t i = 0; i < n; ++i) rows[i].push_back({i, 0, 1.0});
  return rows;
}

void merge_rows(Rows& rows) {
  for (auto& row : rows) {
    std::sort(row.begin(), row.end(),
              [](const Entry& a, const Entry& b) { return a.in != b.in ? a.in < b.in : a.delay < b.delay; });
    size_t out = 0;
    for (size_t k = 0; k < row.size();) {
      Entry e = row[k++];
      while (k < row.size() && row[k].in == e.in && row[k].delay == e.delay) e.w += row[k++].w;
      if (e.w != 0) row[out++] = e;
    }
    row.resize(out);
  }
}

Rows compose(const Rows& a, const Rows& b) {
  double work = 0;
  for (const auto& row : a)
    for (const Entry& ea : row) work += static_cast<double>(b[ea.in].size());
  if (work > kMaxEntries)
    throw Error(
        fmt::format("linear nodes between two populations compose into {:.3g} connections, more than the "
                    "{:.3g} supported",
                    work, kMaxEntries));
  Rows out(a.size());
  for (size_t o = 0; o < a.size(); ++o) {
    for (const Entry& ea : a[o])
      for (const Entry& eb : b[ea.in]) out[o].push_back({eb.in, ea.delay + eb.delay, ea.w * eb.w});
  }
  merge_rows(out);
  return out;
}

std::vector<int64_t> linear_shape(const Node& n, const std::string& qualified,
                                  const std::vector<int64_t>& in_shape, const std::string& origin) {
  const Ctx c{n, qualified, origin};
  const std::string& t = n.type;
  if (t == "Affine" || t == "Linear") return {n.find("weight")->shape[0]};
  if (t == "Conv1d" || t == "Conv2d") {
    const ConvGeometry g = conv_geometry(c, in_shape);
    return t == "Conv1d" ? std::vector<int64_t>{g.c_out, g.x.out}
                         : std::vector<int64_t>{g.c_out, g.y.out, g.x.out};
  }
  if (t == "SumPool2d" || t == "AvgPool2d") {
    const PoolGeometry g = pool_geometry(c, in_shape);
    return {g.channels, g.y.out, g.x.out};
  }
  if (t == "Flatten") {
    if (const Tensor* it = n.find("input_type")) {
      const std::vector<int64_t> declared(it->values.begin(), it->values.end());
      if (element_count(declared) != element_count(in_shape))
        c.fail("input_type", fmt::format("declares ({}) but the input has shape {}",
                                         fmt::join(it->values, ", "), shape_str(in_shape)));
    }
    return flatten_shape(c, in_shape);
  }
  if (t == "Input" || t == "Output") {  // pass-through ports of a flattened subgraph
    std::vector<int64_t> s;
    for (double x : n.find("shape")->values) s.push_back(static_cast<int64_t>(x));
    if (element_count(s) != element_count(in_shape))
      c.fail("shape",
             fmt::format("is {} but the edge into it carries shape {}", shape_str(s), shape_str(in_shape)));
    return s;
  }
  return in_shape;  // Scale, Delay
}

Rows linear_map(const Node& n, const std::string& qualified, const std::vector<int64_t>& in_shape,
                std::vector<int64_t>& out_shape, std::vector<double>& bias, double dt_s,
                const std::string& origin) {
  const Ctx c{n, qualified, origin};
  const std::string& t = n.type;
  out_shape = linear_shape(n, qualified, in_shape, origin);
  const int64_t n_in = element_count(in_shape);
  bias.clear();
  if (t == "Affine" || t == "Linear") {
    const Tensor& w = *n.find("weight");
    if (w.shape[1] != n_in)
      c.fail("weight", fmt::format("has {} columns but its input has {} elements (shape {})", w.shape[1],
                                   n_in, shape_str(in_shape)));
    check_size(c, static_cast<double>(w.values.size()));
    Rows rows(static_cast<size_t>(w.shape[0]));
    for (int64_t o = 0; o < w.shape[0]; ++o)
      for (int64_t i = 0; i < n_in; ++i)
        if (const double x = w.values[static_cast<size_t>(o * n_in + i)]; x != 0)
          rows[o].push_back({static_cast<uint32_t>(i), 0, x});
    if (t == "Affine") bias = n.find("bias")->values;
    return rows;
  }
  if (t == "Conv1d" || t == "Conv2d") {
    const ConvGeometry g = conv_geometry(c, in_shape);
    const Tensor& w = *n.find("weight");
    const int64_t cg_in = w.shape[1], kh = g.y.kernel, kw = g.x.kernel;
    check_size(c, static_cast<double>(g.c_out * g.y.out * g.x.out) * static_cast<double>(cg_in * kh * kw));
    const int64_t out_per_group = g.c_out / g.groups;
    Rows rows = window_map(
        g.c_out, g.y, g.x, cg_in, [&](int64_t co) { return co / out_per_group * cg_in; },
        [&](int64_t co, int64_t cg, int64_t ky, int64_t kx) {
          return w.values[static_cast<size_t>(((co * cg_in + cg) * kh + ky) * kw + kx)];
        });
    const auto& b = n.find("bias")->values;
    const int64_t per_channel = g.y.out * g.x.out;
    for (int64_t co = 0; co < g.c_out; ++co) bias.insert(bias.end(), static_cast<size_t>(per_channel), b[co]);
    return rows;
  }
  if (t == "SumPool2d" || t == "AvgPool2d") {
    const PoolGeometry g = pool_geometry(c, in_shape);
    const double w = t == "AvgPool2d" ? 1.0 / static_cast<double>(g.y.kernel * g.x.kernel) : 1.0;
    return window_map(
        g.channels, g.y, g.x, 1, [](int64_t co) { return co; },
        [w](int64_t, int64_t, int64_t, int64_t) { return w; });
  }
  Rows rows = identity_rows(static_cast<uint32_t>(n_in));  // Flatten and subgraph ports
  if (t == "Scale") {
    const auto& s = elementwise(c, "scale", n_in);
    for (int64_t i = 0; i < n_in; ++i) rows[i][0].w = s[s.size() == 1 ? 0 : i];
    merge_rows(rows);
  } else if (t == "Delay") {
    const auto& d = elementwise(c, "delay", n_in);
    for (int64_t i = 0; i < n_in; ++i) {
      const double seconds = d[d.size() == 1 ? 0 : i], steps = std::round(seconds / dt_s);
      if (steps > 4000)
        c.fail("delay", fmt::format("{} s is {} steps at dt = {} s, too long", seconds, steps, dt_s));
      rows[i][0].delay = static_cast<uint32_t>(steps);
    }
  }
  return rows;
}

}  // namespace scx::io::nir
