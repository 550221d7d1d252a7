#include "silicortex/hw/chip_profile.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "silicortex/core/error.hpp"

namespace scx::hw {
namespace {

// One numeric field of the profile: where it lives in the file, where it lives in the struct, and its range.
struct IntField {
  const char* table;
  const char* key;
  int64_t ChipProfile::*member;
  int64_t min, max;
};
struct RealField {
  const char* table;
  const char* key;
  double ChipProfile::*member;
  double min, max;
};

const std::vector<IntField>& int_fields() {
  static const std::vector<IntField> fields = {
      {"mesh", "cores_x", &ChipProfile::cores_x, 1, 4096},
      {"mesh", "cores_y", &ChipProfile::cores_y, 1, 4096},
      {"board", "chips_x", &ChipProfile::chips_x, 1, 1024},
      {"board", "chips_y", &ChipProfile::chips_y, 1, 1024},
      {"core", "neurons", &ChipProfile::neurons_per_core, 1, 1 << 20},
      {"core", "axons", &ChipProfile::axons_per_core, 1, 1 << 20},
      {"core", "output_axons", &ChipProfile::output_axons_per_core, 1, 1 << 20},
      {"core", "axon_types", &ChipProfile::axon_types, 0, 64},
      {"core", "synapse_memory_bits", &ChipProfile::synapse_memory_bits, 1, int64_t{1} << 40},
      {"core", "destinations_per_neuron", &ChipProfile::destinations_per_neuron, 1, 1 << 20},
      {"core", "max_delay_ticks", &ChipProfile::max_delay_ticks, 0, 1 << 16},
      {"bits", "weight", &ChipProfile::weight_bits, 1, 32},
      {"bits", "leak", &ChipProfile::leak_bits, 0, 32},
      {"bits", "threshold", &ChipProfile::threshold_bits, 1, 31},
      {"bits", "potential", &ChipProfile::potential_bits, 2, 31},
      {"bits", "prng", &ChipProfile::prng_bits, 0, 32},
  };
  return fields;
}

const std::vector<RealField>& real_fields() {
  static const std::vector<RealField> fields = {
      {"timing", "tick_s", &ChipProfile::tick_s, 1e-9, 10.0},
      {"energy", "synaptic_event_pj", &ChipProfile::synaptic_event_pj, 0, 1e9},
      {"energy", "neuron_update_pj", &ChipProfile::neuron_update_pj, 0, 1e9},
      {"energy", "spike_sent_pj", &ChipProfile::spike_sent_pj, 0, 1e9},
      {"energy", "hop_pj", &ChipProfile::hop_pj, 0, 1e9},
      {"energy", "chip_crossing_pj", &ChipProfile::chip_crossing_pj, 0, 1e9},
      {"energy", "static_power_mw", &ChipProfile::static_power_mw, 0, 1e9},
      {"conventional", "weight_fetch_pj", &ChipProfile::conventional_weight_fetch_pj, 0, 1e9},
      {"conventional", "mac_pj", &ChipProfile::conventional_mac_pj, 0, 1e9},
  };
  return fields;
}

class ProfileParser {
 public:
  ProfileParser(std::string source_name, std::filesystem::path base_dir)
      : file_(std::move(source_name)), base_dir_(std::move(base_dir)) {}

  ChipProfile parse(std::string_view text, int depth) {
    toml::table root;
    try {
      root = toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      throw_error_at(file_, static_cast<int>(where.line), static_cast<int>(where.column), "",
                     std::string(e.description()));
    }
    ChipProfile p;
    const bool has_base = root.contains("base");
    if (has_base) {
      const auto* base = root.get_as<std::string>("base");
      if (!base) fail(root.get("base"), "base", "must be a string naming another profile file");
      if (depth > 8) fail(root.get("base"), "base", "profiles nest more than 8 deep (a cycle?)");
      const auto path = base_dir_ / base->get();
      std::ifstream in(path);
      if (!in) fail(root.get("base"), "base", fmt::format("cannot open '{}'", path.string()));
      std::stringstream ss;
      ss << in.rdbuf();
      ProfileParser inner(path.string(), path.parent_path());
      p = inner.parse(ss.str(), depth + 1);
    }
    read_strings(root, p, !has_base);
    for (const auto& f : int_fields()) read_int(root, f, p, !has_base);
    for (const auto& f : real_fields()) read_real(root, f, p, !has_base);
    check_consistency(root, p);
    return p;
  }

 private:
  [[noreturn]] void fail(const toml::node* node, const std::string& field, const std::string& msg) const {
    int line = 0, col = 0;
    if (node) {
      line = static_cast<int>(node->source().begin.line);
      col = static_cast<int>(node->source().begin.column);
    }
    throw_error_at(file_, line, col, field, msg);
  }

  void read_strings(const toml::table& root, ChipProfile& p, bool required) {
    const auto* chip = root.get_as<toml::table>("chip");
    if (!chip) {
      if (required) fail(&root, "chip", "missing table [chip] (name, neuron_model, description)");
      return;
    }
    if (const auto* n = chip->get("name")) {
      if (!n->is_string()) fail(n, "chip.name", "must be a string");
      p.name = n->as_string()->get();
    } else if (required) {
      fail(chip, "chip.name", "missing");
    }
    if (const auto* d = chip->get_as<std::string>("description")) p.description = d->get();
    if (const auto* m = chip->get("neuron_model")) {
      const auto* s = m->as_string();
      if (s && s->get() == "truenorth")
        p.neuron_kind = NeuronKind::kTrueNorth;
      else if (s && s->get() == "loihi_cuba")
        p.neuron_kind = NeuronKind::kLoihiCuba;
      else
        fail(m, "chip.neuron_model", "must be \"truenorth\" or \"loihi_cuba\"");
    } else if (required) {
      fail(chip, "chip.neuron_model", "missing");
    }
  }

  // A numeric field is written `key = { value = 256, source = "where the number comes from" }`.
  const toml::node* value_node(const toml::table& root, const char* table, const char* key, ChipProfile& p,
                               bool required) {
    const std::string field = fmt::format("{}.{}", table, key);
    const auto* t = root.get_as<toml::table>(table);
    const toml::node* n = t ? t->get(key) : nullptr;
    if (!n) {
      if (required) fail(t ? static_cast<const toml::node*>(t) : &root, field, "missing");
      return nullptr;
    }
    const auto* entry = n->as_table();
    if (!entry) fail(n, field, "must be an inline table { value = ..., source = \"...\" }");
    const auto* source = entry->get("source");
    if (!source || !source->is_string() || source->as_string()->get().empty())
      fail(n, field, "missing its `source` string (every number in a profile says where it comes from)");
    const auto* value = entry->get("value");
    if (!value) fail(n, field, "missing its `value`");
    p.sources[field] = source->as_string()->get();
    return value;
  }

  void read_int(const toml::table& root, const IntField& f, ChipProfile& p, bool required) {
    const auto* v = value_node(root, f.table, f.key, p, required);
    if (!v) return;
    const std::string field = fmt::format("{}.{}", f.table, f.key);
    if (!v->is_integer()) fail(v, field, "value must be an integer");
    const int64_t x = v->as_integer()->get();
    if (x < f.min || x > f.max)
      fail(v, field, fmt::format("value {} is out of range [{}, {}]", x, f.min, f.max));
    p.*f.member = x;
  }

  void read_real(const toml::table& root, const RealField& f, ChipProfile& p, bool required) {
    const auto* v = value_node(root, f.table, f.key, p, required);
    if (!v) return;
    const std::string field = fmt::format("{}.{}", f.table, f.key);
    if (!v->is_number()) fail(v, field, "value must be a number");
    const double x = v->value<double>().value_or(0.0);
    if (!(x >= f.min && x <= f.max))
      fail(v, field, fmt::format("value {} is out of range [{}, {}]", x, f.min, f.max));
    p.*f.member = x;
  }

  void check_consistency(const toml::table& root, const ChipProfile& p) {
    const auto* core = root.get_as<toml::table>("core");
    auto node = [&](const char* key) -> const toml::node* {
      const auto* n = core ? core->get(key) : nullptr;
      return n ? n : static_cast<const toml::node*>(&root);
    };
    if (p.neuron_kind == NeuronKind::kTrueNorth) {
      // The bit-parallel crossbar kernels are built for TrueNorth's 256 x 256 core.
      if (p.neurons_per_core != 256)
        fail(node("neurons"), "core.neurons", "a truenorth-model core has 256 neurons");
      if (p.axons_per_core != 256) fail(node("axons"), "core.axons", "a truenorth-model core has 256 axons");
      if (p.axon_types < 1 || p.axon_types > 4)
        fail(node("axon_types"), "core.axon_types", "a truenorth-model core has 1 to 4 axon types");
      if (p.max_delay_ticks < 1 || p.max_delay_ticks > 15)
        fail(node("max_delay_ticks"), "core.max_delay_ticks", "a truenorth-model core delays 1 to 15 ticks");
      if (p.potential_bits > 30) fail(&root, "bits.potential", "a truenorth-model V is at most 30 bits");
      if (p.weight_bits > 16) fail(&root, "bits.weight", "a truenorth-model weight is at most 16 bits");
      if (p.leak_bits > 16) fail(&root, "bits.leak", "a truenorth-model leak is at most 16 bits");
    }
  }

  std::string file_;
  std::filesystem::path base_dir_;
};

}  // namespace

ChipProfile parse_chip_profile(std::string_view text, const std::string& source_name,
                               const std::filesystem::path& base_dir) {
  ProfileParser parser(source_name, base_dir);
  ChipProfile p = parser.parse(text, 0);
  p.file = source_name;
  return p;
}

ChipProfile read_chip_profile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot open chip profile", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_chip_profile(ss.str(), path.string(), path.parent_path());
}

std::filesystem::path find_chip_profile(const std::string& name_or_path,
                                        const std::filesystem::path& chips_dir) {
  std::filesystem::path direct(name_or_path);
  if (std::filesystem::is_regular_file(direct)) return direct;
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("SILICORTEX_CHIPS")) dirs.emplace_back(env);
  dirs.push_back(chips_dir);
  for (const auto& d : dirs) {
    const auto candidate = d / (name_or_path + ".toml");
    if (std::filesystem::is_regular_file(candidate)) return candidate;
  }
  throw Error(fmt::format("chip '{}': no such profile file (looked for {}.toml in $SILICORTEX_CHIPS and {})",
                          name_or_path, name_or_path, chips_dir.string()));
}

}  // namespace scx::hw
