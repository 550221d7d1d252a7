#pragma once
// Writes a small uncompressed IDX file (unsigned bytes) for tests that feed datasets to the CLI.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace scx::test {

inline void write_idx(const std::filesystem::path& p, const std::vector<uint32_t>& dims,
                      const std::vector<uint8_t>& data) {
  std::string bytes = {0, 0, 8, char(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) bytes += char((d >> s) & 0xFF);
  bytes.append(data.begin(), data.end());
  std::ofstream(p, std::ios::binary) << bytes;
}

}  // namespace scx::test
