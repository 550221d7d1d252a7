#include "silicortex/core/data_dir.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <string_view>
#include <system_error>

namespace scx {
namespace {

// The file this code was loaded from: the Python module's shared library, or the executable. (For the
// executable dladdr gives argv[0], which may be a bare name found on $PATH, hence /proc/self/exe.)
std::filesystem::path loaded_from() {
  Dl_info info{};
  std::error_code ec;
  if (dladdr(reinterpret_cast<const void*>(&loaded_from), &info) != 0 && info.dli_fname &&
      std::string_view(info.dli_fname).find(".so") != std::string_view::npos) {
    const auto path = std::filesystem::canonical(info.dli_fname, ec);
    if (!ec) return path;
  }
  const auto exe = std::filesystem::canonical("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe;
}

bool inside(const std::filesystem::path& file, const std::filesystem::path& dir) {
  std::error_code ec;
  const auto root = std::filesystem::canonical(dir, ec);
  if (ec || file.empty()) return false;
  const auto rel = file.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("SILICORTEX_DATA"); env && *env) return env;
  const std::filesystem::path source(SCX_SOURCE_DIR), self = loaded_from();
  if (inside(self, SCX_BINARY_DIR)) return source;
  // Installed: <prefix>/bin/silicortex or <prefix>/lib/python3.X/dist-packages/silicortex/_core*.so, with the
  // data in <prefix>/share/silicortex (wherever --prefix put them).
  std::error_code ec;
  for (auto dir = self.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
    if (std::filesystem::is_directory(dir / "share/silicortex/chips", ec)) return dir / "share/silicortex";
  return source;
}

}  // namespace scx
