#include "silicortex/core/error.hpp"

#include <fmt/format.h>

namespace scx {

std::string format_location(const std::string& file, int line, int column, const std::string& field) {
  std::string where;
  if (!file.empty()) {
    if (line > 0 && column > 0)
      where = fmt::format("{}:{}:{}: ", file, line, column);
    else if (line > 0)
      where = fmt::format("{}:{}: ", file, line);
    else
      where = fmt::format("{}: ", file);
  }
  return field.empty() ? where : fmt::format("{}{}: ", where, field);
}

void throw_error_at(const std::string& file, int line, int column, const std::string& field,
                    const std::string& message) {
  throw Error(format_location(file, line, column, field) + message);
}

}  // namespace scx
