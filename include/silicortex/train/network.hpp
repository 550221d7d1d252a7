#pragma once
// A feed-forward stack of blocks (synapse op + optional spiking neuron) trained by backpropagation through
// time. All parameters live in one flat vector so that the optimiser, the checkpoint and the deterministic
// gradient reduction treat them alike. Activations are laid out [step][sample][feature], feature =
// channel-major c*h*w.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "silicortex/train/spec.hpp"

namespace scx::train {

// Inputs of one output channel of a convolution: its group's channels times the kernel.
inline int conv_fan_in(const LayerSpec& l, Shape in) {
  return in.c / l.groups * l.kernel * l.kernel;
}

struct Block {
  LayerSpec spec;
  Shape in, out;
  size_t w_off = 0, w_size = 0;  // dense / recurrent: out x in; conv: out_c x (in_c / groups k k)
  size_t r_off = 0, r_size = 0;  // recurrent: out x out
  size_t b_off = 0, b_size = 0;  // bias per neuron, per channel for conv
  int bias_group = 1;            // features sharing one bias
};

// Buffers for one chunk of samples; one per worker thread, reused across chunks.
struct Workspace {
  int steps = 0, batch = 0;
  std::vector<std::vector<float>> a, vpre, s;  // per block: synaptic input, membrane before reset, output
  // Per block with dropout in a training forward pass: the mask [sample][feature] (0 or 1 / (1 - p)) and the
  // output after it, which the next block reads; both empty otherwise.
  std::vector<std::vector<float>> keep, dropped;
  std::vector<std::vector<float>> cols;  // per convolution: the im2col columns of every row, for backward
  std::vector<float> g_out, g_in, col, state_u, state_v, g_u, g_v, bias;
};

// Where a training pass draws its dropout masks: a mask is a pure function of (seed, epoch, sample, block,
// feature), so it does not depend on the thread count or on how a batch is cut into chunks.
struct DropoutDraw {
  uint64_t seed = 0;
  uint32_t epoch = 0;
  const size_t* ids = nullptr;  // the dataset index of each sample of the batch
};

class SnnNetwork {
 public:
  // Checks every layer against its input shape; a bad layer gives scx::Error naming LayerSpec::origin and
  // field.
  SnnNetwork(const std::vector<LayerSpec>& layers, Shape input, int classes);

  const std::vector<Block>& blocks() const { return blocks_; }
  size_t param_count() const { return param_count_; }
  Shape output_shape() const { return blocks_.back().out; }
  // Deterministic initialisation: weights uniform in +-1/sqrt(fan_in) * gain, biases zero.
  std::vector<float> init_params(uint64_t seed, float gain = 1.0f) const;

  // Replaces a dense block's matrix product (e.g. by an analog crossbar, devices/): called with the block
  // index, the input [rows][in] and the output [rows][out] to fill; the weights stay at params[w_off].
  using DenseProduct = std::function<void(size_t block, const float* in, int rows, float* out)>;

  // x: steps*batch*input.size() values. Results stay in ws (ws.s.back(), ws.vpre.back()). Layers with
  // dropout drop outputs only when `dropout` says how to draw (training); without it they pass everything.
  void forward(const std::vector<float>& params, const float* x, int steps, int batch, Workspace& ws,
               const DenseProduct* dense = nullptr, const DropoutDraw* dropout = nullptr) const;
  // Given dL/d(output) and dL/d(output membrane before reset) for the last block (either may be null),
  // adds dL/dparams to grad. Uses the activations of the last forward on ws.
  void backward(const std::vector<float>& params, const float* x, const float* g_out_spikes,
                const float* g_out_vpre, Workspace& ws, std::vector<float>& grad) const;

 private:
  std::vector<Block> blocks_;
  size_t param_count_ = 0;
};

}  // namespace scx::train
