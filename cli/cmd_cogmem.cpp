// `bench cogmem`, `app cogmem` and the `cogmem` utilities: parse, call the cognitive-memory library, print.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "silicortex/cogmem/distance.hpp"
#include "silicortex/cogmem/engine.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"

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

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void run_bench(const BenchOptions& o) {
  if (o.neurons == 0 || o.dim == 0 || o.queries == 0) throw_error_at("", 0, 0, "bench cogmem", "sizes must be positive");
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
  const double cpu0 = process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  engine.recognize_batch(queries.data(), o.queries, o.dim, o.dim, o.k, results.data());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu_seconds = process_cpu_seconds() - cpu0;
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
  cmd->add_option("--threads", opts->threads, "Worker threads")->capture_default_str()->check(CLI::Range(1u, 1024u));
  cmd->add_option("--k", opts->k, "Responses read per query (DIST/CAT/NID triples)")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Random seed")->capture_default_str();
  cmd->add_option("--export", opts->export_dir,
                  "Also write prototypes.u8, queries.u8, categories.u8 and nearest_ids.u32 (raw) to this directory")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--simd", opts->simd, "Use no instruction set better than this: avx3, avx2, sse4, scalar");
  cmd->callback([opts] { run_bench(*opts); });
}

}  // namespace

void register_cogmem(CLI::App& root, CommandGroups& groups) {
  register_bench(groups);
}

}  // namespace scx::cli
