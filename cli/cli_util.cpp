#include "cli_util.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "silicortex/builtin_models.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/toml_model.hpp"

namespace scx::cli {

double parse_duration_s(const std::string& text, const std::string& option) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw Error(option + ": '" + text + "' is not a duration (examples: 10, 10s, 500ms)");
  }
  std::string unit = text.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  double scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "ms")
    scale = 1e-3;
  else if (unit == "min")
    scale = 60;
  if (scale == 0 || !std::isfinite(value) || value < 0)
    throw Error(option + ": '" + text + "' is not a duration (examples: 10, 10s, 500ms)");
  return value * scale;
}

static const builtin::Model* find_builtin(const std::string& name) {
  for (const auto& m : builtin::kModels)
    if (m.name == name) return &m;
  return nullptr;
}

model::Network load_model(const std::string& path_or_name) {
  if (!std::filesystem::exists(path_or_name))
    if (const auto* m = find_builtin(path_or_name))
      return io::parse_network_toml(m->toml, "<builtin " + path_or_name + ">");
  return io::read_network_toml(path_or_name);
}

std::string model_text(const std::string& path_or_name) {
  std::ifstream f(path_or_name, std::ios::binary);
  if (f) {
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  if (const auto* m = find_builtin(path_or_name)) return std::string(m->toml);
  return {};
}

std::string thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace scx::cli

namespace scx::cli {

void print_figure(const std::string& name, std::vector<double> values) {
  if (values.empty()) return;
  if (values.size() > 1) {
    fmt::print("{}_runs={:.6g}\n", name, fmt::join(values, ","));
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    fmt::print("{}_median={:.6g}\n", name, n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2);
  }
  fmt::print("{}={:.6g}\n", name, *std::max_element(values.begin(), values.end()));
}

void warn_if_threads_starved(const sim::RunMetadata& m) {
  if (m.threads < 2 || m.loop_wall_s < 0.2 || m.loop_cpu_s <= 0) return;
  const double cpus = m.loop_cpu_s / m.loop_wall_s;
  if (cpus >= 0.6 * m.threads) return;
  fmt::print(
      stderr,
      "warning: the simulation's {} threads had {:.2f} CPUs on average (the machine is busy); they meet "
      "every step, so on a busy machine --threads 1 can be much faster\n",
      m.threads, cpus);
}

}  // namespace scx::cli
