#pragma once
// The chip-program file (.scxp): an inert, self-contained description of a configured chip (its profile's
// numbers, seed, crossbars, axon types, every neuron's parameters and destination), versioned and
// checksummed.
//
// Layout (little-endian): "SCXPROG\0", u32 format version, u32 kind (1 = truenorth, 2 = loihi), u64 payload
// bytes, u64 FNV-1a checksum of the payload, payload. A truncated file, another format version, another kind
// or a checksum mismatch is an scx::Error naming the file; nothing is half-loaded.
#include <cstdint>
#include <filesystem>
#include <memory>

#include "silicortex/hw/loihi_chip.hpp"
#include "silicortex/hw/truenorth_chip.hpp"

namespace scx::hw {

inline constexpr uint32_t kChipProgramVersion = 1;

enum class ChipProgramKind : uint32_t { kTrueNorth = 1, kLoihi = 2 };
const char* chip_program_kind_name(ChipProgramKind kind);
// The kind of a program file, after checking its header and checksum.
ChipProgramKind chip_program_kind(const std::filesystem::path& path);

// Writes atomically (temporary file, then rename). A load of the other kind is an scx::Error naming both.
void save_chip_program(const TrueNorthChip& chip, const std::filesystem::path& path);
std::unique_ptr<TrueNorthChip> load_chip_program(const std::filesystem::path& path);
void save_chip_program(const LoihiChip& chip, const std::filesystem::path& path);
std::unique_ptr<LoihiChip> load_loihi_program(const std::filesystem::path& path);

}  // namespace scx::hw
