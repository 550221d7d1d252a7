#include "commands.hpp"

namespace scx::cli {
void register_plot(CLI::App& root) { root.add_subcommand("plot", "Render SVG figures from a recording (run.h5)"); }
}  // namespace scx::cli
