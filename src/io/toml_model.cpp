#include "silicortex/io/toml_model.hpp"

#include "silicortex/core/error.hpp"

namespace scx::io {
model::Network read_network_toml(const std::filesystem::path& path) { throw Error(path.string() + ": TOML reader not yet built"); }
model::Network parse_network_toml(std::string_view, const std::string& source_name) {
  throw Error(source_name + ": TOML reader not yet built");
}
}  // namespace scx::io
