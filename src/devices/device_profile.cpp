#include "silicortex/devices/device_profile.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "silicortex/core/error.hpp"

namespace scx::devices {
namespace {

struct Field {
  const char* table;
  const char* key;
  double DeviceProfile::*real;  // exactly one of real / integer is set
  int DeviceProfile::*integer;
  double lo, hi;
};

const Field kFields[] = {
    {"conductance", "g_min_us", &DeviceProfile::g_min_us, nullptr, 0, 1e6},
    {"conductance", "g_max_us", &DeviceProfile::g_max_us, nullptr, 1e-9, 1e6},
    {"conductance", "levels", nullptr, &DeviceProfile::levels, 2, 65536},
    {"nonlinearity", "a_ltp", &DeviceProfile::a_ltp, nullptr, 0, 1e3},
    {"nonlinearity", "a_ltd", &DeviceProfile::a_ltd, nullptr, 0, 1e3},
    {"variation", "d2d_sigma", &DeviceProfile::d2d_sigma, nullptr, 0, 1},
    {"variation", "c2c_sigma", &DeviceProfile::c2c_sigma, nullptr, 0, 1},
    {"variation", "read_noise_sigma", &DeviceProfile::read_noise_sigma, nullptr, 0, 1},
    {"drift", "nu", &DeviceProfile::drift_nu, nullptr, 0, 1},
    {"drift", "nu_sigma", &DeviceProfile::drift_nu_sigma, nullptr, 0, 1},
    {"drift", "t0_s", &DeviceProfile::drift_t0_s, nullptr, 1e-12, 1e9},
    {"faults", "stuck_gmin_rate", &DeviceProfile::stuck_gmin_rate, nullptr, 0, 1},
    {"faults", "stuck_gmax_rate", &DeviceProfile::stuck_gmax_rate, nullptr, 0, 1},
    {"read", "v_read_v", &DeviceProfile::v_read_v, nullptr, 1e-6, 10},
    {"read", "t_read_ns", &DeviceProfile::t_read_ns, nullptr, 1e-6, 1e9},
};

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  DeviceProfile parse(std::string_view text) {
    toml::table root;
    try {
      root = toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      throw_error_at(file_, int(where.line), int(where.column), "", std::string(e.description()));
    }
    DeviceProfile p;
    p.file = file_;
    const auto* dev = root.get_as<toml::table>("device");
    if (!dev) fail(&root, "device", "missing table [device] (name, description)");
    const auto* name = dev->get("name");
    if (!name || !name->is_string()) fail(name ? name : dev, "device.name", "missing or not a string");
    p.name = name->as_string()->get();
    if (const auto* d = dev->get_as<std::string>("description")) p.description = d->get();
    for (const Field& f : kFields) read(root, f, p);
    const toml::node* gmax = root.at_path("conductance.g_max_us").node();
    if (!(p.g_max_us > p.g_min_us))
      fail(gmax, "conductance.g_max_us", fmt::format("{} must exceed g_min_us = {}", p.g_max_us, p.g_min_us));
    if (p.stuck_gmin_rate + p.stuck_gmax_rate > 1)
      fail(root.at_path("faults.stuck_gmax_rate").node(), "faults.stuck_gmax_rate",
           "the two stuck-at rates add up to more than 1");
    return p;
  }

 private:
  [[noreturn]] void fail(const toml::node* node, const std::string& field, const std::string& msg) const {
    const int line = node ? int(node->source().begin.line) : 0;
    const int col = node ? int(node->source().begin.column) : 0;
    throw_error_at(file_, line, col, field, msg);
  }

  // Every number is written `key = { value = 0.5, source = "where it comes from" }`.
  void read(const toml::table& root, const Field& f, DeviceProfile& p) const {
    const std::string field = fmt::format("{}.{}", f.table, f.key);
    const auto* table = root.get_as<toml::table>(f.table);
    const toml::node* n = table ? table->get(f.key) : nullptr;
    if (!n) fail(table ? static_cast<const toml::node*>(table) : &root, field, "missing");
    const auto* entry = n->as_table();
    if (!entry) fail(n, field, "must be an inline table { value = ..., source = \"...\" }");
    const auto* source = entry->get_as<std::string>("source");
    if (!source || source->get().empty())
      fail(n, field, "missing its `source` string (every number in a profile says where it comes from)");
    p.sources[field] = source->get();
    const toml::node* v = entry->get("value");
    if (!v || !(v->is_integer() || (f.real && v->is_floating_point())))
      fail(v ? v : n, field, f.real ? "missing its numeric `value`" : "missing its integer `value`");
    const double x = v->is_integer() ? double(v->as_integer()->get()) : v->as_floating_point()->get();
    if (!(x >= f.lo && x <= f.hi)) fail(v, field, fmt::format("{} is outside [{}, {}]", x, f.lo, f.hi));
    if (f.real)
      p.*f.real = x;
    else
      p.*f.integer = int(x);
  }

  std::string file_;
};

}  // namespace

DeviceProfile ideal_device_profile() {
  DeviceProfile p;
  p.name = "ideal";
  p.description = "continuous, linear, no variation, noise, drift or faults";
  return p;
}

DeviceProfile parse_device_profile(std::string_view text, const std::string& source_name) {
  return Parser(source_name).parse(text);
}

DeviceProfile read_device_profile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw_error_at(path.string(), 0, 0, "", "cannot open the device profile");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_device_profile(ss.str(), path.string());
}

}  // namespace scx::devices
