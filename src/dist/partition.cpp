#include "silicortex/dist/communicator.hpp"

namespace scx::dist {

Share partition_share(uint32_t padded_size, uint32_t align, uint32_t part, uint32_t parts) {
  const uint64_t blocks = padded_size / align;
  return {static_cast<uint32_t>(blocks * part / parts * align),
          static_cast<uint32_t>(blocks * (part + 1) / parts * align)};
}

}  // namespace scx::dist
