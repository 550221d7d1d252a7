#pragma once
#include <cstdint>

namespace scx {
// Memory the kernel says is available for new allocations (MemAvailable), in bytes; 0 if unknown.
uint64_t available_memory_bytes();
// CPU time used so far by every thread of this process, in seconds.
double process_cpu_s();
}  // namespace scx
