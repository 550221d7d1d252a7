#pragma once
// SIMD Poisson spike generation (Highway, runtime dispatch): the same Philox4x32-10 blocks as the scalar
// philox4x32 (core/rng.hpp), one block per 4 neurons, computed for a vector of blocks at a time.
#include <array>
#include <cstdint>

namespace scx::sim {

// Neurons [begin, end) (begin a multiple of 4) spike when the draw of their block is below their threshold:
// block of neuron i = philox4x32({i & ~3, counter[0], counter[1], counter[2]}, key), word i & 3. Writes the
// spiking neurons to `spiked` in ascending order and returns how many. With `uniform`, threshold[0] is every
// neuron's.
uint32_t poisson_step(const uint32_t* threshold, uint32_t begin, uint32_t end,
                      std::array<uint32_t, 3> counter, std::array<uint32_t, 2> key, bool uniform,
                      uint32_t* spiked);

}  // namespace scx::sim
