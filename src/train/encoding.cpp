#include "silicortex/train/encoding.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "silicortex/core/rng.hpp"

namespace scx::train {

namespace {
constexpr uint64_t kRateStream = 0x5241;
constexpr uint64_t kShiftStream = 0x5346;
}  // namespace

void encode(const EncodingSpec& enc, uint64_t seed, uint32_t epoch_key, const uint8_t* images, size_t pixels,
            const size_t* ids, int batch, float* out) {
  const size_t per_step = size_t(batch) * pixels;
  std::fill(out, out + per_step * enc.steps, 0.0f);
  for (int b = 0; b < batch; ++b) {
    const uint8_t* img = images + ids[b] * pixels;
    if (enc.kind == EncodingKind::Direct) {
      const int shift = 8 - enc.bits;
      const float unit = std::ldexp(1.0f, -enc.bits);
      for (int t = 0; t < enc.steps; ++t)
        for (size_t p = 0; p < pixels; ++p)
          out[t * per_step + b * pixels + p] = float(img[p] >> shift) * unit;
      continue;
    }
    if (enc.kind == EncodingKind::Latency) {
      for (size_t p = 0; p < pixels; ++p) {
        const float x = img[p] / 255.0f;
        if (x <= enc.latency_threshold) continue;
        const int t = static_cast<int>(std::lround((1.0f - x) * float(enc.steps - 1)));
        out[t * per_step + b * pixels + p] = 1.0f;
      }
      continue;
    }
    if (enc.kind == EncodingKind::Regular) {
      for (size_t p = 0; p < pixels; ++p) {
        const double r = enc.max_rate * (img[p] / 255.0);
        for (int t = 0; t < enc.steps; ++t)
          if (std::floor(r * t + 0.5) < std::floor(r * (t + 1) + 0.5))
            out[t * per_step + b * pixels + p] = 1.0f;
      }
      continue;
    }
    const uint64_t stream = stream_id(kRateStream ^ (uint64_t(epoch_key) << 16), ids[b]);
    for (int t = 0; t < enc.steps; ++t) {
      RandomStream rng(seed, stream, static_cast<uint32_t>(t));
      float* o = out + t * per_step + b * pixels;
      for (size_t p = 0; p < pixels; ++p)
        o[p] = rng.uniform() < enc.max_rate * (img[p] / 255.0) ? 1.0f : 0.0f;
    }
  }
}

void augment_inputs(int shift, bool flip, uint64_t seed, uint32_t epoch_key, Shape s, const size_t* ids,
                    int batch, int steps, float* x) {
  std::vector<float> plane(size_t(s.h) * size_t(s.w));
  for (int b = 0; b < batch; ++b) {
    RandomStream rng(seed, stream_id(kShiftStream, epoch_key), static_cast<uint32_t>(ids[b]));
    const int dx = shift > 0 ? int(rng.below(uint64_t(2 * shift + 1))) - shift : 0;
    const int dy = shift > 0 ? int(rng.below(uint64_t(2 * shift + 1))) - shift : 0;
    const bool mirror = flip && rng.below(2) == 1;
    if (dx == 0 && dy == 0 && !mirror) continue;
    for (int t = 0; t < steps; ++t)
      for (int c = 0; c < s.c; ++c) {
        float* img = x + (size_t(t) * size_t(batch) + size_t(b)) * size_t(s.size()) + size_t(c) * s.h * s.w;
        std::fill(plane.begin(), plane.end(), 0.0f);
        for (int y = std::max(0, dy); y < std::min(s.h, s.h + dy); ++y)
          for (int xx = std::max(0, dx); xx < std::min(s.w, s.w + dx); ++xx) {
            const int sx = mirror ? s.w - 1 - (xx - dx) : xx - dx;
            plane[size_t(y) * s.w + xx] = img[size_t(y - dy) * s.w + sx];
          }
        std::copy(plane.begin(), plane.end(), img);
      }
  }
}

}  // namespace scx::train
