#pragma once
// Mini-batch training by BPTT. A batch is cut into fixed chunks of kChunk samples; threads take chunks, each
// chunk's gradient goes to its own buffer, and the buffers are added in chunk order, so the same seed gives
// the same weights for any thread count. OpenBLAS runs single-threaded inside the chunks.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "silicortex/train/adam.hpp"
#include "silicortex/train/network.hpp"
#include "silicortex/train/quantize.hpp"
#include "silicortex/train/spec.hpp"

namespace scx::train {

struct Dataset {
  Shape shape;
  int classes = 0;
  size_t count = 0;
  std::vector<uint8_t> images, labels;  // count x shape.size(), count
};

// IDX images (N x features, N x rows x cols or N x channels x rows x cols) and labels; the first `limit`
// items (0: all).
Dataset load_dataset(const std::string& images, const std::string& labels, size_t limit);
// Moves the last n items of d into the returned set (a validation split); n must leave d at least one item.
Dataset split_off(Dataset& d, size_t n);

struct BatchStats {
  double loss_sum = 0;
  size_t correct = 0, samples = 0;
  void add(const BatchStats& o) {
    loss_sum += o.loss_sum;
    correct += o.correct;
    samples += o.samples;
  }
  double loss() const { return samples ? loss_sum / samples : 0; }
  double accuracy() const { return samples ? double(correct) / samples : 0; }
};

inline constexpr int kChunk = 8;

class Trainer {
 public:
  // cfg.input and cfg.classes must be set (from the data).
  explicit Trainer(TrainConfig cfg);
  ~Trainer();

  const TrainConfig& config() const { return cfg_; }
  const SnnNetwork& network() const { return net_; }
  // The trained (float) weights. With training.ema_decay on, evaluation and the written network use their
  // moving average instead, which assigning these does not change.
  std::vector<float>& params() { return params_; }
  const std::vector<float>& params() const { return params_; }
  int epochs_done() const { return epochs_done_; }
  void set_threads(int threads) { cfg_.train.threads = threads; }

  // Mean gradient over the samples `ids` (forward with the quantised weights when QAT is on).
  std::vector<float> gradient(const Dataset& d, const std::vector<size_t>& ids, uint32_t epoch_key,
                              BatchStats* stats = nullptr);
  BatchStats train_batch(const Dataset& d, const std::vector<size_t>& ids, uint32_t epoch_key);
  // One epoch in the seeded shuffle order; `progress(done, stats)` after each batch.
  BatchStats train_epoch(const Dataset& d,
                         const std::function<void(size_t, const BatchStats&)>& progress = {});
  BatchStats evaluate(const Dataset& d);

  // The weights evaluation and the written network use: the moving average when training.ema_decay is on,
  // else the trained ones; quantised when QAT is on.
  std::vector<float> effective_params(QuantReport* report = nullptr) const;

  void save_checkpoint(const std::filesystem::path& path) const;
  void load_checkpoint(const std::filesystem::path& path);  // checks the configuration matches
  void save_network(const std::filesystem::path& path, double test_accuracy) const;

 private:
  struct Worker;
  // Encodes the samples w.ids and runs the network on them (results in w.ws, labels in w.labels).
  void forward_chunk(const Dataset& d, uint32_t epoch_key, const std::vector<float>& p, Worker& w) const;
  void run_chunks(size_t chunks, const std::function<void(size_t, Worker&)>& fn);

  TrainConfig cfg_;
  SnnNetwork net_;
  std::vector<float> params_;
  std::vector<float> ema_;  // the moving average of params_ (empty: off)
  Adam adam_;
  int epochs_done_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
};

// A trained network file: its configuration (input shape and classes included) and parameters.
struct TrainedNetwork {
  TrainConfig config;
  std::vector<float> params;
};
TrainedNetwork read_trained_network(const std::filesystem::path& path);

}  // namespace scx::train
