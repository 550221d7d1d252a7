#include "silicortex/train/train_file.hpp"

#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <zlib.h>

#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"

namespace scx::train {

static_assert(std::endian::native == std::endian::little, "the train file format is little-endian");

namespace {
constexpr char kMagic[8] = {'S', 'C', 'X', 'T', 'R', 'A', 'I', 'N'};

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_str(std::string& out, const std::string& s, bool wide) {
  if (wide)
    put<uint64_t>(out, s.size());
  else
    put<uint32_t>(out, uint32_t(s.size()));
  out += s;
}

class Reader {
 public:
  Reader(const std::string& bytes, const std::filesystem::path& path) : bytes_(bytes), path_(path) {}
  template <class T>
  T get(const char* field) {
    T v;
    std::memcpy(&v, take(sizeof v, field), sizeof v);
    return v;
  }
  std::string get_str(bool wide, const char* field) {
    const uint64_t n = wide ? get<uint64_t>(field) : get<uint32_t>(field);
    return std::string(take(n, field), n);
  }
  const char* take(uint64_t n, const char* field) {
    if (n > bytes_.size() - pos_) fail(field, "the file is truncated");
    const char* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }
  [[noreturn]] void fail(const std::string& field, const std::string& msg) const {
    throw_error_at(path_.string(), 0, 0, field, msg);
  }

 private:
  const std::string& bytes_;
  const std::filesystem::path& path_;
  size_t pos_ = 0;
};
}  // namespace

const std::vector<float>& TrainFile::array(const std::string& name, const std::filesystem::path& file) const {
  for (const auto& [n, a] : arrays)
    if (n == name) return a;
  throw_error_at(file.string(), 0, 0, name, "the array is missing");
}

void write_train_file(const std::filesystem::path& path, const TrainFile& f) {
  std::string out(kMagic, sizeof kMagic);
  put<uint32_t>(out, kTrainFileVersion);
  put_str(out, f.kind, false);
  put_str(out, f.meta, true);
  put_str(out, f.config, true);
  put<uint64_t>(out, f.arrays.size());
  for (const auto& [name, a] : f.arrays) {
    put_str(out, name, false);
    put<uint64_t>(out, a.size());
    out.append(reinterpret_cast<const char*>(a.data()), a.size() * sizeof(float));
  }
  put<uint32_t>(out, uint32_t(crc32(0, reinterpret_cast<const Bytef*>(out.data()), uInt(out.size()))));
  AtomicOutput file(path);
  {
    std::ofstream os(file.temp_path(), std::ios::binary);
    os.write(out.data(), std::streamsize(out.size()));
    if (!os.flush()) throw Error(fmt::format("{}: cannot write the file", path.string()));
  }
  file.commit();
}

TrainFile read_train_file(const std::filesystem::path& path, const std::string& expected_kind) {
  std::ifstream is(path, std::ios::binary);
  if (!is) throw Error(fmt::format("{}: cannot open the file", path.string()));
  const std::string bytes((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  Reader r(bytes, path);
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    r.fail("magic", "not a Silicortex training file");
  const uint32_t stored_crc = [&] {
    uint32_t c;
    std::memcpy(&c, bytes.data() + bytes.size() - 4, 4);
    return c;
  }();
  if (stored_crc != uint32_t(crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), uInt(bytes.size() - 4))))
    r.fail("checksum", "CRC-32 mismatch: the file is corrupt or truncated");
  r.take(sizeof kMagic, "magic");
  TrainFile f;
  if (const uint32_t v = r.get<uint32_t>("version"); v != kTrainFileVersion)
    r.fail("version",
           fmt::format("format version {} is not supported (this build reads {})", v, kTrainFileVersion));
  f.kind = r.get_str(false, "kind");
  if (f.kind != expected_kind)
    r.fail("kind", fmt::format("is a {} file, expected a {}", f.kind, expected_kind));
  f.meta = r.get_str(true, "meta");
  f.config = r.get_str(true, "config");
  const uint64_t n = r.get<uint64_t>("arrays");
  for (uint64_t i = 0; i < n; ++i) {
    std::string name = r.get_str(false, "arrays");
    const uint64_t count = r.get<uint64_t>("arrays");
    if (count > bytes.size() / sizeof(float)) r.fail(name, "array length exceeds the file size");
    std::vector<float> a(count);
    std::memcpy(a.data(), r.take(count * sizeof(float), "arrays"), count * sizeof(float));
    f.arrays.emplace_back(std::move(name), std::move(a));
  }
  return f;
}

}  // namespace scx::train
