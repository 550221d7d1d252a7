#pragma once
// The training configuration file (TOML, documented in docs/training.md). Every error names file:line:column
// and the field, e.g. "mnist.toml:14:1: layers[2].type: unknown layer type 'dens' (did you mean 'dense'?)".
#include <filesystem>
#include <string>
#include <string_view>

#include "silicortex/train/spec.hpp"

namespace scx::train {

// Data paths are resolved relative to `base_dir`. The input shape and class count are set later from the
// data.
TrainConfig parse_train_config(std::string_view text, const std::string& source_name,
                               const std::filesystem::path& base_dir = {});
TrainConfig read_train_config(const std::filesystem::path& path);

// Everything that must match for a checkpoint to be resumed (all but epochs, threads and the test data).
std::string resume_fingerprint(const TrainConfig& cfg);

}  // namespace scx::train
