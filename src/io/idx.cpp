#include "silicortex/io/idx.hpp"

#include <string>

#include <fmt/format.h>

#include "io/gz_file.hpp"
#include "silicortex/core/error.hpp"

namespace scx::io {

size_t IdxArray::item_size() const {
  size_t n = 1;
  for (size_t i = 1; i < dims.size(); ++i) n *= dims[i];
  return n;
}

IdxArray read_idx(const std::filesystem::path& path) {
  const auto bytes = read_maybe_gzipped(path);
  auto fail = [&](const std::string& field, const std::string& msg) {
    throw_error_at(path.string(), 0, 0, field, msg);
  };
  if (bytes.size() < 4) fail("magic", "file is too short for an IDX header");
  if (bytes[0] != 0 || bytes[1] != 0) fail("magic", "not an IDX file (the first two bytes must be zero)");
  if (bytes[2] != 0x08)
    fail("magic", fmt::format("element type {:#04x} is not unsigned byte (0x08)", bytes[2]));
  const size_t ndims = bytes[3];
  if (ndims == 0 || ndims > 4) fail("dims", std::to_string(ndims) + " dimensions (expected 1 to 4)");
  if (bytes.size() < 4 + 4 * ndims) fail("dims", "header is truncated");
  IdxArray a;
  size_t total = 1;
  for (size_t i = 0; i < ndims; ++i) {
    const uint8_t* p = &bytes[4 + 4 * i];
    const uint32_t d = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    if (d == 0) fail("dims", "dimension " + std::to_string(i) + " is zero");
    a.dims.push_back(d);
    total *= d;
    if (total > (size_t{1} << 40)) fail("dims", "the array is implausibly large");
  }
  const size_t have = bytes.size() - (4 + 4 * ndims);
  if (have != total)
    fail("count", "header announces " + std::to_string(total) + " bytes of data but the file holds " +
                      std::to_string(have) + (have < total ? " (truncated)" : " (trailing bytes)"));
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(4 + 4 * ndims), bytes.end());
  return a;
}

IdxDataset read_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels) {
  IdxDataset d{read_idx(images), read_idx(labels)};
  if (d.labels.dims.size() != 1)
    throw_error_at(labels.string(), 0, 0, "dims", "labels must be one-dimensional");
  if (d.images.items() != d.labels.items())
    throw_error_at(labels.string(), 0, 0, "count",
                   std::to_string(d.labels.items()) + " labels for " + std::to_string(d.images.items()) +
                       " images in " + images.string());
  return d;
}

}  // namespace scx::io
