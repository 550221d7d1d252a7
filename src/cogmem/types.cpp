#include "silicortex/cogmem/types.hpp"

#include <charconv>

#include "silicortex/core/error.hpp"

namespace scx::cogmem {

std::string to_string(Status s) {
  switch (s) {
    case Status::kIdentified:
      return "identified";
    case Status::kUncertain:
      return "uncertain";
    case Status::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string to_string(Norm n) {
  return n == Norm::kL1 ? "L1" : "Lsup";
}

NetworkShape parse_shape(const std::string& text, const std::string& field) {
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  uint32_t count = 0;
  if (colon != std::string::npos) {
    const char* b = text.data() + colon + 1;
    const char* e = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(b, e, count);
    if (ec != std::errc() || ptr != e || count == 0)
      throw_error_at("", 0, 0, field, "'" + text + "': the number after ':' must be a positive integer");
  }
  if (kind == "cm1k") return NetworkShape::cm1k(count == 0 ? 1 : count);
  if (kind == "nm500") return NetworkShape::nm500(count == 0 ? 1 : count);
  if (kind == "software") return count == 0 ? NetworkShape::software() : NetworkShape::software(count);
  throw_error_at("", 0, 0, field,
                 "'" + text + "' is not one of cm1k[:chips], nm500[:chips], software[:bytes]");
}

}  // namespace scx::cogmem
