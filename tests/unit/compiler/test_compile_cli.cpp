// End to end: `compile` then `run net.scxp` gives the reference run's spike counts; a network that does not
// fit is one error line and leaves no file behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "cli_runner.hpp"

namespace scx::test {
namespace {

const std::string kDemo = std::string(SCX_SOURCE_DIR) + "/models/examples/truenorth_demo.toml";

// The per-population rows of `run`'s summary ("  name  neurons  spikes  rate").
std::string population_rows(const std::string& out) {
  std::istringstream in(out);
  std::string rows;
  bool table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("population") != std::string::npos && line.find("neurons") != std::string::npos)
      table = true;
    else if (table && line.rfind("  ", 0) == 0)
      rows += line + "\n";
    else
      table = false;
  }
  return rows;
}

TEST(CompileCli, CompiledProgramRunsLikeTheModel) {
  const auto dir = fresh_dir("compile_cli");
  const auto program = (dir / "demo.scxp").string();
  const auto compiled = run_cli("compile " + kDemo + " --chip truenorth -o " + program + " --report");
  ASSERT_EQ(compiled.exit_code, 0) << compiled.output;
  EXPECT_NE(compiled.output.find("synapses/65536"), std::string::npos) << compiled.output;
  EXPECT_NE(compiled.output.find("expected"), std::string::npos);
  EXPECT_NE(compiled.output.find("quantisation error"), std::string::npos);
  const auto ref = run_cli("run " + kDemo + " -q");
  const auto chip = run_cli("run " + program + " -o " + (dir / "chip.h5").string());
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  ASSERT_EQ(chip.exit_code, 0) << chip.output;
  EXPECT_FALSE(population_rows(ref.output).empty());
  EXPECT_EQ(population_rows(chip.output), population_rows(ref.output)) << chip.output;
  EXPECT_NE(chip.output.find("average power at real-time speed"), std::string::npos) << chip.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "chip.h5"));
  std::filesystem::remove_all(dir);
}

TEST(CompileCli, LoihiProgramRunsLikeTheModel) {
  const auto dir = fresh_dir("compile_cli_loihi");
  const std::string model = std::string(SCX_SOURCE_DIR) + "/models/examples/loihi_demo.toml";
  const auto program = (dir / "demo.scxp").string();
  const auto compiled = run_cli("compile " + model + " --chip loihi -o " + program + " --report");
  ASSERT_EQ(compiled.exit_code, 0) << compiled.output;
  EXPECT_NE(compiled.output.find("neurons/1024"), std::string::npos) << compiled.output;
  const auto ref = run_cli("run " + model + " -q");
  const auto chip = run_cli("run " + program);
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  ASSERT_EQ(chip.exit_code, 0) << chip.output;
  EXPECT_FALSE(population_rows(ref.output).empty());
  EXPECT_EQ(population_rows(chip.output), population_rows(ref.output)) << chip.output;
  EXPECT_NE(chip.output.find("energy model: loihi"), std::string::npos) << chip.output;
  std::filesystem::remove_all(dir);
}

TEST(CompileCli, NetworkThatDoesNotFitWritesNothing) {
  const auto dir = fresh_dir("compile_cli_bad");
  write_file(dir / "big.toml",
             "[simulation]\ndt_ms = 1.0\n[[population]]\nname = \"big\"\nsize = 2000000\n"
             "model = \"truenorth\"\n");
  const auto program = (dir / "big.scxp").string();
  const auto r = run_cli("compile " + (dir / "big.toml").string() + " --chip truenorth -o " + program);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("population 'big': needs 7813 cores"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("chip 'truenorth' has 4096 (91% over)"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(program));
  EXPECT_FALSE(std::filesystem::exists(program + ".io"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scx::test
