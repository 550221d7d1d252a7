#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/progress.hpp"
#include "silicortex/io/nir_graph.hpp"
#include "silicortex/train/config.hpp"
#include "silicortex/train/nir_export.hpp"
#include "silicortex/train/trainer.hpp"

namespace scx::cli {
namespace {

struct TrainArgs {
  std::string config, checkpoint, output, nir;
  int epochs = 0, threads = 0;
  bool resume = false, quiet = false;
};

// The trained network as NIR too. A network NIR cannot express does not fail the finished training: the
// reason is printed instead.
void write_nir_copy(const train::Trainer& trainer, const std::filesystem::path& path) {
  std::vector<std::string> warnings;
  try {
    const io::nir::Document doc =
        train::trained_to_nir(trainer.config(), trainer.effective_params(), warnings);
    io::nir::write_nir(path, doc);
  } catch (const Error& e) {
    std::printf("NIR: not written: %s\n", e.what());
    return;
  }
  for (const std::string& w : warnings) std::printf("NIR: warning: %s\n", w.c_str());
  std::printf("wrote %s (NIR, dt = %g s per step)\n", path.c_str(), train::kNirExportDt);
}

void run_train(const TrainArgs& a) {
  train::TrainConfig cfg = train::read_train_config(a.config);
  if (a.epochs > 0) cfg.train.epochs = a.epochs;
  if (a.threads > 0) cfg.train.threads = a.threads;
  if (cfg.data.train_images.empty() || cfg.data.train_labels.empty())
    throw Error(fmt::format("{}: data.train_images, data.train_labels: both are required", a.config));
  train::Dataset data =
      train::load_dataset(cfg.data.train_images, cfg.data.train_labels, cfg.data.train_limit);
  if (cfg.data.validation >= data.count)
    throw Error(fmt::format("{}: data.validation: {} held-out items leave none of the {} training items",
                            a.config, cfg.data.validation, data.count));
  const train::Dataset validation = train::split_off(data, cfg.data.validation);
  std::unique_ptr<train::Dataset> test;
  if (!cfg.data.test_images.empty())
    test = std::make_unique<train::Dataset>(
        train::load_dataset(cfg.data.test_images, cfg.data.test_labels, cfg.data.test_limit));
  cfg.input = data.shape;
  cfg.classes = std::max(data.classes, test ? test->classes : 0);
  const std::string stem = std::filesystem::path(a.config).stem().string();
  const std::filesystem::path ckpt = a.checkpoint.empty() ? stem + ".ckpt" : a.checkpoint;
  const std::filesystem::path out = a.output.empty() ? stem + ".scxnet" : a.output;

  train::Trainer trainer(cfg);
  if (a.resume) {
    if (!std::filesystem::exists(ckpt))
      throw Error(fmt::format("--resume: no checkpoint at {}", ckpt.string()));
    trainer.load_checkpoint(ckpt);
    std::printf("resumed from %s after epoch %d\n", ckpt.c_str(), trainer.epochs_done());
  }
  std::printf(
      "network: %zu parameters, %d steps per sample, %zu training samples%s\n",
      trainer.network().param_count(), cfg.encoding.steps, data.count,
      validation.count ? fmt::format(" ({} more held out for validation)", validation.count).c_str() : "");
  double test_acc = -1;
  while (trainer.epochs_done() < cfg.train.epochs) {
    const int epoch = trainer.epochs_done() + 1;
    ProgressBar bar(fmt::format("epoch {}/{}", epoch, cfg.train.epochs), data.count, !a.quiet);
    const train::BatchStats s = trainer.train_epoch(data, [&](size_t done, const train::BatchStats& st) {
      bar.update(done, fmt::format("loss {:.3f} acc {:.1f}%", st.loss(), 100 * st.accuracy()));
    });
    bar.finish();
    std::string line = fmt::format("epoch {}/{}: loss {:.4f}, train accuracy {:.2f}%", epoch,
                                   cfg.train.epochs, s.loss(), 100 * s.accuracy());
    if (validation.count > 0)
      line += fmt::format(", validation accuracy {:.2f}%", 100 * trainer.evaluate(validation).accuracy());
    if (test) {
      test_acc = trainer.evaluate(*test).accuracy();
      line += fmt::format(", test accuracy {:.2f}%", 100 * test_acc);
    }
    if (cfg.quant.kind != train::QuantKind::None) {
      train::QuantReport q;
      trainer.effective_params(&q);
      line += fmt::format(", weight quantisation error max {:.3g} rms {:.3g}", q.max_abs_error, q.rms_error);
    }
    trainer.save_checkpoint(ckpt);
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
  if (test && test_acc < 0) test_acc = trainer.evaluate(*test).accuracy();
  trainer.save_network(out, test_acc);
  std::printf("wrote %s (checkpoint %s)\n", out.c_str(), ckpt.c_str());
  write_nir_copy(trainer, a.nir.empty() ? std::filesystem::path(out).replace_extension(".nir")
                                        : std::filesystem::path(a.nir));
}

}  // namespace

void train_network(const std::string& config, const std::string& output, bool quiet) {
  TrainArgs a;
  a.config = config;
  a.output = output;
  a.checkpoint = output + ".ckpt";
  a.quiet = quiet;
  run_train(a);
}

void register_train(CLI::App& root) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = root.add_subcommand("train", "Train a spiking network with surrogate gradients (BPTT)");
  cmd->footer(
      "The configuration format is described in docs/training.md. A checkpoint is written atomically after "
      "every\n"
      "epoch; --resume continues from it bit-exactly. Example: silicortex train "
      "configs/train/fmnist_dense.toml");
  cmd->add_option("config", args->config, "Training configuration (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--checkpoint", args->checkpoint, "Checkpoint file (default: <config name>.ckpt)");
  cmd->add_option("-o,--output", args->output, "Trained network file (default: <config name>.scxnet)");
  cmd->add_option("--nir", args->nir, "The trained network as NIR too (default: the output with .nir)");
  cmd->add_option("--epochs", args->epochs, "Override training.epochs");
  cmd->add_option("--threads", args->threads, "Override training.threads (the result does not depend on it)");
  cmd->add_flag("--resume", args->resume, "Continue from the checkpoint");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([args] { run_train(*args); });
}

}  // namespace scx::cli
