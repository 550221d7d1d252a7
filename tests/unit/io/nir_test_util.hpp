#pragma once
// Shared by the NIR tests: paths of the sample files and small readers of the reference traces.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

}  // namespace scx::io::testing
