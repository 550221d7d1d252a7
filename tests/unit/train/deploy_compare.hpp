#pragma once
// Shared by the deployment tests: random binary input, and every layer's spikes from the float trainer beside
// the chip's (tick t of layer l is the trainer's step t - l; locate() giving neuron < 0 marks a fan-out copy,
// whose spikes are its original's).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../cli/cli_runner.hpp"
#include "idx_writer.hpp"

#include "silicortex/core/rng.hpp"
#include "silicortex/hw/truenorth_chip.hpp"
#include "silicortex/train/config.hpp"
#include "silicortex/train/network.hpp"

namespace scx::test {

// conv (2 channels, 3x3) -> sum pool 2 (+ `pool` lines) -> flatten -> dense 6 -> `last` on 1x6x6 images of
// 3 classes, 7 steps; `head` adds lines to [encoding] and may open further tables before [neuron].
inline train::TrainConfig tiny_deploy_config(const std::string& head, const std::string& neuron,
                                             const std::string& pool, const std::string& last) {
  train::TrainConfig c = train::parse_train_config(R"(
[encoding]
steps = 7
)" + head + R"(
[neuron]
)" + neuron + R"(
[[layers]]
type = "conv"
out = 2
kernel = 3
padding = 1
[[layers]]
type = "sumpool"
size = 2
)" + pool + R"(
[[layers]]
type = "flatten"
[[layers]]
type = "dense"
out = 6
)" + last,
                                                   "tiny.toml");
  c.input = {1, 6, 6};
  c.classes = 3;
  return c;
}

inline std::vector<float> random_input(const train::TrainConfig& c, uint64_t seed) {
  std::vector<float> x(size_t(c.encoding.steps) * c.input.size());
  RandomStream rng(seed, 3);
  for (float& v : x) v = rng.uniform() < 0.4 ? 1.0f : 0.0f;
  return x;
}

// Spikes per (block with neurons, step, neuron) from the trainer and from the chip.
struct Spikes {
  std::vector<std::vector<uint8_t>> chip, trainer;
  std::vector<float> out;            // the trainer's output block, summed over the steps
  std::vector<int32_t> chip_scores;  // the deployment's run()
};

template <class Deployment>
Spikes compare(const train::TrainConfig& c, const std::vector<float>& p, Deployment& dep,
               const std::vector<float>& x) {
  const train::SnnNetwork net(c.layers, c.input, c.classes);
  train::Workspace ws;
  net.forward(p, x.data(), c.encoding.steps, 1, ws);
  Spikes s;
  for (size_t b = 0; b < net.blocks().size(); ++b)
    if (net.blocks()[b].spec.has_neuron) {
      s.trainer.emplace_back(ws.s[b].size());
      for (size_t i = 0; i < ws.s[b].size(); ++i) s.trainer.back()[i] = ws.s[b][i] > 0;
      s.chip.emplace_back(ws.s[b].size(), 0);
    }
  s.out.assign(size_t(c.classes), 0.0f);
  for (int t = 0; t < c.encoding.steps; ++t)
    for (int k = 0; k < c.classes; ++k) s.out[size_t(k)] += ws.s.back()[size_t(t * c.classes + k)];
  const uint64_t start = dep.chip().now();
  s.chip_scores = dep.run(x.data(), [&](uint64_t tick, const std::vector<hw::TnSpike>& spikes) {
    for (const auto& sp : spikes) {
      const auto [layer, neuron] = dep.locate(sp.core, sp.neuron);
      if (neuron < 0) continue;
      const int64_t step = int64_t(tick - start) - layer;
      const size_t n = s.chip[size_t(layer)].size() / size_t(c.encoding.steps);
      ASSERT_GE(step, 0);
      if (step >= c.encoding.steps) continue;  // early layers run on while the pipeline drains
      s.chip[size_t(layer)][size_t(step) * n + size_t(neuron)] = 1;
    }
  });
  return s;
}

// `silicortex app image` on 30 random 1x6x6 images of 3 classes written into dir: `options` + the data and
// `--limit 20`. It must succeed, write its SVG report (dir/report.svg) and print the same accuracy line with
// 2 threads and with 1. Returns the arguments and the 2-thread output.
inline std::pair<std::string, CliResult> run_tiny_image_app(const std::filesystem::path& dir,
                                                            const std::string& options) {
  RandomStream rng(1, 0);
  std::vector<uint8_t> img(30 * 36), lab(30);
  for (auto& v : img) v = uint8_t(rng.below(256));
  for (auto& v : lab) v = uint8_t(rng.below(3));
  write_idx(dir / "img", {30, 6, 6}, img);
  write_idx(dir / "lab", {30}, lab);
  const auto svg = dir / "report.svg";
  const std::string args = "app image -q " + options + " --images " + (dir / "img").string() + " --labels " +
                           (dir / "lab").string() + " --svg " + svg.string() + " --limit 20";
  const CliResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("images:                 20"), std::string::npos) << r.output;
  std::ifstream in(svg);
  std::string head;
  std::getline(in, head);
  EXPECT_NE(head.find("<?xml"), std::string::npos) << "no SVG report";
  const CliResult one = run_cli(args + " --threads 1");
  EXPECT_EQ(one.exit_code, 0) << one.output;
  const auto line = [](const std::string& out) {
    const size_t at = out.find("accuracy on the chip");
    return at == std::string::npos ? std::string() : out.substr(at, 90);
  };
  EXPECT_FALSE(line(r.output).empty()) << r.output;
  EXPECT_EQ(line(one.output), line(r.output)) << "the thread count changed the result";
  return {args, r};
}

}  // namespace scx::test
