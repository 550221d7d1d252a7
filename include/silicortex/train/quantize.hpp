#pragma once
// Quantisation-aware training: the forward pass uses quantised weights, the backward pass treats quantisation
// as the identity (straight-through estimator, Bengio et al. 2013), so the float weights keep learning.
//   Loihi-class:     w ~ m * 2^e, m a signed `bits`-bit integer in [-(2^(bits-1)-1), 2^(bits-1)-1] and one
//                    exponent e per weight matrix, the smallest that represents max|w| without clipping.
//                    Error bound: |w - q| <= 2^e / 2.
//   TrueNorth-class: per output neuron j, w ~ k * a_j with k in {-L/2..L/2} (k = 0: no crossbar connection;
//                    the L non-zero levels are the neuron's L axon-type weights, each input being given one
//                    axon per type), a_j = max_i |w_ij| / (L/2). Error bound: |w - q| <= a_j / 2.
//                    With mse_scale, a_j minimises sum_i (w_ij - q_ij)^2 instead (the largest weights may
//                    be clipped to L/2 a_j). Error bound: max(a_j / 2, max_i |w_ij| - (L/2) a_j).
// Biases stay in float here; the deployment maps them.
#include <cstddef>
#include <vector>

#include "silicortex/train/network.hpp"

namespace scx::train {

struct QuantReport {
  double max_abs_error = 0;  // over all quantised weights
  double rms_error = 0;
  double max_bound = 0;  // the largest guaranteed error bound over the matrices
  size_t weights = 0;
};

// Quantise the weights in place; return the error bound (above) that holds for each of them.
double quantize_loihi(float* w, size_t n, int bits);
double quantize_truenorth(float* w, size_t rows, size_t cols, int levels, bool mse_scale = false);

// A layer's TrueNorth-class levels: its own, or the configuration's.
inline int layer_levels(const LayerSpec& l, const QuantSpec& q) {
  return l.levels > 0 ? l.levels : q.levels;
}

// The parameters the forward pass uses: every weight matrix quantised per `q`, biases unchanged.
std::vector<float> quantize_params(const SnnNetwork& net, const QuantSpec& q,
                                   const std::vector<float>& params, QuantReport* report = nullptr);

}  // namespace scx::train
