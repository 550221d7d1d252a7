#pragma once
#include <cstdint>

namespace scx {
// Memory the kernel says is available for new allocations (MemAvailable), in bytes; 0 if unknown.
uint64_t available_memory_bytes();
}  // namespace scx
