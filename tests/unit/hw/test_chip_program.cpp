// Chip-program files: a saved chip runs exactly like the original; truncated, corrupt, foreign and
// other-version files are refused with a clear error.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "silicortex/core/error.hpp"
#include "silicortex/hw/chip_program.hpp"
#include "silicortex/hw/random_chip.hpp"

namespace scx::hw {
namespace {

namespace fs = std::filesystem;

class ChipProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("scx_chip_program_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

std::unique_ptr<TrueNorthChip> make_chip() {
  auto p = read_chip_profile(SCX_SOURCE_DIR "/chips/truenorth.toml");
  p.cores_x = 4;
  p.cores_y = 2;
  auto chip = std::make_unique<TrueNorthChip>(p, 21);
  fill_random_chip(*chip, {20.0, 0.5, 0, 4});
  TrueNorthNeuronParams odd;  // one neuron with every stochastic mode, to round-trip the flags
  odd.weight = {1, -2, 3, -4};
  odd.stochastic_weight = {true, false, true, false};
  odd.leak = -7;
  odd.leak_reversal = true;
  odd.stochastic_leak = true;
  odd.threshold = 9;
  odd.threshold_mask_bits = 3;
  odd.neg_threshold = 11;
  odd.neg_saturate = true;
  odd.reset = TnReset::kNone;
  odd.reset_value = 5;
  odd.dest = {1, 1, 200, 15, true};
  chip->set_neuron(0, 3, odd);
  return chip;
}

std::vector<size_t> spike_counts(TrueNorthChip& chip, uint64_t ticks) {
  std::vector<size_t> counts;
  chip.run(ticks, 2, [&](uint64_t, const std::vector<TnSpike>& s) { counts.push_back(s.size()); });
  return counts;
}

TEST_F(ChipProgram, RoundTripRunsIdentically) {
  auto chip = make_chip();
  const auto path = dir_ / "net.scxp";
  save_chip_program(*chip, path);
  auto loaded = load_chip_program(path);
  EXPECT_EQ(loaded->cores(), chip->cores());
  const auto a = chip->neuron(0, 3), b = loaded->neuron(0, 3);
  EXPECT_EQ(a.weight, b.weight);
  EXPECT_EQ(a.stochastic_weight, b.stochastic_weight);
  EXPECT_EQ(b.threshold_mask_bits, 3);
  EXPECT_EQ(b.reset, TnReset::kNone);
  EXPECT_EQ(b.dest.axon, 200);
  EXPECT_EQ(b.dest.delay_ticks, 15);
  EXPECT_EQ(spike_counts(*chip, 100), spike_counts(*loaded, 100));
  EXPECT_EQ(chip->counters().synaptic_events, loaded->counters().synaptic_events);
}

TEST_F(ChipProgram, BadFilesAreRefused) {
  auto chip = make_chip();
  const auto path = dir_ / "net.scxp";
  save_chip_program(*chip, path);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary).write(content.data(), std::streamsize(content.size()));
    return dir_ / name;
  };
  auto message = [](const fs::path& p) -> std::string {
    try {
      load_chip_program(p);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message(write("short.scxp", bytes.substr(0, bytes.size() / 2))).find("truncated"),
            std::string::npos);
  EXPECT_NE(message(write("tiny.scxp", bytes.substr(0, 10))).find("not a chip program"), std::string::npos);
  std::string other = bytes;
  other[8] = 7;  // format version 7
  EXPECT_NE(message(write("v7.scxp", other)).find("format version 7; this build reads version 1"),
            std::string::npos);
  std::string flipped = bytes;
  flipped[bytes.size() - 100] ^= 0x10;
  EXPECT_NE(message(write("flip.scxp", flipped)).find("checksum mismatch"), std::string::npos);
  EXPECT_NE(message(write("toml.scxp", "[chip]\nname = \"x\"\n")).find("not a chip program"),
            std::string::npos);
  EXPECT_NE(message(dir_ / "missing.scxp").find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace scx::hw
