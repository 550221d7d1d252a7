// The synapse operations against naive loops written from the definitions (the gradient checks only show that
// forward and backward agree with each other, not that the forward is the convolution it claims to be).
#include <gtest/gtest.h>

#include "silicortex/core/rng.hpp"
#include "train/ops.hpp"

namespace scx::train {
namespace {

std::vector<float> random_vec(size_t n, uint64_t seed) {
  RandomStream rng(seed, 0);
  std::vector<float> v(n);
  for (float& x : v) x = float(rng.uniform(-1, 1));
  return v;
}

TEST(TrainOps, ConvMatchesDirectConvolution) {
  struct Case {
    int k, stride, pad;
    Shape in;
    int out_c;
    int groups = 1;
  };
  for (const Case& c :
       {Case{3, 1, 1, {2, 5, 7}, 3}, Case{3, 2, 1, {1, 6, 5}, 2}, Case{5, 1, 2, {1, 8, 8}, 2},
        Case{2, 2, 0, {3, 4, 6}, 4}, Case{4, 3, 2, {2, 7, 5}, 1}, Case{3, 1, 1, {4, 5, 6}, 6, 2},
        Case{2, 2, 1, {6, 5, 4}, 3, 3}, Case{1, 1, 0, {4, 3, 5}, 6, 2}, Case{1, 1, 0, {3, 4, 4}, 2}}) {
    Block b;
    b.spec.kind = LayerKind::Conv;
    b.spec.kernel = c.k;
    b.spec.stride = c.stride;
    b.spec.padding = c.pad;
    b.spec.groups = c.groups;
    b.in = c.in;
    b.out = {c.out_c, (c.in.h + 2 * c.pad - c.k) / c.stride + 1, (c.in.w + 2 * c.pad - c.k) / c.stride + 1};
    const int rows = 2;
    const int ic_g = c.in.c / c.groups, oc_g = c.out_c / c.groups;
    const auto w = random_vec(size_t(c.out_c) * ic_g * c.k * c.k, 1);
    const auto x = random_vec(size_t(rows) * c.in.size(), 2);
    std::vector<float> y(size_t(rows) * b.out.size()), col;
    ops::synapse_forward(b, w.data(), x.data(), rows, y.data(), col);
    for (int r = 0; r < rows; ++r)
      for (int o = 0; o < c.out_c; ++o)
        for (int oy = 0; oy < b.out.h; ++oy)
          for (int ox = 0; ox < b.out.w; ++ox) {
            double sum = 0;
            for (int gi = 0; gi < ic_g; ++gi)  // the input channels of output o's group
              for (int ky = 0; ky < c.k; ++ky)
                for (int kx = 0; kx < c.k; ++kx) {
                  const int ci = o / oc_g * ic_g + gi;
                  const int iy = oy * c.stride - c.pad + ky, ix = ox * c.stride - c.pad + kx;
                  if (iy < 0 || iy >= c.in.h || ix < 0 || ix >= c.in.w) continue;
                  sum += double(w[((o * ic_g + gi) * c.k + ky) * c.k + kx]) *
                         x[size_t(r) * c.in.size() + (ci * c.in.h + iy) * c.in.w + ix];
                }
            EXPECT_NEAR(y[size_t(r) * b.out.size() + (o * b.out.h + oy) * b.out.w + ox], sum, 1e-5)
                << "k " << c.k << " stride " << c.stride << " pad " << c.pad << " groups " << c.groups;
          }
  }
}

TEST(TrainOps, PoolingMatchesDefinition) {
  for (LayerKind kind : {LayerKind::SumPool, LayerKind::AvgPool}) {
    Block b;
    b.spec.kind = kind;
    b.spec.kernel = 2;
    b.in = {2, 5, 4};  // odd height: the last row is dropped
    b.out = {2, 2, 2};
    const auto x = random_vec(b.in.size(), 3);
    std::vector<float> y(b.out.size()), col;
    ops::synapse_forward(b, nullptr, x.data(), 1, y.data(), col);
    for (int c = 0; c < 2; ++c)
      for (int oy = 0; oy < 2; ++oy)
        for (int ox = 0; ox < 2; ++ox) {
          double sum = 0;
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) sum += x[(c * 5 + 2 * oy + dy) * 4 + 2 * ox + dx];
          if (kind == LayerKind::AvgPool) sum /= 4;
          EXPECT_NEAR(y[(c * 2 + oy) * 2 + ox], sum, 1e-6);
        }
  }
}

TEST(TrainOps, DenseMatchesMatrixProduct) {
  Block b;
  b.spec.kind = LayerKind::Dense;
  b.in = {5, 1, 1};
  b.out = {3, 1, 1};
  const auto w = random_vec(15, 4), x = random_vec(10, 5);
  std::vector<float> y(6), col;
  ops::synapse_forward(b, w.data(), x.data(), 2, y.data(), col);
  for (int r = 0; r < 2; ++r)
    for (int o = 0; o < 3; ++o) {
      double sum = 0;
      for (int i = 0; i < 5; ++i) sum += double(w[o * 5 + i]) * x[r * 5 + i];
      EXPECT_NEAR(y[r * 3 + o], sum, 1e-6);
    }
}

}  // namespace
}  // namespace scx::train
