#pragma once
// Thin typed access to HDF5 files for scx_io (run recordings now, NIR graphs later). Every failure becomes an
// scx::Error "<file>: <object>: <what>"; HDF5's own error-stack printing is silenced while a file is in use.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "io/h5_handle.hpp"

namespace scx::io {

// An open group together with its absolute path, so that errors can name the object.
struct H5Group {
  H5Handle handle;
  std::string path;  // "/", "/spikes/exc", ...
  std::string child(const std::string& name) const { return path == "/" ? "/" + name : path + "/" + name; }
};

// HDF5 memory and on-disk (little-endian, fixed width) types of the numbers we store.
template <class T>
struct H5Types;
template <>
struct H5Types<double> {
  static hid_t mem() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
};
template <>
struct H5Types<float> {
  static hid_t mem() { return H5T_NATIVE_FLOAT; }
  static hid_t file() { return H5T_IEEE_F32LE; }
};
template <>
struct H5Types<uint8_t> {
  static hid_t mem() { return H5T_NATIVE_UINT8; }
  static hid_t file() { return H5T_STD_U8LE; }
};
template <>
struct H5Types<uint32_t> {
  static hid_t mem() { return H5T_NATIVE_UINT32; }
  static hid_t file() { return H5T_STD_U32LE; }
};
template <>
struct H5Types<uint64_t> {
  static hid_t mem() { return H5T_NATIVE_UINT64; }
  static hid_t file() { return H5T_STD_U64LE; }
};

// Numbers stored as scalar attributes (bool is stored as uint8 0/1).
template <class T>
concept H5Number = std::is_arithmetic_v<T>;

// What reading and writing share: the open file, its name for errors, and silenced HDF5 error printing.
class H5File {
 public:
  H5Group root() const;
  [[noreturn]] void fail(const std::string& object, const std::string& what) const;

 protected:
  explicit H5File(std::string file_label) : label_(std::move(file_label)) {}
  H5ErrorSilencer silencer_;  // first member: active before the file opens, restored after it closes
  std::string label_;
  H5Handle file_;
};

class H5Writer : public H5File {
 public:
  // Creates (truncates) the file at `write_to`; `file_label` is the name errors use (the final path when
  // writing to a temporary one).
  H5Writer(const std::filesystem::path& write_to, std::string file_label);
  H5Group group(const H5Group& parent, const std::string& name) const;

  void attr(const H5Group& obj, const std::string& name, const std::string& value) const;
  void attr(const H5Group& obj, const std::string& name, const std::vector<std::string>& values) const;
  template <H5Number T>
  void attr(const H5Group& obj, const std::string& name, T value) const {
    using Stored = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;
    const Stored v = static_cast<Stored>(value);
    write_attr(obj, name, H5Types<Stored>::mem(), H5Types<Stored>::file(), &v);
  }

  // A 1-D or 2-D (row-major) numeric dataset; large ones are chunked and compressed.
  template <class T>
  void dataset(const H5Group& parent, const std::string& name, std::span<const T> data,
               std::vector<hsize_t> dims) const {
    write_dataset(parent, name, H5Types<T>::mem(), H5Types<T>::file(), data.data(), data.size(), dims);
  }
  void string_dataset(const H5Group& parent, const std::string& name, const std::string& text) const;
  // Any rank (0 = scalar), as NIR files store them: `compress` gzips the whole array as one chunk.
  void nd_dataset(const H5Group& parent, const std::string& name, const void* data, hid_t mem, hid_t file,
                  const std::vector<hsize_t>& dims, bool compress) const;
  void strings_dataset(const H5Group& parent, const std::string& name, const std::vector<std::string>& values,
                       const std::vector<hsize_t>& dims) const;

  void close();  // flushes everything to disk; throws when that fails

 private:
  void write_attr(const H5Group& obj, const std::string& name, hid_t mem, hid_t file, const void* v) const;
  void write_dataset(const H5Group& parent, const std::string& name, hid_t mem, hid_t file, const void* data,
                     size_t count, const std::vector<hsize_t>& dims) const;
  void create_and_write(const H5Group& parent, const std::string& name, hid_t mem, hid_t file,
                        const H5Handle& space, const H5Handle& dcpl, const void* data, bool any) const;
};

class H5Reader : public H5File {
 public:
  // Opens read-only; a missing, non-HDF5, truncated or damaged file throws an scx::Error naming it.
  explicit H5Reader(const std::filesystem::path& path);
  bool has(const H5Group& parent, const std::string& name) const;
  H5Group group(const H5Group& parent, const std::string& name) const;  // throws when missing

  std::string attr_string(const H5Group& obj, const std::string& name) const;
  // Checks the root's `format` attribute (else fails with "not a <what>") and that its `format_version` is
  // at most `newest`; returns the version.
  uint32_t check_format(const std::string& format, uint32_t newest, const std::string& what) const;
  std::vector<std::string> attr_strings(const H5Group& obj, const std::string& name) const;
  template <H5Number T>
  T attr(const H5Group& obj, const std::string& name) const {
    using Stored = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;
    Stored v{};
    read_attr(obj, name, H5Types<Stored>::mem(), &v);
    return static_cast<T>(v);
  }

  // Reads a numeric dataset of the given rank; its shape is returned in `dims`.
  template <class T>
  std::vector<T> dataset(const H5Group& parent, const std::string& name, int rank,
                         std::vector<hsize_t>& dims) const {
    H5Handle ds = open_dataset(parent, name, rank, dims);
    hsize_t n = 1;
    for (hsize_t d : dims) n *= d;
    std::vector<T> out(n);
    read_dataset(ds, parent.child(name), H5Types<T>::mem(), out.data(), n);
    return out;
  }
  template <class T>
  std::vector<T> dataset(const H5Group& parent, const std::string& name) const {
    std::vector<hsize_t> dims;
    return dataset<T>(parent, name, 1, dims);
  }
  std::string string_dataset(const H5Group& parent, const std::string& name) const;

  // For files of unknown layout (NIR): link names in HDF5 name order, and datasets of any rank (0 = scalar).
  std::vector<std::string> children(const H5Group& g) const;
  bool is_group(const H5Group& parent, const std::string& name) const;
  bool is_text(const H5Group& parent, const std::string& name) const;
  // Integer, float or boolean-enum datasets as doubles; at most `max_values` elements.
  std::vector<double> numbers(const H5Group& parent, const std::string& name, std::vector<hsize_t>& dims,
                              size_t max_values) const;
  std::vector<std::string> strings(const H5Group& parent, const std::string& name, std::vector<hsize_t>& dims,
                                   size_t max_values) const;

 private:
  H5Handle open_any(const H5Group& parent, const std::string& name, std::vector<hsize_t>& dims,
                    size_t max_values) const;
  H5Handle open_attr(const H5Group& obj, const std::string& name) const;
  void read_attr(const H5Group& obj, const std::string& name, hid_t mem, void* v) const;
  H5Handle open_dataset(const H5Group& parent, const std::string& name, int rank,
                        std::vector<hsize_t>& dims) const;
  void read_dataset(const H5Handle& ds, const std::string& object, hid_t mem, void* out, hsize_t n) const;
};

}  // namespace scx::io
