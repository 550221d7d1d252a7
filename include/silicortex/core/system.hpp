#pragma once
#include <cstddef>
#include <cstdint>

namespace scx {
// Memory the kernel says is available for new allocations (MemAvailable), in bytes; 0 if unknown.
uint64_t available_memory_bytes();
// This core's L2 cache, in bytes (1 MiB where the system does not say).
uint64_t l2_cache_bytes();
// CPU time used so far by every thread of this process, in seconds.
double process_cpu_s();
// Mean time for two threads to hand a cache line to each other and back, in nanoseconds. On a VM this swings
// several-fold as the host moves the vCPUs (seen: 100 ns and 450 ns within minutes), and a multi-threaded
// step loop pays it at every barrier, so benchmarks print it beside their figures. Negative where this
// process may use only one CPU (or rounds < 1). Spends at most about 50 ms.
double core_to_core_round_trip_ns(int rounds = 20000);
// The share of a busy thread's time taken away by interruptions (the kernel's, or on a VM the host's), in
// percent: equal pieces of arithmetic are timed for `milliseconds`, and whatever a piece took beyond 1.3x the
// median counts as lost. Threads that meet every step pay every core's interruptions, one thread only its
// own: the project's 2-vCPU VM lost 5-9 % (a few microseconds every ~50 us), which alone holds a 2-thread
// lockstep run near 2 x (1 - 2p) / (1 - p) = 1.8x of one thread (p = 0.09). Negative if milliseconds < 1.
double interruption_loss_pct(int milliseconds = 30);
// Mean latency of a dependent random read in a buffer of `bytes` (a pointer chase over its cache lines), in
// nanoseconds: with a buffer far beyond the caches, what a random miss costs at the moment. On a shared host
// it swings with the other tenants' memory traffic, and the chip emulator's random crossbar rows and routes
// pay it, so `bench truenorth` prints it beside its figure. Spends about 50-100 ms.
double memory_latency_ns(size_t bytes = size_t{64} << 20, int hops = 200000);
}  // namespace scx
