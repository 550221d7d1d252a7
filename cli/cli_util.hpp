#pragma once
// Small helpers shared by CLI commands.
#include <optional>
#include <string>
#include <vector>

#include "silicortex/model/network.hpp"
#include "silicortex/sim/run_result.hpp"

namespace scx::cli {

// "10", "10s", "2.5 s" -> seconds; "500ms" -> 0.5. Throws scx::Error naming `option` on anything else.
double parse_duration_s(const std::string& text, const std::string& option);

// A model file path, or the name of a built-in model (coba, cuba, showcase) when no such file exists.
model::Network load_model(const std::string& path_or_name);

// The model's text (TOML) for the recording's metadata; empty if unknown.
std::string model_text(const std::string& path_or_name);

// "12,345,678"
std::string thousands(uint64_t n);

// A multi-threaded run needs its threads on CPUs at the same moment every step; on a busy machine it can be
// far slower than one thread. Warns on stderr when the loop got clearly less CPU than it had threads.
void warn_if_threads_starved(const sim::RunMetadata& m);

// A benchmark figure measured `values.size()` times (--repeats): with several, "<name>_runs=a,b,..." and
// "<name>_median=", then, always last, "<name>=" with the best (the least disturbed run on a shared host).
void print_figure(const std::string& name, std::vector<double> values);

}  // namespace scx::cli
