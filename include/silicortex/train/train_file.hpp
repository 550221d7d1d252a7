#pragma once
// The trainer's binary container, used for checkpoints (kind "checkpoint") and trained networks (kind
// "network"):
//   "SCXTRAIN" | u32 format version | u32 kind length | kind | u64 meta length | meta (TOML text) |
//   u64 config length | config (the TOML the run was started with) | u64 array count |
//   per array: u32 name length | name | u64 float count | float32 data |  u32 CRC-32 of everything before it.
// Little-endian. Written atomically (AtomicOutput); a reader rejects a wrong magic, version, kind, truncation
// or checksum with an scx::Error naming the file and the field.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace scx::train {

inline constexpr uint32_t kTrainFileVersion = 1;

struct TrainFile {
  std::string kind, meta, config;
  std::vector<std::pair<std::string, std::vector<float>>> arrays;
  const std::vector<float>& array(const std::string& name, const std::filesystem::path& file) const;
};

void write_train_file(const std::filesystem::path& path, const TrainFile& f);
TrainFile read_train_file(const std::filesystem::path& path, const std::string& expected_kind);

}  // namespace scx::train
