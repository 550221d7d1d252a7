#pragma once
// The synapse operations of the trainer: matrix products through OpenBLAS (cblas_sgemm, loaded at run time),
// convolution as im2col + GEMM, and non-overlapping pooling. Row-major throughout.
#include "silicortex/train/network.hpp"

namespace scx::train::ops {

// C[m x n] = alpha * op(A) * op(B) + beta * C, row-major, leading dimensions implied by the shapes. OpenBLAS,
// single-threaded per call and safe to call from several threads at once.
void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, const float* b,
          float beta, float* c);
// Loads OpenBLAS now (gemm() would on its first call): call it before starting threads that use gemm, since
// loading sets an environment variable for a moment.
void prepare_gemm();

// One image [c][h][w] to columns [(c kh kw)][(oh ow)], and the adjoint (accumulating into the image).
void im2col(const float* img, Shape in, int k, int stride, int pad, Shape out, float* col);
void col2im_add(const float* col, Shape in, int k, int stride, int pad, Shape out, float* img);

// `rows` samples laid out [row][in.size()] in and [row][out.size()] out, over the same synapse block. A
// convolution leaves every row's im2col columns in `cols` for the backward pass.
void synapse_forward(const Block& b, const float* w, const float* in, int rows, float* out,
                     std::vector<float>& cols);
// Adds dL/dW to gw; writes dL/din to g_in unless it is null. `cols`: what the forward pass of the same input
// left there; `col`: scratch.
void synapse_backward(const Block& b, const float* w, const float* in, const float* g_out, int rows,
                      float* gw, float* g_in, const std::vector<float>& cols, std::vector<float>& col);

}  // namespace scx::train::ops
