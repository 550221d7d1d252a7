#pragma once
// HDF5 1.10 does not defend against every damaged file: a corrupted global heap makes H5Dread copy past its
// buffers and crash the process, and a corrupted object header can make it allocate gigabytes (both found by
// tests/unit/io/test_nir_errors.cpp). Untrusted files are therefore read in a forked child with a memory
// limit, which sends its result back through a pipe; a child that crashes, runs out of memory or hangs
// becomes an scx::Error naming the file, and this process never opens the file itself.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace scx::io {

// Runs `read` in a child process and returns the bytes it produced. An scx::Error thrown by `read` is
// rethrown here with the same message.
std::string read_in_child(const std::filesystem::path& file, const std::function<std::string()>& read);

// Minimal binary encoding for what crosses the pipe.
class ByteWriter {
 public:
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(const std::string& s) {
    u64(s.size());
    raw(s.data(), s.size());
  }
  void f64s(const std::vector<double>& v) {
    u64(v.size());
    raw(v.data(), v.size() * sizeof(double));
  }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(const std::string& in) : in_(in) {}
  uint64_t u64() { return pod<uint64_t>(); }
  double f64() { return pod<double>(); }
  std::string str() {
    const uint64_t n = u64();
    need(n);
    std::string s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::vector<double> f64s() {
    const uint64_t n = u64();
    need(n * sizeof(double));
    std::vector<double> v(n);
    if (n) std::memcpy(v.data(), in_.data() + pos_, n * sizeof(double));
    pos_ += n * sizeof(double);
    return v;
  }

 private:
  template <class T>
  T pod() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  void need(uint64_t n) const;
  const std::string& in_;
  size_t pos_ = 0;
};

}  // namespace scx::io
