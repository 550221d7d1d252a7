#pragma once
// A chip profile: the limits, bit widths and energy coefficients of a neuromorphic chip, read from a TOML
// file under chips/ (format in docs/chips.md). Every number carries the source it was taken from.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace scx::hw {

enum class NeuronKind { kTrueNorth, kLoihiCuba };

struct ChipProfile {
  std::string name;
  std::string description;
  NeuronKind neuron_kind = NeuronKind::kTrueNorth;

  // [mesh]: cores on one chip, in a 2-D mesh.
  int64_t cores_x = 0, cores_y = 0;
  // [board]: chips tiled into a board.
  int64_t chips_x = 1, chips_y = 1;
  // [core]
  int64_t neurons_per_core = 0;
  int64_t axons_per_core = 0;  // input axons
  int64_t output_axons_per_core = 0;
  int64_t axon_types = 0;           // TrueNorth: weights per neuron selected by axon type; 0 if not used
  int64_t synapse_memory_bits = 0;  // per core
  int64_t destinations_per_neuron = 0;
  int64_t max_delay_ticks = 0;
  // [bits]
  int64_t weight_bits = 0;
  int64_t leak_bits = 0;
  int64_t threshold_bits = 0;
  int64_t potential_bits = 0;  // membrane potential V (TrueNorth saturates, Loihi saturates v, wraps u)
  int64_t prng_bits = 0;       // width of the pseudo-random number rho in stochastic modes (0: none)
  // [timing]
  double tick_s = 0;
  // [energy], picojoules per event unless named otherwise
  double synaptic_event_pj = 0;
  double neuron_update_pj = 0;
  double spike_sent_pj = 0;
  double hop_pj = 0;            // one on-chip router hop
  double chip_crossing_pj = 0;  // one chip-to-chip link traversal
  double static_power_mw = 0;   // per chip, leakage and clock
  // [conventional]: a von Neumann processor doing the same work (Horowitz 2014)
  double conventional_weight_fetch_pj = 0;
  double conventional_mac_pj = 0;

  // field ("energy.hop_pj") -> source string; every numeric field above has one.
  std::map<std::string, std::string> sources;
  std::filesystem::path file;

  int64_t cores_per_chip() const { return cores_x * cores_y; }
  int64_t chips() const { return chips_x * chips_y; }
  int64_t total_cores() const { return cores_per_chip() * chips(); }
};

// Reads a profile. A file may name `base = "other.toml"` (relative to itself) and override any field, which
// is how boards (e.g. ns16e.toml = 4x4 truenorth chips) are written. Throws scx::Error naming file:line and
// field.
ChipProfile read_chip_profile(const std::filesystem::path& path);
ChipProfile parse_chip_profile(std::string_view text, const std::string& source_name,
                               const std::filesystem::path& base_dir = {});

// Resolves `--chip truenorth` to <dir>/truenorth.toml when it is not a path to an existing file.
std::filesystem::path find_chip_profile(const std::string& name_or_path,
                                        const std::filesystem::path& chips_dir);

}  // namespace scx::hw
