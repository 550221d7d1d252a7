// Input encodings: a sample's spikes do not depend on its batch; rates and latencies follow the definitions.
#include <gtest/gtest.h>

#include <cmath>

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

}  // namespace
}  // namespace scx::train
