#pragma once
// Distance kernels on byte vectors: L1 (sum of |a-b|, the chip's 0..65,280 range for 256 bytes) and Lsup
// (max |a-b|, 0..255). The SIMD versions use Highway with dynamic dispatch; on x86 the L1 kernel is the
// sum-of-absolute-differences instruction (PSADBW). Scalar references are kept for tests.
//
// Padding contract of the SIMD kernels: every row (query or prototype) must be readable up to
// round_up(n, kKernelPadding) bytes; bytes past n are masked off, so their content does not matter.
// KnowledgeStore rows and Engine query buffers satisfy this.
#include <cstddef>
#include <cstdint>
#include <string>

#include "silicortex/cogmem/types.hpp"

namespace scx::cogmem {

constexpr size_t kKernelPadding = 64;

uint32_t l1_distance_scalar(const uint8_t* a, const uint8_t* b, size_t n);
uint32_t lsup_distance_scalar(const uint8_t* a, const uint8_t* b, size_t n);
uint32_t distance_scalar(Norm norm, const uint8_t* a, const uint8_t* b, size_t n);

uint32_t l1_distance(const uint8_t* a, const uint8_t* b, size_t n);
uint32_t lsup_distance(const uint8_t* a, const uint8_t* b, size_t n);

// out[q * out_stride + p] = distance(query q, prototype p) over the first n bytes, for nq queries (rows of
// query_stride bytes) and count prototypes (rows of proto_stride bytes). Queries are processed four at a time
// so each prototype vector is loaded once per four comparisons.
void distances_block(Norm norm, const uint8_t* queries, size_t query_stride, size_t nq, const uint8_t* protos,
                     size_t proto_stride, size_t count, size_t n, uint32_t* out, size_t out_stride);

// Name of the instruction set chosen at run time (e.g. "AVX3", "AVX2").
const char* simd_target_name();
// Stops dispatch from choosing targets better than `name` ("avx2", "sse4", "scalar"); for benchmarks and
// tests. Throws scx::Error for an unknown name.
void limit_simd_target(const std::string& name);

}  // namespace scx::cogmem
