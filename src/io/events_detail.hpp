#pragma once
// Bounds-checked reading of untrusted event files, shared by the format readers (events.cpp,
// events_aedat4.cpp).
#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "silicortex/core/error.hpp"
#include "silicortex/io/events.hpp"

namespace scx::io::detail {

// A byte range of a file (or of a decompressed packet) that says where it came from in its errors.
class ByteView {
 public:
  // `base`: the offset of data[0] in what errors count bytes of (the file, or a decompressed packet).
  ByteView(const uint8_t* data, size_t size, const std::filesystem::path& file, std::string where = "",
           size_t base = 0)
      : data_(data), size_(size), file_(file), where_(std::move(where)), base_(base) {}

  // Bytes [at, at + n) as a view of their own; errors keep counting from the same origin.
  ByteView sub(size_t at, size_t n, const char* what) const {
    need(at, n, what);
    return ByteView(data_ + at, n, file_, where_, base_ + at);
  }

  size_t size() const { return size_; }
  const std::filesystem::path& file() const { return file_; }
  const uint8_t* data() const { return data_; }

  [[noreturn]] void fail(size_t at, const std::string& what) const {
    throw Error(fmt::format("{}: {}byte {}: {}", file_.string(), where_, base_ + at, what));
  }
  void need(size_t at, size_t n, const char* what) const {
    if (at > size_ || n > size_ - at) fail(at, fmt::format("{} runs past the end ({} bytes)", what, size_));
  }
  template <class T>
  T le(size_t at, const char* what) const {  // little-endian
    need(at, sizeof(T), what);
    T v;
    std::memcpy(&v, data_ + at, sizeof(T));
    return v;
  }
  uint32_t be32(size_t at, const char* what) const {  // big-endian
    need(at, 4, what);
    return uint32_t(data_[at]) << 24 | uint32_t(data_[at + 1]) << 16 | uint32_t(data_[at + 2]) << 8 |
           data_[at + 3];
  }

 private:
  const uint8_t* data_;
  size_t size_;
  const std::filesystem::path& file_;
  std::string where_;  // e.g. "packet 3: ", or empty for the file itself
  size_t base_;
};

// AEDAT 4.0, after its "#!AER-DAT4.0\r\n" line.
void read_aedat4(const ByteView& file, size_t at, EventRecording& rec);

}  // namespace scx::io::detail
