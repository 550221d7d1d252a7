// Chip profile files: the shipped ones load with a source for every number; bad files give one-line errors
// naming file:line and the field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "silicortex/core/error.hpp"
#include "silicortex/hw/chip_profile.hpp"

namespace scx::hw {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kTrueNorth = slurp(SCX_SOURCE_DIR "/chips/truenorth.toml");

// The error message of parsing `text`, or "" if it parsed.
std::string error_of(const std::string& text) {
  try {
    parse_chip_profile(text, "bad.toml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  return 1 + int(std::count(text.begin(), text.begin() + long(at), '\n'));
}

TEST(ChipProfile, ShippedProfilesLoadWithSources) {
  for (const char* name : {"truenorth", "loihi", "ns16e", "custom_example"}) {
    const auto p = read_chip_profile(std::string(SCX_SOURCE_DIR "/chips/") + name + ".toml");
    EXPECT_EQ(p.name, name);
    EXPECT_GE(p.sources.size(), 25u) << name;
    for (const auto& [field, source] : p.sources) EXPECT_FALSE(source.empty()) << name << " " << field;
  }
  const auto tn = read_chip_profile(SCX_SOURCE_DIR "/chips/truenorth.toml");
  EXPECT_EQ(tn.total_cores(), 4096);
  EXPECT_EQ(tn.neurons_per_core * tn.total_cores(), 1 << 20);
  EXPECT_EQ(tn.synapse_memory_bits * tn.total_cores(), int64_t{1} << 28);  // 256 M synapses
  EXPECT_EQ(tn.neuron_kind, NeuronKind::kTrueNorth);
  const auto loihi = read_chip_profile(SCX_SOURCE_DIR "/chips/loihi.toml");
  EXPECT_EQ(loihi.total_cores(), 128);
  EXPECT_EQ(loihi.synapse_memory_bits, 128 * 1024 * 8);
  EXPECT_EQ(loihi.neuron_kind, NeuronKind::kLoihiCuba);
}

TEST(ChipProfile, BoardInheritsFromItsBase) {
  const auto b = read_chip_profile(SCX_SOURCE_DIR "/chips/ns16e.toml");
  EXPECT_EQ(b.chips(), 16);
  EXPECT_EQ(b.total_cores(), 16 * 4096);
  EXPECT_EQ(b.hop_pj, 2.3);
  EXPECT_NE(b.sources.at("board.chips_x").find("NS16e"), std::string::npos);
  EXPECT_NE(b.sources.at("energy.hop_pj").find("Merolla"), std::string::npos);
}

TEST(ChipProfile, MissingFieldNamesItAndItsTable) {
  const std::string text = replace(kTrueNorth, "hop_pj =", "hop_pj_typo =");
  const std::string msg = error_of(text);
  EXPECT_NE(msg.find("bad.toml:" + std::to_string(line_of(text, "[energy]"))), std::string::npos) << msg;
  EXPECT_NE(msg.find("energy.hop_pj: missing"), std::string::npos) << msg;
}

TEST(ChipProfile, OutOfRangeValueNamesLineAndRange) {
  const std::string text = replace(kTrueNorth, "cores_x = { value = 64", "cores_x = { value = 0");
  const std::string msg = error_of(text);
  EXPECT_NE(msg.find("bad.toml:" + std::to_string(line_of(text, "cores_x"))), std::string::npos) << msg;
  EXPECT_NE(msg.find("mesh.cores_x"), std::string::npos) << msg;
  EXPECT_NE(msg.find("out of range [1, 4096]"), std::string::npos) << msg;
  EXPECT_NE(error_of(replace(kTrueNorth, "tick_s = { value = 1e-3", "tick_s = { value = -1.0"))
                .find("timing.tick_s: value -1 is out of range"),
            std::string::npos);
}

TEST(ChipProfile, EveryNumberNeedsASource) {
  const std::string msg = error_of(
      replace(kTrueNorth, "prng = { value = 8, source = \"8-bit", "prng = { value = 8, note = \"8-bit"));
  EXPECT_NE(msg.find("bits.prng: missing its `source`"), std::string::npos) << msg;
  EXPECT_NE(error_of(replace(kTrueNorth, "weight = { value = 9,", "weight = { value = 9.5,"))
                .find("bits.weight: value must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of(replace(kTrueNorth, "neurons = { value = 256,", "neurons = { value = 512,"))
                .find("core.neurons: a truenorth-model core has 256 neurons"),
            std::string::npos);
}

TEST(ChipProfile, SyntaxErrorsAndBadBases) {
  const std::string msg = error_of(kTrueNorth + "\n[broken\n");
  EXPECT_NE(msg.find("bad.toml:"), std::string::npos) << msg;
  EXPECT_NE(error_of("base = \"no_such_file.toml\"\n").find("base: cannot open"), std::string::npos);
  EXPECT_NE(error_of(replace(kTrueNorth, "neuron_model = \"truenorth\"", "neuron_model = \"spinnaker\""))
                .find("chip.neuron_model"),
            std::string::npos);
  EXPECT_THROW(read_chip_profile("/no/such/chip.toml"), Error);
  EXPECT_THROW(find_chip_profile("no_such_chip", SCX_SOURCE_DIR "/chips"), Error);
  EXPECT_EQ(find_chip_profile("loihi", SCX_SOURCE_DIR "/chips").filename(), "loihi.toml");
}

}  // namespace
}  // namespace scx::hw
