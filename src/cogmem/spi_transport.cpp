#include "silicortex/cogmem/spi_transport.hpp"

#include <string>

#include "silicortex/core/error.hpp"

namespace scx::cogmem {
namespace {

constexpr size_t kHeader = 8;

[[noreturn]] void fail(const std::string& field, const std::string& msg) {
  throw_error_at("", 0, 0, "SPI frame " + field, msg);
}

}  // namespace

std::vector<uint8_t> SpiTransport::transfer(std::span<const uint8_t> mosi) {
  if (mosi.size() < kHeader) fail("header", std::to_string(mosi.size()) + " bytes, a frame starts with 8");
  const bool write = (mosi[1] & 0x80) != 0;
  const uint8_t module = mosi[1] & 0x7F;
  const size_t words = (size_t{mosi[5]} << 16) | (size_t{mosi[6]} << 8) | mosi[7];
  if (mosi.size() != kHeader + 2 * words)
    fail("length", "announces " + std::to_string(words) + " words but " +
                       std::to_string(mosi.size() - kHeader) + " data bytes were clocked");
  if (module != kModuleNeuroMem && module != kModuleFpga)
    fail("module", "module " + std::to_string(module) + " is neither 1 (NeuroMem) nor 2 (FPGA)");
  if (mosi[2] != 0 || mosi[3] != 0) fail("address", "Addr2 and Addr1 must be zero");
  const uint8_t reg = mosi[4];
  std::vector<uint8_t> miso(mosi.size(), 0);
  for (size_t w = 0; w < words; ++w) {
    const size_t at = kHeader + 2 * w;
    if (module == kModuleFpga) {
      const uint16_t v = (!write && reg == 1) ? fpga_revision_ : 0;
      miso[at] = static_cast<uint8_t>(v >> 8);
      miso[at + 1] = static_cast<uint8_t>(v);
    } else if (write) {
      registers_.write(reg, static_cast<uint16_t>((mosi[at] << 8) | mosi[at + 1]));
    } else {
      const uint16_t v = registers_.read(reg);
      miso[at] = static_cast<uint8_t>(v >> 8);
      miso[at + 1] = static_cast<uint8_t>(v);
    }
  }
  return miso;
}

std::vector<uint8_t> NeuroMemSpiShim::frame(long addr, bool write, int length) const {
  return {0x01,
          static_cast<uint8_t>(((addr >> 24) & 0x7F) | (write ? 0x80 : 0)),
          static_cast<uint8_t>(addr >> 16),
          static_cast<uint8_t>(addr >> 8),
          static_cast<uint8_t>(addr),
          static_cast<uint8_t>(length >> 16),
          static_cast<uint8_t>(length >> 8),
          static_cast<uint8_t>(length)};
}

int NeuroMemSpiShim::connect(int p) {
  platform = p;
  return read(kModuleNeuroMem, kMinif) == 2 ? 0 : 1;
}

int NeuroMemSpiShim::FPGArev() {
  return read(kModuleFpga, 1);
}

int NeuroMemSpiShim::read(unsigned char mod, unsigned char reg) {
  int v = 0;
  readAddr((long{mod} << 24) | reg, 1, &v);
  return v;
}

void NeuroMemSpiShim::write(unsigned char mod, unsigned char reg, int data) {
  writeAddr((long{mod} << 24) | reg, 1, &data);
}

void NeuroMemSpiShim::writeAddr(long addr, int length, int data[]) {
  auto f = frame(addr, true, length);
  for (int i = 0; i < length; ++i) {
    f.push_back(static_cast<uint8_t>((data[i] >> 8) & 0xFF));
    f.push_back(static_cast<uint8_t>(data[i] & 0xFF));
  }
  transport_.transfer(f);
}

void NeuroMemSpiShim::readAddr(long addr, int length, int data[]) {
  auto f = frame(addr, false, length);
  f.resize(f.size() + 2 * static_cast<size_t>(length), 0);
  const auto miso = transport_.transfer(f);
  for (int i = 0; i < length; ++i) data[i] = (miso[kHeader + 2 * i] << 8) | miso[kHeader + 2 * i + 1];
}

}  // namespace scx::cogmem
