#pragma once
// Whole-file reads through zlib, which passes plain files through unchanged, so ".gz" and uncompressed data
// read the same way.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace scx::io {

// Throws scx::Error naming the file when it cannot be opened or is a damaged gzip stream.
std::vector<uint8_t> read_maybe_gzipped(const std::filesystem::path& path);

}  // namespace scx::io
