#include "commands.hpp"

namespace scx::cli {
void register_cogmem(CLI::App&, CommandGroups&) {}
}  // namespace scx::cli
