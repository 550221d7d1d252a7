#include <gtest/gtest.h>

#include <string>

#include "silicortex/core/error.hpp"
#include "silicortex/devices/device_profile.hpp"

using namespace scx::devices;

namespace {
std::string profile_text(const std::string& levels_line) {
  return R"([device]
name = "test"
[conductance]
g_min_us = { value = 0.1, source = "s" }
g_max_us = { value = 10.0, source = "s" }
)" + levels_line +
         R"(
[nonlinearity]
a_ltp = { value = 0.3, source = "s" }
a_ltd = { value = 0.2, source = "s" }
[variation]
d2d_sigma = { value = 0.05, source = "s" }
c2c_sigma = { value = 0.01, source = "s" }
read_noise_sigma = { value = 0.01, source = "s" }
[drift]
nu = { value = 0.05, source = "s" }
nu_sigma = { value = 0.01, source = "s" }
t0_s = { value = 20.0, source = "s" }
[faults]
stuck_gmin_rate = { value = 0.01, source = "s" }
stuck_gmax_rate = { value = 0.01, source = "s" }
[read]
v_read_v = { value = 0.2, source = "s" }
t_read_ns = { value = 10.0, source = "s" }
)";
}

std::string error_of(const std::string& text) {
  try {
    parse_device_profile(text, "dev.toml");
  } catch (const scx::Error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST(DeviceProfile, ParsesEveryFieldWithItsSource) {
  const DeviceProfile p =
      parse_device_profile(profile_text("levels = { value = 64, source = \"paper\" }"), "x");
  EXPECT_EQ(p.name, "test");
  EXPECT_EQ(p.levels, 64);
  EXPECT_DOUBLE_EQ(p.g_max_us, 10.0);
  EXPECT_DOUBLE_EQ(p.a_ltd, 0.2);
  EXPECT_DOUBLE_EQ(p.stuck_gmax_rate, 0.01);
  EXPECT_EQ(p.sources.at("conductance.levels"), "paper");
  EXPECT_EQ(p.sources.size(), 15u);
}

TEST(DeviceProfile, OutOfRangeNamesFileLineAndField) {
  const std::string e = error_of(profile_text("levels = { value = 1, source = \"s\" }"));
  EXPECT_NE(e.find("dev.toml:6:"), std::string::npos) << e;
  EXPECT_NE(e.find("conductance.levels"), std::string::npos) << e;
  EXPECT_NE(e.find("outside"), std::string::npos) << e;
}

TEST(DeviceProfile, MissingFieldIsNamed) {
  const std::string e = error_of(profile_text(""));
  EXPECT_NE(e.find("dev.toml:"), std::string::npos) << e;
  EXPECT_NE(e.find("conductance.levels: missing"), std::string::npos) << e;
}

TEST(DeviceProfile, MissingSourceAndBadTypesAreNamed) {
  EXPECT_NE(error_of(profile_text("levels = { value = 8 }")).find("conductance.levels: missing its `source`"),
            std::string::npos);
  EXPECT_NE(error_of(profile_text("levels = 8")).find("conductance.levels: must be an inline table"),
            std::string::npos);
  EXPECT_NE(error_of(profile_text("levels = { value = 8.5, source = \"s\" }")).find("integer"),
            std::string::npos);
  std::string t = profile_text("levels = { value = 8, source = \"s\" }");
  t.replace(t.find("value = 10.0"), 12, "value = 0.05");  // g_max below g_min
  EXPECT_NE(error_of(t).find("conductance.g_max_us"), std::string::npos) << error_of(t);
  EXPECT_NE(error_of("[device\n").find("dev.toml:1:"), std::string::npos);
}

TEST(DeviceProfile, ShippedProfilesLoad) {
  for (const char* name : {"fefet_mlc", "rram_agsi", "pcm"}) {
    const DeviceProfile p = read_device_profile(std::string(SCX_SOURCE_DIR) + "/devices/" + name + ".toml");
    EXPECT_EQ(p.name, name);
    EXPECT_GE(p.levels, 2);
    EXPECT_EQ(p.sources.size(), 15u);
  }
}
