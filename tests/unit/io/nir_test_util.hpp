#pragma once
// Shared by the NIR tests: paths of the sample files and small readers of the reference traces.
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "silicortex/io/nir_model.hpp"

namespace scx::io::testing {

inline std::string nir_data(const std::string& rel) {
  return std::string(SCX_SOURCE_DIR) + "/../shared/data/nir/" + rel;
}

// Column `col` (0-based) of a headerless CSV of numbers.
inline std::vector<double> csv_column(const std::string& path, size_t col) {
  std::ifstream in(path);
  std::vector<double> out;
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string cell;
    for (size_t k = 0; std::getline(ss, cell, ','); ++k)
      if (k == col) out.push_back(std::stod(cell));
  }
  return out;
}

// A node of an in-memory graph, and a one-value parameter.
inline nir::Node node(const std::string& name, const std::string& type,
                      std::map<std::string, nir::Tensor> params) {
  nir::Node n;
  n.name = name;
  n.type = type;
  n.params = std::move(params);
  return n;
}
inline nir::Tensor scalar(double x) {
  return nir::Tensor::vector({x});
}

// A deterministic pseudo-random raster: neuron i spikes at step s with probability about p.
inline nir::SpikeTrain raster(uint32_t neurons, int64_t steps, double p, uint32_t salt) {
  nir::SpikeTrain t;
  for (int64_t s = 0; s < steps; ++s)
    for (uint32_t i = 0; i < neurons; ++i) {
      const uint64_t h = (static_cast<uint64_t>(s) * 2654435761u + i * 40503u + salt * 97u) % 1000003u;
      if (static_cast<double>(h) / 1000003.0 < p) {
        t.steps.push_back(s);
        t.neurons.push_back(i);
      }
    }
  return t;
}

}  // namespace scx::io::testing
