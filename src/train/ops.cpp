#include "train/ops.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

#include "silicortex/core/error.hpp"

namespace scx::train::ops {
namespace {

// CBLAS's constants (cblas.h); the library is loaded at run time, so its header is not needed.
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
using Sgemm = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                       float*, int);

// Debian's single-threaded OpenBLAS (linked here until 2026-12-07) sometimes computed wrong products when two
// threads called it at once: the image app's float reference disagreed with itself in 6 of 6,900 runs under
// load, against 0 of 6,900 with the threaded build, alternating. That build locks its buffers with a mutex,
// but when it is linked it starts a worker thread at load time that spins for about 0.15 s beside the
// engine's threads (it halved 2-thread COBA/CUBA runs). Loaded on first use with OPENBLAS_NUM_THREADS=1, it
// starts none, and commands that never multiply matrices never load it.
Sgemm load_sgemm() {
  const char* before = std::getenv("OPENBLAS_NUM_THREADS");
  const std::optional<std::string> saved = before ? std::optional<std::string>(before) : std::nullopt;
  setenv("OPENBLAS_NUM_THREADS", "1", 1);
  void* lib = dlopen(SCX_OPENBLAS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (saved)
    setenv("OPENBLAS_NUM_THREADS", saved->c_str(), 1);
  else
    unsetenv("OPENBLAS_NUM_THREADS");
  if (!lib)
    throw Error(fmt::format("cannot load OpenBLAS ({}): {}; scripts/setup.sh installs libopenblas0-pthread",
                            SCX_OPENBLAS_LIBRARY, dlerror()));
  // Already loaded by someone else (a Python process, say) it may have more threads: one per call here.
  if (auto set_threads = reinterpret_cast<void (*)(int)>(dlsym(lib, "openblas_set_num_threads")))
    set_threads(1);
  auto sgemm = reinterpret_cast<Sgemm>(dlsym(lib, "cblas_sgemm"));
  if (!sgemm) throw Error(fmt::format("{} has no cblas_sgemm", SCX_OPENBLAS_LIBRARY));
  return sgemm;
}

Sgemm sgemm_function() {
  static const Sgemm sgemm = load_sgemm();  // thread-safe, and retried if it threw
  return sgemm;
}

}  // namespace

void prepare_gemm() {
  (void)sgemm_function();
}

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, const float* b,
          float beta, float* c) {
  sgemm_function()(kRowMajor, trans_a ? kTrans : kNoTrans, trans_b ? kTrans : kNoTrans, m, n, k, alpha, a,
                   trans_a ? m : k, b, trans_b ? k : n, beta, c, n);
}

namespace {
// Walks the column matrix row by row: for each (channel, ky, kx) and output row oy, calls
// f(column pointer offset, input offset of ox = 0, first valid ox, end of valid ox) where the input index of
// output column ox is input offset + ox * stride; outside [lo, hi) the entry is padding.
template <class F>
void for_each_col_row(Shape in, int k, int stride, int pad, Shape out, F&& f) {
  for (int c = 0; c < in.c; ++c)
    for (int ky = 0; ky < k; ++ky)
      for (int kx = 0; kx < k; ++kx) {
        const size_t row = size_t((c * k + ky) * k + kx) * out.h * out.w;
        // valid ox: 0 <= ox*stride - pad + kx < in.w
        const int lo = std::clamp((pad - kx + stride - 1) / stride, 0, out.w);
        const int hi = std::clamp((in.w + pad - kx + stride - 1) / stride, lo, out.w);
        for (int oy = 0; oy < out.h; ++oy) {
          const int iy = oy * stride - pad + ky;
          const bool row_inside = iy >= 0 && iy < in.h;
          f(row + size_t(oy) * out.w, (c * in.h + iy) * in.w - pad + kx, row_inside ? lo : 0,
            row_inside ? hi : 0);
        }
      }
}
}  // namespace

void im2col(const float* img, Shape in, int k, int stride, int pad, Shape out, float* col) {
  for_each_col_row(in, k, stride, pad, out, [&](size_t co, int io, int lo, int hi) {
    float* dst = col + co;
    for (int ox = 0; ox < lo; ++ox) dst[ox] = 0.0f;
    for (int ox = lo; ox < hi; ++ox) dst[ox] = img[io + ox * stride];
    for (int ox = hi; ox < out.w; ++ox) dst[ox] = 0.0f;
  });
}

void col2im_add(const float* col, Shape in, int k, int stride, int pad, Shape out, float* img) {
  for_each_col_row(in, k, stride, pad, out, [&](size_t co, int io, int lo, int hi) {
    for (int ox = lo; ox < hi; ++ox) img[io + ox * stride] += col[co + ox];
  });
}

namespace {
// Non-overlapping k x k pooling; visits (output index, input index) pairs.
template <class F>
void for_each_pool(Shape in, Shape out, int k, F&& f) {
  for (int c = 0; c < out.c; ++c)
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox)
        for (int ky = 0; ky < k; ++ky)
          for (int kx = 0; kx < k; ++kx)
            f((c * out.h + oy) * out.w + ox, (c * in.h + oy * k + ky) * in.w + ox * k + kx);
}
// A convolution's per-group GEMM operands: group k multiplies its oc x kk weight rows by its kk rows of the
// column matrix (im2col orders rows by input channel, so a group's rows are contiguous). A pointwise (1x1,
// stride 1, unpadded) convolution needs no im2col: the image [c][h][w] is its own column matrix.
struct ConvGroups {
  int groups, oc, kk, hw;
  bool pointwise;
  explicit ConvGroups(const Block& b)
      : groups(b.spec.groups),
        oc(b.out.c / b.spec.groups),
        kk(conv_fan_in(b.spec, b.in)),
        hw(b.out.h * b.out.w),
        pointwise(b.spec.kernel == 1 && b.spec.stride == 1 && b.spec.padding == 0) {}
  size_t col_size() const { return pointwise ? 0 : size_t(groups) * kk * hw; }
  // Row r's column matrix: the image itself, or its im2col in cols (filled by the forward pass).
  const float* columns(const float* img, const std::vector<float>& cols, int r) const {
    return pointwise ? img : cols.data() + size_t(r) * col_size();
  }
  size_t w_at(int k) const { return size_t(k) * oc * kk; }
  size_t col_at(int k) const { return size_t(k) * kk * hw; }
  size_t out_at(int k) const { return size_t(k) * oc * hw; }
};

float pool_scale(const Block& b) {
  return b.spec.kind == LayerKind::AvgPool ? 1.0f / float(b.spec.kernel * b.spec.kernel) : 1.0f;
}
}  // namespace

void synapse_forward(const Block& b, const float* w, const float* in, int rows, float* out,
                     std::vector<float>& cols) {
  const int ni = b.in.size(), no = b.out.size();
  switch (b.spec.kind) {
    case LayerKind::Dense:
    case LayerKind::Recurrent:
      gemm(false, true, rows, no, ni, 1.0f, in, w, 0.0f, out);
      return;
    case LayerKind::Conv: {
      const ConvGroups g(b);
      cols.resize(g.col_size() * size_t(rows));
      for (int r = 0; r < rows; ++r) {
        const float* img = in + static_cast<size_t>(r) * ni;
        if (!g.pointwise)
          im2col(img, b.in, b.spec.kernel, b.spec.stride, b.spec.padding, b.out,
                 cols.data() + size_t(r) * g.col_size());
        const float* c = g.columns(img, cols, r);
        for (int k = 0; k < g.groups; ++k)
          gemm(false, false, g.oc, g.hw, g.kk, 1.0f, w + g.w_at(k), c + g.col_at(k), 0.0f,
               out + static_cast<size_t>(r) * no + g.out_at(k));
      }
      return;
    }
    case LayerKind::SumPool:
    case LayerKind::AvgPool: {
      const float scale = pool_scale(b);
      std::fill(out, out + static_cast<size_t>(rows) * no, 0.0f);
      for (int r = 0; r < rows; ++r) {
        const float* x = in + static_cast<size_t>(r) * ni;
        float* y = out + static_cast<size_t>(r) * no;
        for_each_pool(b.in, b.out, b.spec.kernel, [&](int o, int i) { y[o] += scale * x[i]; });
      }
      return;
    }
    case LayerKind::Flatten:
      std::copy(in, in + static_cast<size_t>(rows) * ni, out);
      return;
  }
  SCX_ASSERT(false);
}

void synapse_backward(const Block& b, const float* w, const float* in, const float* g_out, int rows,
                      float* gw, float* g_in, const std::vector<float>& cols, std::vector<float>& col) {
  const int ni = b.in.size(), no = b.out.size();
  switch (b.spec.kind) {
    case LayerKind::Dense:
    case LayerKind::Recurrent:
      gemm(true, false, no, ni, rows, 1.0f, g_out, in, 1.0f, gw);
      if (g_in) gemm(false, false, rows, ni, no, 1.0f, g_out, w, 0.0f, g_in);
      return;
    case LayerKind::Conv: {
      const ConvGroups cg(b);
      SCX_ASSERT(cols.size() == cg.col_size() * size_t(rows));
      col.resize(cg.col_size());
      if (g_in) std::fill(g_in, g_in + static_cast<size_t>(rows) * ni, 0.0f);
      for (int r = 0; r < rows; ++r) {
        const float* g = g_out + static_cast<size_t>(r) * no;
        const float* c = cg.columns(in + static_cast<size_t>(r) * ni, cols, r);
        for (int k = 0; k < cg.groups; ++k)
          gemm(false, true, cg.oc, cg.kk, cg.hw, 1.0f, g + cg.out_at(k), c + cg.col_at(k), 1.0f,
               gw + cg.w_at(k));
        if (!g_in) continue;
        float* g_cols = cg.pointwise ? g_in + static_cast<size_t>(r) * ni : col.data();  // g_in is zero
        for (int k = 0; k < cg.groups; ++k)
          gemm(true, false, cg.kk, cg.hw, cg.oc, 1.0f, w + cg.w_at(k), g + cg.out_at(k), 0.0f,
               g_cols + cg.col_at(k));
        if (!cg.pointwise)
          col2im_add(col.data(), b.in, b.spec.kernel, b.spec.stride, b.spec.padding, b.out,
                     g_in + static_cast<size_t>(r) * ni);
      }
      return;
    }
    case LayerKind::SumPool:
    case LayerKind::AvgPool: {
      if (!g_in) return;
      const float scale = pool_scale(b);
      std::fill(g_in, g_in + static_cast<size_t>(rows) * ni, 0.0f);
      for (int r = 0; r < rows; ++r) {
        const float* g = g_out + static_cast<size_t>(r) * no;
        float* gx = g_in + static_cast<size_t>(r) * ni;
        for_each_pool(b.in, b.out, b.spec.kernel, [&](int o, int i) { gx[i] += scale * g[o]; });
      }
      return;
    }
    case LayerKind::Flatten:
      if (g_in) std::copy(g_out, g_out + static_cast<size_t>(rows) * ni, g_in);
      return;
  }
  SCX_ASSERT(false);
}

}  // namespace scx::train::ops
