#include "io/gz_file.hpp"

#include <zlib.h>

#include "silicortex/core/error.hpp"

namespace scx::io {

std::vector<uint8_t> read_maybe_gzipped(const std::filesystem::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw_error_at(path.string(), 0, 0, "", "cannot open");
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof(buf));
    if (n < 0) {
      int code = 0;
      const std::string msg = gzerror(f, &code);
      gzclose(f);
      throw_error_at(path.string(), 0, 0, "gzip", "damaged compressed data (" + msg + ")");
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  gzclose(f);
  return out;
}

}  // namespace scx::io
