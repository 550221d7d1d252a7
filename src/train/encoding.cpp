#include "silicortex/train/encoding.hpp"

#include <algorithm>
#include <cmath>

#include "silicortex/core/rng.hpp"

namespace scx::train {

namespace {
constexpr uint64_t kRateStream = 0x5241;
}

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
        for (size_t p = 0; p < pixels; ++p) out[t * per_step + b * pixels + p] = float(img[p] >> shift) * unit;
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
    const uint64_t stream = stream_id(kRateStream ^ (uint64_t(epoch_key) << 16), ids[b]);
    for (int t = 0; t < enc.steps; ++t) {
      RandomStream rng(seed, stream, static_cast<uint32_t>(t));
      float* o = out + t * per_step + b * pixels;
      for (size_t p = 0; p < pixels; ++p)
        o[p] = rng.uniform() < enc.max_rate * (img[p] / 255.0) ? 1.0f : 0.0f;
    }
  }
}

}  // namespace scx::train
