// The COBA and CUBA networks of Brette et al. 2007 against Brian2 2.5.1 (C++ standalone): mean firing rates
// over seeds within 10% of Brian2's. The reference data and the command that made them are in
// tests/data/brian2_{coba,cuba}_rates.json (bench/make_brian2_reference.py).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "silicortex/io/toml_model.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Reads `"<key>": { "mean": <x>` from the reference JSON.
double reference_mean(const std::string& json, const std::string& key) {
  std::smatch m;
  const std::regex re("\"" + key + "\": \\{\\s*\"mean\": ([0-9.eE+-]+)");
  if (!std::regex_search(json, m, re)) throw std::runtime_error("no " + key + " mean in reference");
  return std::stod(m[1]);
}

double reference_duration_ms(const std::string& json) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"duration_s\": ([0-9.]+)")))
    throw std::runtime_error("no duration");
  return std::stod(m[1]) * 1e3;
}

void compare_with_brian2(const std::string& net_name) {
  const std::string json =
      slurp(std::string(SCX_SOURCE_DIR) + "/tests/data/brian2_" + net_name + "_rates.json");
  ASSERT_FALSE(json.empty());
  auto net = io::read_network_toml(std::string(SCX_SOURCE_DIR) + "/models/" + net_name + ".toml");
  net.sim.duration_ms = reference_duration_ms(json);  // same window as the reference, transient included
  net.probes.clear();
  constexpr int kSeeds = 6;
  double exc = 0, inh = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    net.sim.seed = 1000 + seed;
    sim::Engine engine(net);
    const auto r = engine.run();
    exc += r.mean_rate_hz(0) / kSeeds;
    inh += r.mean_rate_hz(1) / kSeeds;
  }
  const double ref_exc = reference_mean(json, "rate_hz_exc"), ref_inh = reference_mean(json, "rate_hz_inh");
  EXPECT_NEAR(exc, ref_exc, 0.10 * ref_exc) << net_name << " excitatory rate vs Brian2";
  EXPECT_NEAR(inh, ref_inh, 0.10 * ref_inh) << net_name << " inhibitory rate vs Brian2";
  std::printf("%s: exc %.3f Hz (Brian2 %.3f), inh %.3f Hz (Brian2 %.3f)\n", net_name.c_str(), exc, ref_exc,
              inh, ref_inh);
}

TEST(Brette2007, CobaRatesMatchBrian2) {
  compare_with_brian2("coba");
}
TEST(Brette2007, CubaRatesMatchBrian2) {
  compare_with_brian2("cuba");
}

}  // namespace
}  // namespace scx
