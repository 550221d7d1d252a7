// model = "events": a population that replays an event-camera recording, one neuron per pixel and polarity.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "io_test_util.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/toml_model.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::io {
namespace {

using testing::TempDir;

// An N-MNIST file (34 x 34 sensor) with four events: (x, y, on, t_us).
void write_nmnist(const std::filesystem::path& p) {
  const std::vector<std::tuple<int, int, bool, int>> events = {
      {0, 0, true, 1000}, {3, 1, false, 2500}, {33, 33, true, 4000}, {2, 0, true, 9000}};
  std::ofstream out(p, std::ios::binary);
  for (auto [x, y, on, t] : events) {
    const char r[5] = {char(x), char(y), char((on ? 0x80 : 0) | (t >> 16)), char(t >> 8), char(t)};
    out.write(r, 5);
  }
}

model::Network network(const TempDir& dir, uint32_t size, const std::string& params) {
  std::ofstream(dir / "net.toml") << "[simulation]\ndt_ms = 0.5\nduration_ms = 10\n[[population]]\nname = "
                                     "\"retina\"\nsize = "
                                  << size << "\nmodel = \"events\"\nparams = { file = \"s.bin\"" << params
                                  << " }\n";
  return read_network_toml(dir / "net.toml");
}

const std::vector<std::vector<double>>& times(const model::Network& net) {
  return std::get<model::SpikeTimesSource>(net.populations[0].params).times_ms;
}

TEST(TomlEvents, OneNeuronPerPixelAndPolarityRelativeToTheFile) {
  TempDir dir;
  write_nmnist(dir / "s.bin");  // found beside net.toml, wherever the process runs
  const model::Network net = network(dir, 34 * 34 * 2, "");
  const auto& t = times(net);
  ASSERT_EQ(t.size(), 2312u);
  EXPECT_EQ(t[0], std::vector<double>({0.0}));              // ON (0, 0): the first event is time 0
  EXPECT_EQ(t[1156 + 34 + 3], std::vector<double>({1.5}));  // OFF plane, y 1, x 3
  EXPECT_EQ(t[33 * 34 + 33], std::vector<double>({3.0}));   // ON (33, 33)
  EXPECT_EQ(t[2], std::vector<double>({8.0}));
  sim::Engine engine(net);  // and it runs: one spike per event
  const auto result = engine.run();
  EXPECT_EQ(result.spikes[0].total_spikes, 4u);
}

TEST(TomlEvents, WindowScalePoolingAndPolarity) {
  TempDir dir;
  write_nmnist(dir / "s.bin");
  const model::Network net = network(
      dir, 17 * 17, ", downsample = 2, polarity = \"on\", start_ms = 1, duration_ms = 7.5, time_scale = 2");
  const auto& t = times(net);
  ASSERT_EQ(t.size(), 289u);
  EXPECT_TRUE(t[0].empty());                               // (0, 0) at 0 ms: before the window
  EXPECT_EQ(t[16 * 17 + 16], std::vector<double>({4.0}));  // (33, 33) at 3 ms: 2 ms into it, times 2
  EXPECT_EQ(t[1], std::vector<double>({14.0}));            // (2, 0) pools into column 1; 7 ms into it
  size_t spikes = 0;
  for (const auto& n : t) spikes += n.size();
  EXPECT_EQ(spikes, 2u);  // the OFF event is left out
}

TEST(TomlEvents, ErrorsNameTheFieldAndTheCount) {
  TempDir dir;
  write_nmnist(dir / "s.bin");
  auto error_of = [&](uint32_t size, const std::string& params) -> std::string {
    try {
      network(dir, size, params);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(
      error_of(100, "").find("population[0].size: the recording gives 34 x 34 pixels x 2 polarities = 2312"),
      std::string::npos);
  EXPECT_NE(error_of(2312, ", polarity = \"up\"").find("params.polarity: 'up'"), std::string::npos);
  EXPECT_NE(error_of(2312, ", downsample = 0").find("params.downsample"), std::string::npos);
  std::ofstream(dir / "s.bin", std::ios::app) << "xy";  // no longer a whole number of records
  EXPECT_NE(error_of(2312, "").find("params.file: "), std::string::npos);
  EXPECT_NE(error_of(2312, "").find("s.bin: byte 20: a truncated event"), std::string::npos);
}

}  // namespace
}  // namespace scx::io
