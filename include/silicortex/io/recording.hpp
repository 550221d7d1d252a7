#pragma once
// HDF5 recordings of a run (layout in docs/recording-format.md). Written atomically: a temporary file renamed
// into place when complete.
#include <filesystem>

#include "silicortex/sim/run_result.hpp"

namespace scx::io {

void write_run_h5(const std::filesystem::path& path, const sim::RunResult& run);
sim::RunResult read_run_h5(const std::filesystem::path& path);

}  // namespace scx::io
