#pragma once
// The SPI frame protocol of General Vision's NeuroShield / BrainCard libraries ("NeuroMem Smart"), served by
// a RegisterInterface. One transfer() is one chip-select-low-to-high transaction, full duplex:
//   MOSI: 0x01 (ID) | Addr3 = module | 0x80 if write | Addr2 | Addr1 | Addr0 = register | length (24-bit,
//   words,
//         MSB first) | length words of data, big-endian (writes) or dummy bytes (reads).
//   MISO: zeros during the 8 header bytes, then the words read, big-endian.
// A burst (length > 1) repeats the access on the same register: COMP bursts write or read successive
// components. Module 1 is the NeuroMem network, module 2 the board's FPGA (register 1 = revision).
#include <cstdint>
#include <span>
#include <vector>

#include "silicortex/cogmem/registers.hpp"

namespace scx::cogmem {

constexpr uint8_t kModuleNeuroMem = 0x01, kModuleFpga = 0x02;

class SpiTransport {
 public:
  explicit SpiTransport(RegisterInterface& registers, uint16_t fpga_revision = 0x0001)
      : registers_(registers), fpga_revision_(fpga_revision) {}

  // Malformed frames (short header, length not matching the bytes clocked, unknown module or address) throw
  // scx::Error naming the field.
  std::vector<uint8_t> transfer(std::span<const uint8_t> mosi);

 private:
  RegisterInterface& registers_;
  uint16_t fpga_revision_;
};

// Drop-in for GV's NeuroMemSPI class (NeuroMemSPI.h): same method names and arguments, framing each access as
// the Arduino driver does and passing it to an SpiTransport instead of the SPI pins. Client code such as
// NeuroMemAI.cpp compiles against it by replacing its `NeuroMemSPI spi;` member type (see docs/cogmem.md).
class NeuroMemSpiShim {
 public:
  explicit NeuroMemSpiShim(SpiTransport& transport) : transport_(transport) {}
  int connect(int platform = 0);  // 0 when MINIF reads 2, as the driver checks
  int FPGArev();                  // NOLINT(readability-identifier-naming): GV's name
  int read(unsigned char mod, unsigned char reg);
  void write(unsigned char mod, unsigned char reg, int data);
  void writeAddr(long addr, int length, int data[]);  // NOLINT: GV's signature
  void readAddr(long addr, int length, int data[]);   // NOLINT: GV's signature
  int platform = 0;

 private:
  std::vector<uint8_t> frame(long addr, bool write, int length) const;
  SpiTransport& transport_;
};

}  // namespace scx::cogmem
