#include "silicortex/train/trainer.hpp"

#include <algorithm>
#include <numeric>
#include <thread>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/io/idx.hpp"
#include "silicortex/train/config.hpp"
#include "silicortex/train/encoding.hpp"
#include "silicortex/train/loss.hpp"
#include "silicortex/train/train_file.hpp"
#include "train/ops.hpp"

namespace scx::train {

namespace {
constexpr uint64_t kShuffleStream = 0x5348;
}

struct Trainer::Worker {
  Workspace ws;
  std::vector<float> x, g_s, g_v;
  std::vector<size_t> ids;
  std::vector<uint8_t> labels;
};

void Trainer::forward_chunk(const Dataset& d, uint32_t epoch_key, const std::vector<float>& p,
                            Worker& w) const {
  const int steps = cfg_.encoding.steps, pixels = d.shape.size(), n = int(w.ids.size());
  w.x.resize(size_t(steps) * n * pixels);
  encode(cfg_.encoding, cfg_.train.seed, epoch_key, d.images.data(), pixels, w.ids.data(), n, w.x.data());
  if ((cfg_.train.shift > 0 || cfg_.train.flip) && epoch_key != kEvalEpochKey)
    augment_inputs(cfg_.train.shift, cfg_.train.flip, cfg_.train.seed, epoch_key, d.shape, w.ids.data(), n,
                   steps, w.x.data());
  const DropoutDraw dropout{cfg_.train.seed, epoch_key, w.ids.data()};
  net_.forward(p, w.x.data(), steps, n, w.ws, nullptr, epoch_key != kEvalEpochKey ? &dropout : nullptr);
  w.labels.resize(n);
  for (int i = 0; i < n; ++i) w.labels[i] = d.labels[w.ids[i]];
}

Dataset load_dataset(const std::string& images, const std::string& labels, size_t limit) {
  io::IdxDataset raw = io::read_idx_pair(images, labels);
  Dataset d;
  const auto& dims = raw.images.dims;
  if (dims.size() == 4)
    d.shape = {int(dims[1]), int(dims[2]), int(dims[3])};
  else if (dims.size() == 3)
    d.shape = {1, int(dims[1]), int(dims[2])};
  else if (dims.size() == 2)
    d.shape = {int(dims[1]), 1, 1};
  else
    throw_error_at(images, 0, 0, "dims",
                   "images must be N x features, N x rows x cols or N x channels x rows x cols");
  if (raw.labels.dims.size() != 1) throw_error_at(labels, 0, 0, "dims", "labels must be one-dimensional");
  d.count = limit ? std::min<size_t>(limit, raw.images.items()) : raw.images.items();
  d.images.assign(raw.images.data.begin(), raw.images.data.begin() + d.count * d.shape.size());
  d.labels.assign(raw.labels.data.begin(), raw.labels.data.begin() + d.count);
  for (uint8_t y : d.labels) d.classes = std::max(d.classes, int(y) + 1);
  return d;
}

Dataset split_off(Dataset& d, size_t n) {
  SCX_ASSERT(n < d.count);
  Dataset v;
  v.shape = d.shape;
  v.classes = d.classes;
  v.count = n;
  const size_t keep = d.count - n, pixels = size_t(d.shape.size());
  v.images.assign(d.images.begin() + ptrdiff_t(keep * pixels), d.images.end());
  v.labels.assign(d.labels.begin() + ptrdiff_t(keep), d.labels.end());
  d.images.resize(keep * pixels);
  d.labels.resize(keep);
  d.count = keep;
  return v;
}

Trainer::Trainer(TrainConfig cfg)
    : cfg_(std::move(cfg)),
      net_(cfg_.layers, cfg_.input, cfg_.classes),
      params_(net_.init_params(cfg_.train.seed, cfg_.init_gain)),
      adam_(cfg_.adam, net_.param_count()) {
  if (cfg_.train.ema_decay > 0) ema_ = params_;
  ops::prepare_gemm();  // before any worker thread: parallelism is over chunks, one BLAS thread per call
  if ((cfg_.train.shift > 0 || cfg_.train.flip) && cfg_.input.flat())
    throw Error(fmt::format("{}: training.{}: the input ({} values) is not an image to move", cfg_.source,
                            cfg_.train.shift > 0 ? "shift" : "flip", cfg_.input.size()));
}

Trainer::~Trainer() = default;

std::vector<float> Trainer::effective_params(QuantReport* report) const {
  return quantize_params(net_, cfg_.quant, ema_.empty() ? params_ : ema_, report);
}

void Trainer::run_chunks(size_t chunks, const std::function<void(size_t, Worker&)>& fn) {
  const size_t threads = std::min<size_t>(std::max(1, cfg_.train.threads), chunks);
  while (workers_.size() < threads) workers_.push_back(std::make_unique<Worker>());
  if (threads <= 1) {
    for (size_t c = 0; c < chunks; ++c) fn(c, *workers_[0]);
    return;
  }
  std::vector<std::thread> pool;
  for (size_t w = 0; w < threads; ++w)
    pool.emplace_back([&, w] {
      for (size_t c = w; c < chunks; c += threads) fn(c, *workers_[w]);
    });
  for (auto& t : pool) t.join();
}

std::vector<float> Trainer::gradient(const Dataset& d, const std::vector<size_t>& ids, uint32_t epoch_key,
                                     BatchStats* stats) {
  const std::vector<float> p = quantize_params(net_, cfg_.quant, params_);
  const size_t chunks = (ids.size() + kChunk - 1) / kChunk;
  std::vector<std::vector<float>> grads(chunks);
  std::vector<BatchStats> chunk_stats(chunks);
  const float weight = 1.0f / float(ids.size());
  run_chunks(chunks, [&](size_t c, Worker& w) {
    const size_t begin = c * kChunk, n = std::min<size_t>(kChunk, ids.size() - begin);
    w.ids.assign(ids.begin() + begin, ids.begin() + begin + n);
    forward_chunk(d, epoch_key, p, w);
    const LossResult r = output_loss(cfg_.loss, w.ws, cfg_.classes, w.labels.data(), weight, w.g_s, w.g_v);
    chunk_stats[c] = {r.loss, size_t(r.correct), n};
    grads[c].assign(net_.param_count(), 0.0f);
    net_.backward(p, w.x.data(), w.g_s.data(), w.g_v.data(), w.ws, grads[c]);
  });
  std::vector<float> g(net_.param_count(), 0.0f);
  BatchStats total;
  for (size_t c = 0; c < chunks; ++c) {
    for (size_t i = 0; i < g.size(); ++i) g[i] += grads[c][i];
    total.add(chunk_stats[c]);
  }
  if (stats) *stats = total;
  return g;
}

BatchStats Trainer::train_batch(const Dataset& d, const std::vector<size_t>& ids, uint32_t epoch_key) {
  BatchStats s;
  const std::vector<float> g = gradient(d, ids, epoch_key, &s);
  adam_.step(params_, g);
  if (!ema_.empty()) {
    // The usual warm-up (TensorFlow's ExponentialMovingAverage): early steps average over fewer of them.
    const double t = double(adam_.steps());
    const float decay = float(std::min(double(cfg_.train.ema_decay), (1 + t) / (10 + t)));
    for (size_t i = 0; i < ema_.size(); ++i) ema_[i] = decay * ema_[i] + (1 - decay) * params_[i];
  }
  return s;
}

BatchStats Trainer::train_epoch(const Dataset& d,
                                const std::function<void(size_t, const BatchStats&)>& progress) {
  std::vector<size_t> order(d.count);
  std::iota(order.begin(), order.end(), size_t{0});
  RandomStream rng(cfg_.train.seed, stream_id(kShuffleStream, uint64_t(epochs_done_)));
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  BatchStats total;
  adam_.set_epoch(epochs_done_);
  const size_t bs = size_t(cfg_.train.batch_size);
  for (size_t begin = 0; begin < order.size(); begin += bs) {
    const std::vector<size_t> ids(order.begin() + begin, order.begin() + std::min(order.size(), begin + bs));
    const BatchStats s = train_batch(d, ids, uint32_t(epochs_done_));
    total.add(s);
    if (progress) progress(total.samples, total);
  }
  ++epochs_done_;
  return total;
}

BatchStats Trainer::evaluate(const Dataset& d) {
  const std::vector<float> p = effective_params();
  const size_t chunks = (d.count + kChunk - 1) / kChunk;
  std::vector<BatchStats> chunk_stats(chunks);
  run_chunks(chunks, [&](size_t c, Worker& w) {
    const size_t begin = c * kChunk, n = std::min<size_t>(kChunk, d.count - begin);
    w.ids.resize(n);
    std::iota(w.ids.begin(), w.ids.end(), begin);
    forward_chunk(d, kEvalEpochKey, p, w);
    const LossResult r = output_loss(cfg_.loss, w.ws, cfg_.classes, w.labels.data(), 1.0f, w.g_s, w.g_v);
    chunk_stats[c] = {r.loss, size_t(r.correct), n};
  });
  BatchStats total;
  for (const BatchStats& s : chunk_stats) total.add(s);
  return total;
}

void Trainer::save_checkpoint(const std::filesystem::path& path) const {
  TrainFile f;
  f.kind = "checkpoint";
  toml::table meta{{"epochs_done", epochs_done_},
                   {"adam_steps", int64_t(adam_.steps())},
                   {"fingerprint", resume_fingerprint(cfg_)}};
  f.meta = (std::ostringstream() << meta).str();
  f.config = cfg_.text;
  f.arrays = {{"params", params_}, {"adam_m", adam_.m()}, {"adam_v", adam_.v()}};
  if (!ema_.empty()) f.arrays.emplace_back("ema", ema_);
  write_train_file(path, f);
}

void Trainer::load_checkpoint(const std::filesystem::path& path) {
  const TrainFile f = read_train_file(path, "checkpoint");
  const toml::table meta = toml::parse(f.meta);
  if (meta["fingerprint"].value_or(std::string()) != resume_fingerprint(cfg_))
    throw_error_at(
        path.string(), 0, 0, "config",
        "the checkpoint was made with a different configuration (network, data, encoding, loss, "
        "optimizer, quantization, batch size or seed); only epochs and threads may change on --resume");
  const std::vector<float>& p = f.array("params", path);
  if (p.size() != params_.size()) throw_error_at(path.string(), 0, 0, "params", "wrong parameter count");
  params_ = p;
  if (!ema_.empty()) ema_ = f.array("ema", path);
  adam_.restore(uint64_t(meta["adam_steps"].value_or(int64_t{0})), f.array("adam_m", path),
                f.array("adam_v", path));
  epochs_done_ = int(meta["epochs_done"].value_or(int64_t{0}));
}

void Trainer::save_network(const std::filesystem::path& path, double test_accuracy) const {
  TrainFile f;
  f.kind = "network";
  QuantReport q;
  std::vector<float> p = effective_params(&q);
  toml::table meta{{"epochs", epochs_done_},
                   {"test_accuracy", test_accuracy},
                   {"input", toml::array{cfg_.input.c, cfg_.input.h, cfg_.input.w}},
                   {"classes", cfg_.classes},
                   {"quant_max_abs_error", q.max_abs_error}};
  f.meta = (std::ostringstream() << meta).str();
  f.config = cfg_.text;
  f.arrays = {{"params", std::move(p)}};
  write_train_file(path, f);
}

TrainedNetwork read_trained_network(const std::filesystem::path& path) {
  const TrainFile f = read_train_file(path, "network");
  TrainedNetwork t{parse_train_config(f.config, path.string() + " (stored config)"), f.array("params", path)};
  const toml::table meta = toml::parse(f.meta);
  const auto* in = meta["input"].as_array();
  if (!in || in->size() != 3) throw_error_at(path.string(), 0, 0, "input", "missing input shape");
  t.config.input = {int((*in)[0].value_or(0)), int((*in)[1].value_or(0)), int((*in)[2].value_or(0))};
  t.config.classes = int(meta["classes"].value_or(int64_t{0}));
  const SnnNetwork net(t.config.layers, t.config.input, t.config.classes);
  if (net.param_count() != t.params.size())
    throw_error_at(path.string(), 0, 0, "params", "wrong parameter count");
  return t;
}

}  // namespace scx::train
