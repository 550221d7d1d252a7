#include "commands.hpp"

namespace scx::cli {
void register_run(CLI::App& root) { root.add_subcommand("run", "Run a network"); }
}  // namespace scx::cli
