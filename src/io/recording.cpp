#include "silicortex/io/recording.hpp"

#include "silicortex/core/error.hpp"

namespace scx::io {
void write_run_h5(const std::filesystem::path& path, const sim::RunResult&) { throw Error(path.string() + ": HDF5 writer not yet built"); }
sim::RunResult read_run_h5(const std::filesystem::path& path) { throw Error(path.string() + ": HDF5 reader not yet built"); }
}  // namespace scx::io
