#pragma once
// Shared by the deployment tests: random binary input, and every layer's spikes from the float trainer beside
// the chip's (tick t of layer l is the trainer's step t - l; locate() giving neuron < 0 marks a fan-out copy,
// whose spikes are its original's).
#include <gtest/gtest.h>

#include <vector>

#include "silicortex/core/rng.hpp"
#include "silicortex/hw/truenorth_chip.hpp"
#include "silicortex/train/network.hpp"

namespace scx::test {

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

}  // namespace scx::test
