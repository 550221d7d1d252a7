#pragma once
// The NeuroMem register map (8-bit address, 16-bit data) over an Engine, in normal and save-and-restore (SR)
// modes, so that code written against CM1K / NM500 registers drives the emulator. anchors-hardware.md 3.2.
#include <cstdint>
#include <optional>
#include <vector>

#include "silicortex/cogmem/engine.hpp"

namespace scx::cogmem {

enum Register : uint8_t {
  kNcr = 0x00,
  kComp = 0x01,
  kLcomp = 0x02,
  kIndexComp = 0x03,
  kDist = 0x03,
  kCat = 0x04,
  kAif = 0x05,
  kMinif = 0x06,
  kMaxif = 0x07,
  kTestComp = 0x08,
  kTestCat = 0x09,
  kNid = 0x0A,
  kGcr = 0x0B,
  kResetChain = 0x0C,
  kNsr = 0x0D,
  kPowerSave = 0x0E,
  kForget = 0x0F,
  kNcount = 0x0F,
};
constexpr uint16_t kNsrUncertain = 0x04, kNsrIdentified = 0x08, kNsrSrMode = 0x10, kNsrKnn = 0x20;
constexpr uint16_t kNormBit = 0x80;

const char* register_name(uint8_t address, bool write);

class RegisterInterface {
 public:
  // `engine` must outlive this object. An unbounded engine is shown to register clients as a chain of
  // `unbounded_chain` neurons (what TESTCAT commits and the neuron-count loop of GV's drivers finds).
  explicit RegisterInterface(Engine& engine, uint32_t unbounded_chain = 0xFFFF);

  // Address > 0x0F, or values the chip cannot hold (category > 0x7FFF, component index past the neuron
  // memory, learning before any vector was broadcast) throw scx::Error naming the register.
  uint16_t read(uint8_t address);
  void write(uint8_t address, uint16_t value);

  bool sr_mode() const { return (nsr_ & kNsrSrMode) != 0; }

 private:
  uint32_t chain_size() const;
  void broadcast_last(uint8_t component);
  void refill_responses(size_t want);
  void sr_write_cat(uint16_t value);
  uint16_t sr_read_cat();
  void test_cat(uint16_t value);
  bool pointed_committed() const { return pointer_ < engine_.committed(); }
  void commit_staged(uint16_t category);

  Engine& engine_;
  uint32_t unbounded_chain_;
  uint16_t nsr_ = 0;  // bits 4 (SR) and 5 (KNN) as written, bits 2-3 the last status
  uint16_t ncr_high_ = 0;
  // Normal mode: the vector being broadcast and the responses of the last LCOMP.
  std::vector<uint8_t> comps_;
  size_t index_ = 0, length_ = 0, broadcast_length_ = 0;
  Recognition last_;
  size_t asked_ = 0;                 // responses computed (k) for last_
  size_t next_ = 0;                  // next response DIST returns
  std::optional<Response> current_;  // chosen by the last DIST read
  bool responses_valid_ = false;
  // SR mode: the chain pointer and the ready-to-learn neuron staged until its CAT is written.
  size_t pointer_ = 0, sr_index_ = 0;
  std::vector<uint8_t> staged_row_;
  uint16_t staged_ncr_ = 0;
  uint32_t staged_aif_ = kDefaultMaxif, staged_minif_ = kDefaultMinif;
};

}  // namespace scx::cogmem
