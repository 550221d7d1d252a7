#pragma once
#include <cstdint>

namespace scx {
// Memory the kernel says is available for new allocations (MemAvailable), in bytes; 0 if unknown.
uint64_t available_memory_bytes();
// CPU time used so far by every thread of this process, in seconds.
double process_cpu_s();
// Mean time for two threads to hand a cache line to each other and back, in nanoseconds. On a VM this swings
// several-fold as the host moves the vCPUs (seen: 100 ns and 450 ns within minutes), and a multi-threaded
// step loop pays it at every barrier, so benchmarks print it beside their figures. Negative where this
// process may use only one CPU (or rounds < 1). Spends at most about 50 ms.
double core_to_core_round_trip_ns(int rounds = 20000);
}  // namespace scx
