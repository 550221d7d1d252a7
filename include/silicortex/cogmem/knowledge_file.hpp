#pragma once
// Saving and restoring an engine's knowledge.
//
// Native format (little-endian, version 1): a 64-byte header
//   "SCXCOGMF" | u32 version | u32 header bytes (64) | u32 neurons | u32 row bytes | u32 capacity (0 =
//   unbounded) | u32 MINIF | u32 MAXIF | u8 GCR context | u8 GCR norm | u8 classifier | u8 0 | u64 payload
//   bytes | u32 payload CRC-32 | 8 zero bytes | u32 CRC-32 of the previous 60 header bytes
// then one record per neuron: u8 context | u8 norm | u16 CAT (bit 15 degenerated) | u32 AIF | u32 MINIF
//   | row bytes of prototype.
// Files are written through scx::AtomicOutput; truncated, corrupt or foreign files are rejected with an
// scx::Error naming the file and the field.
//
// General Vision's knowledge file (NeuroMemAI::saveKnowledge_SDcard, KN_FORMAT 0x1704) is read and written
// too: header int[4] = {0x1704, 256, ncount, 0}, then int[260] per neuron = NCR, 256 COMP, AIF, MINIF, CAT,
// as raw host ints; the reader accepts 16-bit (AVR) and 32-bit (ARM, x86) ints, little-endian.
#include <cstdint>
#include <filesystem>

#include "silicortex/cogmem/engine.hpp"

namespace scx::cogmem {

struct KnowledgeInfo {
  uint32_t version = 0, neurons = 0, row_bytes = 0, capacity = 0, minif = 0, maxif = 0;
  uint8_t context = 0;
  Norm norm = Norm::kL1;
  Classifier classifier = Classifier::kRbf;
};

void save_knowledge(const Engine& engine, const std::filesystem::path& path);
// Replaces the engine's neurons and its MINIF, MAXIF, GCR and classifier. The engine must be able to hold the
// file's neurons (capacity) and rows (max_vector_bytes).
KnowledgeInfo load_knowledge(Engine& engine, const std::filesystem::path& path);
KnowledgeInfo read_knowledge_info(const std::filesystem::path& path);

void save_gv_knowledge(const Engine& engine, const std::filesystem::path& path);  // 32-bit ints
void load_gv_knowledge(Engine& engine, const std::filesystem::path& path);

}  // namespace scx::cogmem
