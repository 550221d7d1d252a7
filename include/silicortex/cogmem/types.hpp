#pragma once
// Vocabulary of the NeuroMem (CM1K / NM500) cognitive memory: limits, register defaults, modes and responses.
// Sources: shared/reference/anchors-hardware.md section 3 (CM1K and NM500 manuals, GV's NeuroShield drivers).
#include <cstdint>
#include <string>

namespace scx::cogmem {

constexpr uint32_t kChipVectorBytes = 256;    // neuron memory of one chip neuron
constexpr uint16_t kMaxCategory = 0x7FFF;     // 15-bit category (0 = counter-example when learning)
constexpr uint16_t kDegeneratedBit = 0x8000;  // bit 15 of CAT reads
constexpr uint8_t kMaxContext = 0x7F;         // 7-bit context; 0 in GCR selects every neuron
constexpr uint16_t kNoResponse = 0xFFFF;      // DIST / CAT / NID value once no firing neuron remains
constexpr uint32_t kDefaultMinif = 2;
constexpr uint32_t kDefaultMaxif = 0x4000;
constexpr uint32_t kMaxNeuronId = 0xFFFFFF;  // identifiers are 24 bits (NID plus NCR[15:8])
constexpr uint32_t kCm1kNeurons = 1024;
constexpr uint32_t kNm500Neurons = 576;

enum class Norm : uint8_t { kL1 = 0, kLsup = 1 };
enum class Classifier : uint8_t { kRbf = 0, kKnn = 1 };
// NSR values after LCOMP: 0 unknown, 4 uncertain, 8 identified.
enum class Status : uint8_t { kUnknown = 0, kUncertain = 4, kIdentified = 8 };

std::string to_string(Status s);
std::string to_string(Norm n);

// One response as the chip returns it: DIST, then CAT (bit 15 = degenerated), then NID (1-based position).
struct Response {
  uint32_t distance = 0;
  uint16_t category = 0;  // 15-bit category, without the degenerated flag
  bool degenerated = false;
  uint32_t neuron_id = 0;  // 1-based; AND of the ids when several neurons tie on (distance, category)
  uint16_t cat_register() const {
    return static_cast<uint16_t>(category | (degenerated ? kDegeneratedBit : 0));
  }
  bool operator==(const Response&) const = default;
};

// Size and limits of a network: a chip, a daisy chain of chips or the unbounded software mode.
struct NetworkShape {
  uint32_t capacity = 0;                         // neurons; 0 = unbounded (up to kMaxNeuronId)
  uint32_t max_vector_bytes = kChipVectorBytes;  // longer vectors are a software-mode extension
  static NetworkShape cm1k(uint32_t chips = 1) { return {kCm1kNeurons * chips, kChipVectorBytes}; }
  static NetworkShape nm500(uint32_t chips = 1) { return {kNm500Neurons * chips, kChipVectorBytes}; }
  static NetworkShape software(uint32_t max_vector_bytes = 1u << 16) { return {0, max_vector_bytes}; }
  uint32_t neuron_limit() const { return capacity == 0 ? kMaxNeuronId : capacity; }
};

// Parses "cm1k", "nm500", "cm1k:4" (a chain of four chips) or "software[:bytes]"; throws scx::Error naming
// `field`.
NetworkShape parse_shape(const std::string& text, const std::string& field);

}  // namespace scx::cogmem
