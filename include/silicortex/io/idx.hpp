#pragma once
// IDX files (the MNIST / Fashion-MNIST format: big-endian header, unsigned bytes), plain or gzip-compressed.
// Bad files give an scx::Error naming the file and the field (magic, dims, data / count mismatch).
#include <cstdint>
#include <filesystem>
#include <vector>

namespace scx::io {

struct IdxArray {
  std::vector<uint32_t> dims;  // e.g. {60000, 28, 28} for images, {60000} for labels
  std::vector<uint8_t> data;   // row-major
  size_t items() const { return dims.empty() ? 0 : dims[0]; }
  size_t item_size() const;  // product of dims after the first
};

// Reads an unsigned-byte IDX file (type code 0x08); ".gz" or not is detected from the content.
IdxArray read_idx(const std::filesystem::path& path);

// Images (N x rows x cols) and labels (N); their counts must agree.
struct IdxDataset {
  IdxArray images, labels;
};
IdxDataset read_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels);

}  // namespace scx::io
