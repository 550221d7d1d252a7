// Input encodings: a sample's spikes do not depend on its batch; rates and latencies follow the definitions.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "silicortex/train/encoding.hpp"

namespace scx::train {
namespace {

TEST(TrainEncoding, RateSpikesDependOnlyOnSeedEpochAndSample) {
  const EncodingSpec enc{EncodingKind::Rate, 5, 0.8f, 0.1f};
  std::vector<uint8_t> images(3 * 4);
  for (size_t i = 0; i < images.size(); ++i) images[i] = uint8_t(40 * i % 256);
  const size_t pair[2] = {2, 0}, alone[1] = {0};
  std::vector<float> a(5 * 2 * 4), b(5 * 1 * 4), c(5 * 1 * 4);
  encode(enc, 9, 3, images.data(), 4, pair, 2, a.data());
  encode(enc, 9, 3, images.data(), 4, alone, 1, b.data());
  for (int t = 0; t < 5; ++t)
    for (int p = 0; p < 4; ++p) EXPECT_EQ(a[(t * 2 + 1) * 4 + p], b[t * 4 + p]);
  encode(enc, 9, 4, images.data(), 4, alone, 1, c.data());
  EXPECT_NE(b, c) << "another epoch draws other spikes";
}

TEST(TrainEncoding, RateMatchesIntensity) {
  const EncodingSpec enc{EncodingKind::Rate, 2000, 0.5f, 0.1f};
  const std::vector<uint8_t> image = {0, 51, 255};
  const size_t id[1] = {0};
  std::vector<float> out(2000 * 3);
  encode(enc, 1, 0, image.data(), 3, id, 1, out.data());
  for (int p = 0; p < 3; ++p) {
    double n = 0;
    for (int t = 0; t < 2000; ++t) n += out[t * 3 + p];
    const double prob = 0.5 * image[p] / 255.0;
    EXPECT_NEAR(n / 2000, prob, 4 * std::sqrt(prob * (1 - prob) / 2000) + 1e-12) << "pixel " << p;
  }
}

TEST(TrainEncoding, RegularSpreadsTheRoundedCountEvenly) {
  const EncodingSpec enc{EncodingKind::Regular, 8, 1.0f, 0.1f};
  const std::vector<uint8_t> image = {0, 128, 255, 96, 10};  // r = 0, ~0.5, 1, ~0.376, ~0.039
  const size_t ids[2] = {0, 0};
  std::vector<float> out(8 * 2 * 5);
  encode(enc, 1, 0, image.data(), 5, ids, 2, out.data());
  auto spikes_at = [&](int sample, int p) {
    std::vector<int> ts;
    for (int t = 0; t < 8; ++t)
      if (out[(t * 2 + sample) * 5 + p] != 0) ts.push_back(t);
    return ts;
  };
  EXPECT_TRUE(spikes_at(0, 0).empty());
  EXPECT_EQ(spikes_at(0, 1), (std::vector<int>{0, 2, 4, 6}));  // r t + 1/2 crosses 1, 2, 3, 4
  EXPECT_EQ(spikes_at(0, 2), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(spikes_at(0, 3), (std::vector<int>{1, 3, 6}));  // round(0.376 * 8) = 3 spikes
  EXPECT_TRUE(spikes_at(0, 4).empty());                     // 0.31 spikes round to none
  for (int p = 0; p < 5; ++p) EXPECT_EQ(spikes_at(1, p), spikes_at(0, p)) << "no noise between copies";
}

TEST(TrainEncoding, LatencyIsTimeToFirstSpike) {
  const EncodingSpec enc{EncodingKind::Latency, 11, 1.0f, 0.1f};
  const std::vector<uint8_t> image = {255, 128, 20, 0};  // x = 1, ~0.5, below threshold, 0
  const size_t id[1] = {0};
  std::vector<float> out(11 * 4);
  encode(enc, 1, 0, image.data(), 4, id, 1, out.data());
  auto spikes_at = [&](int p) {
    std::vector<int> ts;
    for (int t = 0; t < 11; ++t)
      if (out[t * 4 + p] != 0) ts.push_back(t);
    return ts;
  };
  EXPECT_EQ(spikes_at(0), std::vector<int>{0});
  EXPECT_EQ(spikes_at(1), std::vector<int>{5});  // round((1 - 128/255) * 10) = 5
  EXPECT_TRUE(spikes_at(2).empty());
  EXPECT_TRUE(spikes_at(3).empty());
}

TEST(TrainEncoding, DirectIsThePixelsTopBitsAtEveryStep) {
  EncodingSpec enc{EncodingKind::Direct, 3, 1.0f, 0.1f};
  enc.bits = 6;
  const std::vector<uint8_t> image = {255, 128, 3, 4, 0};
  const size_t id[1] = {0};
  std::vector<float> out(3 * 5);
  encode(enc, 1, 0, image.data(), 5, id, 1, out.data());
  const float want[5] = {63 / 64.0f, 32 / 64.0f, 0.0f, 1 / 64.0f, 0.0f};  // (pixel >> 2) / 64
  for (int t = 0; t < 3; ++t)
    for (int p = 0; p < 5; ++p) EXPECT_EQ(out[t * 5 + p], want[p]) << "step " << t << " pixel " << p;
}

TEST(TrainEncoding, ShiftMovesEachSampleByOneOffsetAtEveryStep) {
  // 40 samples of a 1x3x3 image with distinct non-zero pixels, 2 steps: each sample must be the image
  // moved by one (dx, dy) in [-1, 1]^2 with zeros shifted in, the same at both steps; all 9 offsets occur.
  const Shape s{1, 3, 3};
  const int batch = 40, steps = 2;
  std::vector<size_t> ids(batch);
  std::vector<float> x(size_t(steps) * batch * 9);
  for (int b = 0; b < batch; ++b) ids[size_t(b)] = size_t(1000 + b);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i % 9 + 1);
  std::vector<float> again = x;
  augment_inputs(1, false, 5, 2, s, ids.data(), batch, steps, x.data());
  augment_inputs(1, false, 5, 2, s, ids.data(), batch, steps, again.data());
  EXPECT_EQ(x, again) << "the same key gives the same shifts";
  std::set<std::pair<int, int>> seen;
  for (int b = 0; b < batch; ++b) {
    const float* img = x.data() + size_t(b) * 9;
    bool matched = false;
    for (int dy = -1; dy <= 1 && !matched; ++dy)
      for (int dx = -1; dx <= 1 && !matched; ++dx) {
        bool ok = true;
        for (int y = 0; y < 3; ++y)
          for (int xx = 0; xx < 3; ++xx) {
            const int sy = y - dy, sx = xx - dx;
            const float want = sy >= 0 && sy < 3 && sx >= 0 && sx < 3 ? float(sy * 3 + sx + 1) : 0.0f;
            ok = ok && img[y * 3 + xx] == want && img[size_t(batch) * 9 + size_t(y * 3 + xx)] == want;
          }
        if (ok) {
          matched = true;
          seen.insert({dx, dy});
        }
      }
    EXPECT_TRUE(matched) << "sample " << b;
  }
  EXPECT_EQ(seen.size(), 9u);
}

TEST(TrainEncoding, FlipMirrorsAboutHalfTheSamplesAtEveryStep) {
  // 200 samples of a 2-channel 2x3 image, 2 steps, no shift: each sample is the image or its left-right
  // mirror, the same at both steps and in both channels; both occur, about equally often.
  const Shape s{2, 2, 3};
  const int batch = 200, steps = 2, size = s.size();
  std::vector<size_t> ids(batch);
  std::vector<float> x(size_t(steps) * batch * size);
  for (int b = 0; b < batch; ++b) ids[size_t(b)] = size_t(b);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i % size + 1);
  augment_inputs(0, true, 9, 1, s, ids.data(), batch, steps, x.data());
  int mirrored = 0;
  for (int b = 0; b < batch; ++b) {
    bool same = true, mirror = true;
    for (int t = 0; t < steps; ++t)
      for (int c = 0; c < s.c; ++c)
        for (int y = 0; y < s.h; ++y)
          for (int xx = 0; xx < s.w; ++xx) {
            const float got = x[(size_t(t) * batch + b) * size + size_t((c * s.h + y) * s.w + xx)];
            same = same && got == float((c * s.h + y) * s.w + xx + 1);
            mirror = mirror && got == float((c * s.h + y) * s.w + (s.w - 1 - xx) + 1);
          }
    EXPECT_TRUE(same || mirror) << "sample " << b;
    mirrored += mirror;
  }
  EXPECT_GT(mirrored, 70);
  EXPECT_LT(mirrored, 130);
}

}  // namespace
}  // namespace scx::train
