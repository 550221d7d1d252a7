// `bench cogmem`, `app cogmem` and the `cogmem` utilities: parse, call the cognitive-memory library, print.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "silicortex/cogmem/distance.hpp"
#include "silicortex/cogmem/engine.hpp"
#include "silicortex/cogmem/evaluation.hpp"
#include "silicortex/cogmem/knowledge_file.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/progress.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/core/system.hpp"
#include "silicortex/io/idx.hpp"
#include "silicortex/io/sklearn_data.hpp"

namespace scx::cli {
namespace {

using namespace scx::cogmem;

struct BenchOptions {
  size_t neurons = 60000, dim = 784, queries = 10000, k = 1;
  unsigned threads = 1;
  uint64_t seed = 1;
  std::string export_dir, simd;
};

void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw_error_at(path.string(), 0, 0, "", "cannot write");
  }
  out.commit();
}

void run_bench(const BenchOptions& o) {
  if (o.neurons == 0 || o.dim == 0 || o.queries == 0)
    throw_error_at("", 0, 0, "bench cogmem", "sizes must be positive");
  if (!o.simd.empty()) limit_simd_target(o.simd);
  // Uniform random prototypes with random categories, loaded as in save-and-restore mode (no learning).
  RandomStream rng(o.seed, stream_id(0xC06, 0));
  Engine engine(NetworkShape::software(static_cast<uint32_t>(o.dim)), o.threads);
  std::vector<uint8_t> protos(o.neurons * o.dim), queries(o.queries * o.dim), cats(o.neurons);
  for (auto& b : protos) b = static_cast<uint8_t>(rng.next_u32());
  for (auto& b : queries) b = static_cast<uint8_t>(rng.next_u32());
  for (auto& c : cats) c = static_cast<uint8_t>(1 + rng.below(10));
  engine.store().widen(static_cast<uint32_t>(o.dim));
  for (size_t i = 0; i < o.neurons; ++i)
    engine.store().append({&protos[i * o.dim], o.dim}, 1, Norm::kL1, cats[i], kDefaultMaxif, kDefaultMinif);
  engine.set_classifier(Classifier::kKnn);
  if (!o.export_dir.empty()) {
    const std::filesystem::path d(o.export_dir);
    write_bytes(d / "prototypes.u8", protos);
    write_bytes(d / "queries.u8", queries);
    write_bytes(d / "categories.u8", cats);
  }
  std::vector<Recognition> results(o.queries);
  const double cpu0 = process_cpu_s();
  const auto t0 = std::chrono::steady_clock::now();
  engine.recognize_batch(queries.data(), o.queries, o.dim, o.dim, o.k, results.data());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu_seconds = process_cpu_s() - cpu0;
  uint64_t checksum = 0;
  std::vector<uint8_t> nearest;  // 1-based ids, little-endian u32, for cross-checks
  for (const auto& r : results) {
    const uint32_t id = r.responses.empty() ? 0 : r.responses[0].neuron_id;
    checksum += id;
    for (int b = 0; b < 4; ++b) nearest.push_back(static_cast<uint8_t>(id >> (8 * b)));
  }
  if (!o.export_dir.empty()) write_bytes(std::filesystem::path(o.export_dir) / "nearest_ids.u32", nearest);
  const double comparisons = static_cast<double>(o.neurons) * static_cast<double>(o.queries);
  std::printf("simd_target=%s\n", simd_target_name());
  std::printf("neurons=%zu dim=%zu queries=%zu k=%zu threads=%u\n", o.neurons, o.dim, o.queries, o.k,
              engine.threads());
  std::printf("seconds=%.4f nearest_id_checksum=%llu\n", seconds, static_cast<unsigned long long>(checksum));
  // CPU time shows the per-core speed even when other processes share the cores (wall time then overstates).
  std::printf("cpu_seconds=%.4f comparisons_per_cpu_s=%.4g\n", cpu_seconds, comparisons / cpu_seconds);
  std::printf("comparisons_per_s_per_thread=%.4g\n", comparisons / seconds / engine.threads());
  std::printf("comparisons_per_s=%.4g\n", comparisons / seconds);
}

void register_bench(CommandGroups& groups) {
  auto opts = std::make_shared<BenchOptions>();
  auto* cmd = groups.bench->add_subcommand(
      "cogmem", "Cognitive-memory recognition speed: random byte prototypes, KNN over all of them");
  cmd->add_option("--neurons", opts->neurons, "Committed neurons (prototypes)")->capture_default_str();
  cmd->add_option("--dim", opts->dim, "Vector length in bytes")->capture_default_str();
  cmd->add_option("--queries", opts->queries, "Vectors to recognise")->capture_default_str();
  cmd->add_option("--threads", opts->threads, "Worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--k", opts->k, "Responses read per query (DIST/CAT/NID triples)")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Random seed")->capture_default_str();
  cmd->add_option(
         "--export", opts->export_dir,
         "Also write prototypes.u8, queries.u8, categories.u8 and nearest_ids.u32 (raw) to this directory")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--simd", opts->simd, "Use no instruction set better than this: avx3, avx2, sse4, scalar");
  cmd->callback([opts] { run_bench(*opts); });
}

struct AppOptions {
  std::string task = "fashion", mode = "knn", dataset, data_dir = "/usr/share/datasets/fashion-mnist", save;
  std::string novel = "8,9";
  size_t k = 1, train_limit = 0, test_limit = 0;
  int folds = 5;
  uint32_t minif = 0, maxif = 0;  // 0 = mode default
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
};

Classifier parse_mode(const std::string& m) {
  return m == "knn" ? Classifier::kKnn : Classifier::kRbf;
}

void shuffle(std::vector<size_t>& v, uint64_t stream) {
  RandomStream rng(1, stream_id(0x5F1E, stream));
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// KNN mode keeps every training vector as a prototype: a field of MINIF = MAXIF = 2 makes each one commit
// unless an identical vector of the same category is already there (the usual way to run a NeuroMem as KNN).
void configure(Engine& e, const AppOptions& o) {
  const bool knn = o.mode == "knn";
  e.set_minif(o.minif ? o.minif : kDefaultMinif);
  e.set_maxif(o.maxif ? o.maxif : knn ? kDefaultMinif : kDefaultMaxif);
}

ByteDataset from_idx(const io::IdxDataset& d, size_t limit) {
  ByteDataset b;
  b.dim = d.images.item_size();
  b.samples = limit ? std::min(limit, d.images.items()) : d.images.items();
  b.x.assign(d.images.data.begin(), d.images.data.begin() + static_cast<std::ptrdiff_t>(b.samples * b.dim));
  for (size_t i = 0; i < b.samples; ++i) b.y.push_back(static_cast<uint16_t>(d.labels.data[i] + 1));
  return b;
}

std::pair<ByteDataset, ByteDataset> load_fashion(const AppOptions& o) {
  const std::filesystem::path d(o.data_dir);
  if (!std::filesystem::exists(d / "train-images-idx3-ubyte.gz"))
    throw_error_at((d / "train-images-idx3-ubyte.gz").string(), 0, 0, "",
                   "Fashion-MNIST not found: install Debian's dataset-fashion-mnist or pass --data-dir");
  return {from_idx(io::read_idx_pair(d / "train-images-idx3-ubyte.gz", d / "train-labels-idx1-ubyte.gz"),
                   o.train_limit),
          from_idx(io::read_idx_pair(d / "t10k-images-idx3-ubyte.gz", d / "t10k-labels-idx1-ubyte.gz"),
                   o.test_limit)};
}

void print_report(const EvalReport& r) {
  std::printf("committed=%zu degenerated=%zu learn_seconds=%.2f test_seconds=%.2f\n", r.committed,
              r.degenerated, r.learn_seconds, r.test_seconds);
  std::printf("identified=%zu uncertain=%zu unknown=%zu\n", r.identified, r.uncertain, r.unknown);
  std::printf("recognised_accuracy=%.4f (correct among vectors not unknown)\n", r.recognised_accuracy());
  std::printf("accuracy=%.4f\n", r.accuracy());
}

EvalReport run_with_progress(Engine& e, const ByteDataset& train, const ByteDataset& test,
                             const AppOptions& o, const std::string& label) {
  ProgressBar bar(label, train.samples + test.samples);
  return train_and_test(e, train, test, parse_mode(o.mode), o.k,
                        [&](size_t done, size_t) { bar.update(done); });
}

void app_fashion(const AppOptions& o) {
  auto [train, test] = load_fashion(o);
  Engine e(NetworkShape::software(static_cast<uint32_t>(train.dim)), o.threads);
  configure(e, o);
  std::printf("task=fashion-mnist mode=%s k=%zu train=%zu test=%zu minif=%u maxif=%u threads=%u\n",
              o.mode.c_str(), o.k, train.samples, test.samples, e.minif(), e.maxif(), e.threads());
  const EvalReport r = run_with_progress(e, train, test, o, "fashion-mnist");
  if (!o.save.empty()) save_knowledge(e, o.save);
  print_report(r);
}

void app_sklearn(const AppOptions& o) {
  const std::vector<std::string> names = o.dataset.empty() || o.dataset == "all"
                                             ? io::sklearn_dataset_names()
                                             : std::vector<std::string>{o.dataset};
  for (const auto& name : names) {
    const io::TabularDataset t = io::load_sklearn_dataset(name);
    std::vector<uint16_t> labels;
    for (int y : t.y) labels.push_back(static_cast<uint16_t>(y + 1));
    const auto folds = stratified_folds(labels, o.folds);
    EvalReport total;
    for (int f = 0; f < o.folds; ++f) {
      std::vector<size_t> tr, te;
      for (size_t i = 0; i < t.samples; ++i) (folds[i] == f ? te : tr).push_back(i);
      shuffle(tr, static_cast<uint64_t>(f));  // the files are sorted by class; one RCE pass needs mixed order
      const ByteDataset all =
          scale_to_bytes(t.x, t.y, t.features, tr);  // scaling fitted on the training fold
      Engine e(NetworkShape::software(static_cast<uint32_t>(t.features)), 1);
      configure(e, o);
      const EvalReport r = train_and_test(e, all.subset(tr), all.subset(te), parse_mode(o.mode), o.k);
      total.committed += r.committed;
      total.degenerated += r.degenerated;
      total.tested += r.tested;
      total.correct += r.correct;
      total.unknown += r.unknown;
    }
    std::printf(
        "dataset=%s samples=%zu features=%zu folds=%d mode=%s k=%zu mean_committed=%.1f "
        "mean_degenerated=%.1f unknown=%zu\n",
        name.c_str(), t.samples, t.features, o.folds, o.mode.c_str(), o.k, double(total.committed) / o.folds,
        double(total.degenerated) / o.folds, total.unknown);
    std::printf("cv_accuracy=%.4f\n", total.accuracy());
  }
}

std::set<uint16_t> parse_classes(const std::string& text) {
  std::set<uint16_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      out.insert(static_cast<uint16_t>(std::stoul(item) + 1));
    } catch (const std::exception&) {
      throw_error_at("", 0, 0, "--novel", "'" + item + "' is not a class number");
    }
  }
  return out;
}

void app_novelty(const AppOptions& o) {
  ByteDataset train, test;
  const std::string name = o.dataset.empty() ? "fashion" : o.dataset;
  if (name == "fashion") {
    std::tie(train, test) = load_fashion(o);
  } else {
    const io::TabularDataset t = io::load_sklearn_dataset(name);
    std::vector<size_t> tr, te;
    std::vector<uint16_t> labels;
    for (int y : t.y) labels.push_back(static_cast<uint16_t>(y + 1));
    const auto folds = stratified_folds(labels, o.folds);
    for (size_t i = 0; i < t.samples; ++i) (folds[i] == 0 ? te : tr).push_back(i);
    const ByteDataset all = scale_to_bytes(t.x, t.y, t.features, tr);
    train = all.subset(tr);
    test = all.subset(te);
  }
  const auto novel = parse_classes(o.novel);
  std::vector<size_t> keep;
  for (size_t i = 0; i < train.samples; ++i)
    if (!novel.count(train.y[i])) keep.push_back(i);
  train = train.subset(keep);
  Engine e(NetworkShape::software(static_cast<uint32_t>(train.dim)), o.threads);
  AppOptions rbf = o;
  rbf.mode = "rbf";  // novelty needs fields: learn and recognise in RBF mode
  configure(e, rbf);
  ProgressBar bar("novelty", train.samples + test.samples);
  for (size_t i = 0; i < train.samples; ++i) {
    e.learn({train.row(i), train.dim}, train.y[i]);
    bar.update(i);
  }
  std::vector<double> scores;
  std::vector<bool> is_novel;
  size_t tp = 0, fp = 0, positives = 0;
  for (size_t i = 0; i < test.samples; ++i) {
    const double s = novelty_score(e, {test.row(i), test.dim});
    const bool nov = novel.count(test.y[i]) > 0;
    scores.push_back(s);
    is_novel.push_back(nov);
    positives += nov;
    const bool unknown = s >= 1.0;  // exactly the chip's "unknown" status in RBF mode
    tp += unknown && nov;
    fp += unknown && !nov;
    bar.update(train.samples + i);
  }
  bar.finish();
  const size_t negatives = test.samples - positives;
  std::printf(
      "task=novelty dataset=%s novel_classes=%s train=%zu test=%zu novel_in_test=%zu committed=%zu "
      "maxif=%u\n",
      name.c_str(), o.novel.c_str(), train.samples, test.samples, positives, e.committed(), e.maxif());
  std::printf("unknown_status: true_positive_rate=%.4f false_positive_rate=%.4f\n",
              positives ? double(tp) / double(positives) : 0.0,
              negatives ? double(fp) / double(negatives) : 0.0);
  std::printf("roc_auc=%.4f\n", roc_auc(scores, is_novel));
}

void register_app(CommandGroups& groups) {
  auto o = std::make_shared<AppOptions>();
  auto* cmd = groups.app->add_subcommand(
      "cogmem", "Cognitive memory on real data: Fashion-MNIST, scikit-learn's sets, novelty detection");
  cmd->add_option("--task", o->task, "fashion (train/test), sklearn (cross-validation), novelty (ROC AUC)")
      ->check(CLI::IsMember({"fashion", "sklearn", "novelty"}))
      ->capture_default_str();
  cmd->add_option("--mode", o->mode, "Recognition mode: knn or rbf (learning always runs RCE)")
      ->check(CLI::IsMember({"knn", "rbf"}))
      ->capture_default_str();
  cmd->add_option("--dataset", o->dataset,
                  "sklearn: iris, wine, breast-cancer, digits or all; novelty: fashion or one of those");
  cmd->add_option("--k", o->k, "Responses read and voted per query")->capture_default_str();
  cmd->add_option("--minif", o->minif, "MINIF (default 2)");
  cmd->add_option("--maxif", o->maxif, "MAXIF (default 2 in knn mode, 16384 in rbf mode)");
  cmd->add_option("--folds", o->folds, "Cross-validation folds")
      ->capture_default_str()
      ->check(CLI::Range(2, 100));
  cmd->add_option("--novel", o->novel, "Novelty task: classes (0-based) held out of training")
      ->capture_default_str();
  cmd->add_option("--train-limit", o->train_limit, "Use only the first N training vectors (0 = all)");
  cmd->add_option("--test-limit", o->test_limit, "Use only the first N test vectors (0 = all)");
  cmd->add_option("--data-dir", o->data_dir, "Fashion-MNIST directory")->capture_default_str();
  cmd->add_option("--threads", o->threads, "Worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--save", o->save, "Fashion task: save the learned knowledge to this file");
  cmd->callback([o] {
    if (o->task == "fashion")
      app_fashion(*o);
    else if (o->task == "sklearn")
      app_sklearn(*o);
    else
      app_novelty(*o);
  });
}

}  // namespace

void register_cogmem(CLI::App& root, CommandGroups& groups) {
  register_bench(groups);
  register_app(groups);
}

}  // namespace scx::cli
