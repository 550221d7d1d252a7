#pragma once
// The TOML network format (documented in docs/model-format.md). Errors name file:line:column and the field.
#include <filesystem>
#include <string>
#include <string_view>

#include "silicortex/model/network.hpp"

namespace scx::io {

model::Network read_network_toml(const std::filesystem::path& path);
model::Network parse_network_toml(std::string_view text, const std::string& source_name);

}  // namespace scx::io
