#pragma once
// Input encodings: pixel intensities (0..255) to spike trains laid out [step][sample][pixel].
#include <cstddef>
#include <cstdint>

#include "silicortex/train/spec.hpp"

namespace scx::train {

// The draw for (sample id, step) comes from RandomStream(seed, stream(epoch_key, id), step), so a sample's
// spikes do not depend on its batch, its chunk or the thread that encodes it.
//   rate:    Bernoulli per step with p = max_rate * intensity / 255;
//   latency: one spike at step round((1 - x) (steps - 1)) for x = intensity / 255 > latency_threshold;
//   direct:  (intensity >> (8 - bits)) / 2^bits at every step;
//   regular: a spike at step t when floor(r t + 1/2) < floor(r (t + 1) + 1/2), r = max_rate * x.
void encode(const EncodingSpec& enc, uint64_t seed, uint32_t epoch_key, const uint8_t* images, size_t pixels,
            const size_t* ids, int batch, float* out);

// Augmentation of each sample's encoded input (every step and channel of shape s): a mirror image left to
// right with probability 1/2 if flip, then a move by a random (dx, dy) in [-shift, shift]^2 with zeros
// shifted in. The draws are keyed by (seed, epoch_key, sample id).
void augment_inputs(int shift, bool flip, uint64_t seed, uint32_t epoch_key, Shape s, const size_t* ids,
                    int batch, int steps, float* x);

inline constexpr uint32_t kEvalEpochKey = 0xFFFFFFFFu;  // the fixed encoding of evaluation data

}  // namespace scx::train
