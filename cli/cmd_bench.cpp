#include "commands.hpp"

namespace scx::cli {
void register_bench_network(CommandGroups&) {}
}  // namespace scx::cli
