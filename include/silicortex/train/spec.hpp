#pragma once
// What a training run is: the network (blocks of synapse + neuron, as in Lava-dl's slayer blocks), the input
// encoding, the loss, the optimiser and the quantisation target. Plain values; built by hand in tests or read
// from TOML by read_train_config (config.hpp).
#include <cstdint>
#include <string>
#include <vector>

namespace scx::train {

// Discrete-time neuron of Lava's CUBA LIF float model:
//   u[t] = u[t-1](1-du) + a_in[t];  v[t] = v[t-1](1-dv) + u[t] + bias;  spike if v[t] > vth, then v[t] = 0.
// Lif is the same with du = 1 (the current is the input of this step); None passes a_in on unchanged.
enum class NeuronModel { None, Lif, Cuba };

struct NeuronSpec {
  NeuronModel model = NeuronModel::Cuba;
  float du = 0.5f, dv = 0.5f, vth = 1.0f;
  float surrogate_beta = 5.0f;  // fast sigmoid (SuperSpike): ds/dv ~ 1 / (1 + beta |v - vth|)^2
  bool detach_reset = true;     // no gradient through the reset (SpyTorch, snnTorch's usual choice)
  bool soft_spikes = false;     // tests only: forward uses the smooth spike whose derivative is the surrogate
};

enum class LayerKind { Dense, Conv, SumPool, AvgPool, Flatten, Recurrent };

struct LayerSpec {
  LayerKind kind = LayerKind::Dense;
  int out = 0;                              // dense / recurrent: output neurons; conv: output channels
  int kernel = 3, stride = 1, padding = 0;  // conv; pools use kernel as size and stride
  bool has_neuron = true;                   // pools and flatten default to false
  // Conv: input and output channels split into this many groups, each output channel seeing only its
  // group's inputs (Eedn's way to keep a neuron's fan-in within one core's axons while the layer is wide).
  int groups = 1;
  // Training only: each output is zeroed with this probability and the rest scaled by 1 / (1 - dropout), one
  // mask per sample for all its steps (lava-dl's neuron dropout). Evaluation and the chips see every output.
  float dropout = 0.0f;
  // TrueNorth-class: this layer's signed weight levels (2 or 4), 0 for quantization.levels. A layer of few
  // inputs can afford 4 (one axon per source and level used in a core), as Eedn's first layers do.
  int levels = 0;
  NeuronSpec neuron;
  std::string origin;  // "file.toml: layers[2]" for error messages
};

// Rate: Bernoulli spikes with probability max_rate * pixel / 255 per step. Latency: one spike, earlier for
// brighter pixels. Direct: the pixel's top `bits` bits as a fraction, (pixel >> (8 - bits)) / 2^bits, at
// every step (on a chip: a graded spike whose payload is pixel >> (8 - bits)).
// Regular: the deterministic rate code of an integrate-and-fire encoder, round(max_rate * pixel / 255 *
// steps) spikes spread evenly (a spike at step t when round(r t) < round(r (t + 1)), r = max_rate * pixel /
// 255): binary like rate, without its sampling noise.
enum class EncodingKind { Rate, Latency, Direct, Regular };
struct EncodingSpec {
  EncodingKind kind = EncodingKind::Rate;
  int steps = 8;
  float max_rate = 1.0f;           // rate: spike probability per step at intensity 1
  float latency_threshold = 0.1f;  // latency: intensities at or below this never spike
  int bits = 8;                    // direct: payload bits, 1 to 8
};

enum class LossKind { Count, MembraneMax, MembraneMean };
struct LossSpec {
  LossKind kind = LossKind::Count;
  float scale = 1.0f;  // logits = scale * (spike count or membrane statistic)
};

struct AdamSpec {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
  float lr_decay = 1.0f;  // the learning rate of epoch k (0-based) is lr * lr_decay^k
  // Decoupled (AdamW): each step also scales every parameter by 1 - lr_k * weight_decay.
  float weight_decay = 0.0f;
};

enum class QuantKind { None, Loihi, TrueNorth };
struct QuantSpec {
  QuantKind kind = QuantKind::None;
  int bits = 8;  // Loihi-class: signed mantissa bits with one shared power-of-two exponent per weight matrix
  int levels =
      4;  // TrueNorth-class: signed non-zero levels per neuron (one per axon type), plus "no synapse"
  // TrueNorth-class step a_j: max |w| / (levels / 2) (no weight clipped), or the one of least squared error
  // (exact for ternary weights, as in ternary weight networks; Lloyd iterations for 4 levels).
  bool mse_scale = false;
};

struct DataSpec {
  std::string train_images, train_labels, test_images, test_labels;
  size_t train_limit = 0, test_limit = 0;  // use the first N items (0: all)
  // The last N of the (limited) training items are held out: not trained on, evaluated after every epoch,
  // so that settings and epochs can be chosen without looking at the test set.
  size_t validation = 0;
};

struct TrainSpec {
  int epochs = 1, batch_size = 32, threads = 1;
  uint64_t seed = 1;
  int shift = 0;      // augmentation: training inputs move by up to +-shift pixels each way (zero fill)
  bool flip = false;  // augmentation: half the training inputs are mirrored left to right
  // Polyak averaging: evaluation and the written network use an exponential moving average of the weights
  // with this decay per step (0: off). It smooths the epoch-to-epoch swing of few-level weights.
  float ema_decay = 0.0f;
};

struct Shape {
  int c = 1, h = 1, w = 1;
  int size() const { return c * h * w; }
  bool flat() const { return h == 1 && w == 1; }
};

struct TrainConfig {
  std::string source;  // file name, for messages
  std::string text;    // the TOML text as read (stored in checkpoints and network files)
  DataSpec data;
  Shape input;  // set from the dataset, or by hand
  int classes = 10;
  EncodingSpec encoding;
  std::vector<LayerSpec> layers;
  LossSpec loss;
  AdamSpec adam;
  QuantSpec quant;
  TrainSpec train;
  float init_gain = 1.0f;  // weights start uniform in +-init_gain / sqrt(fan_in)
};

}  // namespace scx::train
