#include "silicortex/hw/chip_program.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/hw/loihi_chip.hpp"

namespace scx::hw {
namespace {

constexpr char kMagic[8] = {'S', 'C', 'X', 'P', 'R', 'O', 'G', '\0'};
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8 + 8;

// The profile numbers a program carries, in file order.
constexpr std::array<int64_t ChipProfile::*, 16> kIntFields = {&ChipProfile::cores_x,
                                                               &ChipProfile::cores_y,
                                                               &ChipProfile::chips_x,
                                                               &ChipProfile::chips_y,
                                                               &ChipProfile::neurons_per_core,
                                                               &ChipProfile::axons_per_core,
                                                               &ChipProfile::output_axons_per_core,
                                                               &ChipProfile::axon_types,
                                                               &ChipProfile::synapse_memory_bits,
                                                               &ChipProfile::destinations_per_neuron,
                                                               &ChipProfile::max_delay_ticks,
                                                               &ChipProfile::weight_bits,
                                                               &ChipProfile::leak_bits,
                                                               &ChipProfile::threshold_bits,
                                                               &ChipProfile::potential_bits,
                                                               &ChipProfile::prng_bits};
constexpr std::array<double ChipProfile::*, 9> kRealFields = {&ChipProfile::tick_s,
                                                              &ChipProfile::synaptic_event_pj,
                                                              &ChipProfile::neuron_update_pj,
                                                              &ChipProfile::spike_sent_pj,
                                                              &ChipProfile::hop_pj,
                                                              &ChipProfile::chip_crossing_pj,
                                                              &ChipProfile::static_power_mw,
                                                              &ChipProfile::conventional_weight_fetch_pj,
                                                              &ChipProfile::conventional_mac_pj};

uint64_t fnv1a(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

class Writer {
 public:
  template <typename T>
  void put(T x) {
    char b[sizeof(T)];
    std::memcpy(b, &x, sizeof(T));
    out_.append(b, sizeof(T));
  }
  void put_string(const std::string& s) {
    put(uint32_t(s.size()));
    out_ += s;
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(const std::string& bytes, size_t pos, std::string file)
      : in_(bytes), pos_(pos), file_(std::move(file)) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T x;
    std::memcpy(&x, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return x;
  }
  std::string get_string() {
    const auto n = get<uint32_t>();
    need(n);
    std::string s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  void need(size_t n) const {
    if (in_.size() - pos_ < n)
      throw Error(fmt::format("{}: chip program ends early (corrupt payload)", file_));
  }
  const std::string& in_;
  size_t pos_;
  std::string file_;
};

void put_neuron(Writer& w, const TrueNorthNeuronParams& p) {
  int32_t flags = 0;
  for (int g = 0; g < 4; ++g) flags |= int32_t(p.stochastic_weight[g]) << g;
  flags |= int32_t(p.leak_reversal) << 4 | int32_t(p.stochastic_leak) << 5 | int32_t(p.neg_saturate) << 6 |
           int32_t(p.dest.enabled) << 7;
  for (int32_t x : {p.weight[0], p.weight[1], p.weight[2], p.weight[3], flags, p.leak, p.threshold,
                    p.neg_threshold, p.threshold_mask_bits, int32_t(p.reset), p.reset_value, p.v_init,
                    p.dest.dx, p.dest.dy, p.dest.axon, p.dest.delay_ticks})
    w.put(x);
}

TrueNorthNeuronParams get_neuron(Reader& r, const std::string& file, int32_t core, int32_t neuron) {
  TrueNorthNeuronParams p;
  for (auto& x : p.weight) x = r.get<int32_t>();
  const auto flags = r.get<int32_t>();
  for (int g = 0; g < 4; ++g) p.stochastic_weight[g] = (flags >> g) & 1;
  p.leak_reversal = (flags >> 4) & 1;
  p.stochastic_leak = (flags >> 5) & 1;
  p.neg_saturate = (flags >> 6) & 1;
  p.dest.enabled = (flags >> 7) & 1;
  p.leak = r.get<int32_t>();
  p.threshold = r.get<int32_t>();
  p.neg_threshold = r.get<int32_t>();
  p.threshold_mask_bits = r.get<int32_t>();
  const auto reset = r.get<int32_t>();
  if (reset < 0 || reset > 2)
    throw Error(
        fmt::format("{}: core {} neuron {}: reset mode {} is not 0, 1 or 2", file, core, neuron, reset));
  p.reset = static_cast<TnReset>(reset);
  p.reset_value = r.get<int32_t>();
  p.v_init = r.get<int32_t>();
  p.dest.dx = r.get<int32_t>();
  p.dest.dy = r.get<int32_t>();
  p.dest.axon = r.get<int32_t>();
  p.dest.delay_ticks = r.get<int32_t>();
  return p;
}

void put_profile(Writer& w, const ChipProfile& p) {
  w.put_string(p.name);
  for (auto f : kIntFields) w.put(p.*f);
  for (auto f : kRealFields) w.put(p.*f);
}

ChipProfile get_profile(Reader& r, NeuronKind kind, const std::filesystem::path& path) {
  ChipProfile p;
  p.name = r.get_string();
  p.neuron_kind = kind;
  p.file = path;
  for (auto field : kIntFields) p.*field = r.get<int64_t>();
  for (auto field : kRealFields) p.*field = r.get<double>();
  p.description = "loaded from chip program " + path.string();
  if (p.cores_x < 1 || p.cores_y < 1 || p.chips_x < 1 || p.chips_y < 1 ||
      p.total_cores() > (int64_t{1} << 22))
    throw Error(fmt::format("{}: chip program has an impossible mesh", path.string()));
  return p;
}

void write_program(const std::filesystem::path& path, ChipProgramKind kind, const std::string& payload) {
  Writer head;
  for (char ch : kMagic) head.put(ch);
  head.put(kChipProgramVersion);
  head.put(static_cast<uint32_t>(kind));
  head.put(uint64_t(payload.size()));
  head.put(fnv1a(payload));
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f.write(head.bytes().data(), std::streamsize(head.bytes().size()));
    f.write(payload.data(), std::streamsize(payload.size()));
    if (!f) throw Error(fmt::format("{}: cannot write chip program", path.string()));
  }
  out.commit();
}

// The whole file after checking its header and checksum; the payload starts at kHeaderBytes.
std::string read_program(const std::filesystem::path& path, ChipProgramKind* kind) {
  const std::string file = path.string();
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("{}: cannot open chip program", file));
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    throw Error(fmt::format("{}: not a chip program (no SCXPROG header)", file));
  Reader head(bytes, sizeof(kMagic), file);
  const auto version = head.get<uint32_t>();
  if (version != kChipProgramVersion)
    throw Error(
        fmt::format("{}: chip program format version {}; this build reads version {} (recompile the model)",
                    file, version, kChipProgramVersion));
  const auto raw_kind = head.get<uint32_t>();
  if (raw_kind != uint32_t(ChipProgramKind::kTrueNorth) && raw_kind != uint32_t(ChipProgramKind::kLoihi))
    throw Error(fmt::format("{}: chip program for an unknown chip kind {}", file, raw_kind));
  *kind = static_cast<ChipProgramKind>(raw_kind);
  const auto payload = head.get<uint64_t>();
  const auto checksum = head.get<uint64_t>();
  if (bytes.size() - kHeaderBytes != payload)
    throw Error(
        fmt::format("{}: chip program is truncated or padded: header says {} payload bytes, file has {}",
                    file, payload, bytes.size() - kHeaderBytes));
  if (fnv1a(bytes.substr(kHeaderBytes)) != checksum)
    throw Error(fmt::format("{}: chip program checksum mismatch (the file is corrupt)", file));
  return bytes;
}

std::string read_program_of_kind(const std::filesystem::path& path, ChipProgramKind want) {
  ChipProgramKind kind{};
  std::string bytes = read_program(path, &kind);
  if (kind != want)
    throw Error(fmt::format("{}: a {} chip program, not a {} one", path.string(),
                            chip_program_kind_name(kind), chip_program_kind_name(want)));
  return bytes;
}

// A weight or bias stored as one scaled integer, split back into a mantissa that fits `mant_bits` (signed)
// and the smallest exponent that reproduces it exactly.
std::pair<int32_t, int32_t> split_scaled(int64_t value, int64_t mant_bits, int32_t max_exp,
                                         const std::string& what) {
  const int64_t hi = (int64_t{1} << (mant_bits - 1)) - 1;
  for (int32_t e = 0; e <= max_exp; ++e) {
    const int64_t m = value / (int64_t{1} << e);
    if (m * (int64_t{1} << e) != value) break;
    if (m >= -hi - 1 && m <= hi) return {int32_t(m), e};
  }
  throw Error(what +
              fmt::format(": value {} is not a {}-bit mantissa times 2^0..2^{}", value, mant_bits, max_exp));
}

}  // namespace

const char* chip_program_kind_name(ChipProgramKind kind) {
  return kind == ChipProgramKind::kLoihi ? "loihi" : "truenorth";
}

ChipProgramKind chip_program_kind(const std::filesystem::path& path) {
  ChipProgramKind kind{};
  read_program(path, &kind);
  return kind;
}

void save_chip_program(const TrueNorthChip& chip, const std::filesystem::path& path) {
  Writer w;
  put_profile(w, chip.profile());
  w.put(chip.seed());
  for (int32_t c = 0; c < chip.cores(); ++c) {
    for (int a = 0; a < TrueNorthChip::kAxons; ++a) {
      const uint64_t* row = chip.crossbar_row(c, a);
      for (int k = 0; k < 4; ++k) w.put(row[k]);
      w.put(uint8_t(chip.axon_type(c, a)));
    }
    for (int j = 0; j < TrueNorthChip::kNeurons; ++j) put_neuron(w, chip.neuron(c, j));
  }
  write_program(path, ChipProgramKind::kTrueNorth, w.bytes());
}

std::unique_ptr<TrueNorthChip> load_chip_program(const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string bytes = read_program_of_kind(path, ChipProgramKind::kTrueNorth);
  Reader r(bytes, kHeaderBytes, file);
  const ChipProfile p = get_profile(r, NeuronKind::kTrueNorth, path);
  const auto seed = r.get<uint64_t>();
  auto chip = std::make_unique<TrueNorthChip>(p, seed);
  for (int32_t c = 0; c < chip->cores(); ++c) {
    for (int a = 0; a < TrueNorthChip::kAxons; ++a) {
      uint64_t* row = chip->crossbar_row(c, a);
      for (int k = 0; k < 4; ++k) row[k] = r.get<uint64_t>();
      chip->set_axon_type(c, a, r.get<uint8_t>());
    }
    for (int j = 0; j < TrueNorthChip::kNeurons; ++j) chip->set_neuron(c, j, get_neuron(r, file, c, j));
  }
  if (!r.at_end()) throw Error(fmt::format("{}: chip program has bytes after its last core", file));
  return chip;
}

// Loihi payload: profile, then per core: neuron count; for a used core du, dv, vth, each neuron's scaled
// bias, the axon count with each axon's (neuron, scaled weight) list, and each neuron's (core, axon) list.
void save_chip_program(const LoihiChip& chip, const std::filesystem::path& path) {
  Writer w;
  put_profile(w, chip.profile());
  // Refused rather than silently dropped: a reloaded program would behave differently.
  for (int32_t c = 0; c < chip.cores(); ++c) {
    if (chip.learner(c))
      throw Error(fmt::format("{}: core {} learns on chip; chip programs do not hold learning rules yet",
                              path.string(), c));
    if (chip.start_delay(c) != 0)
      throw Error(fmt::format("{}: core {} has a start delay; chip programs do not hold start delays yet",
                              path.string(), c));
  }
  for (int32_t c = 0; c < chip.cores(); ++c) {
    const auto n = uint32_t(chip.neurons(c));
    w.put(n);
    if (n == 0) continue;
    const auto& lif = chip.lif(c);
    for (int32_t x : {lif.params().du, lif.params().dv, lif.params().vth}) w.put(x);
    for (uint32_t j = 0; j < n; ++j) w.put(lif.bias(j));
    w.put(uint32_t(chip.axons(c).size()));
    for (const auto& axon : chip.axons(c)) {
      w.put(uint32_t(axon.size()));
      for (const auto& s : axon) {
        w.put(s.neuron);
        w.put(s.weight);
      }
    }
    for (uint32_t j = 0; j < n; ++j) {
      const auto& dest = chip.destinations(c, int32_t(j));
      w.put(uint32_t(dest.size()));
      for (const auto& [to, axon] : dest) {
        w.put(to);
        w.put(axon);
      }
    }
  }
  write_program(path, ChipProgramKind::kLoihi, w.bytes());
}

std::unique_ptr<LoihiChip> load_loihi_program(const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string bytes = read_program_of_kind(path, ChipProgramKind::kLoihi);
  Reader r(bytes, kHeaderBytes, file);
  auto chip = std::make_unique<LoihiChip>(get_profile(r, NeuronKind::kLoihiCuba, path));
  const int64_t weight_bits = chip->profile().weight_bits;
  for (int32_t c = 0; c < chip->cores(); ++c) {
    try {
      const auto n = r.get<uint32_t>();
      if (n == 0) continue;
      LoihiLifParams p;
      p.du = r.get<int32_t>();
      p.dv = r.get<int32_t>();
      p.vth = r.get<int32_t>();
      chip->configure_core(c, p, int32_t(std::min<uint32_t>(n, uint32_t{1} << 30)));
      for (uint32_t j = 0; j < n; ++j) {
        const auto [m, e] = split_scaled(r.get<int32_t>(), 13, 7, fmt::format("neuron {} bias", j));
        chip->set_bias(c, int32_t(j), m, e);
      }
      const auto axons = r.get<uint32_t>();
      for (uint32_t a = 0; a < axons; ++a) {
        const auto synapses = r.get<uint32_t>();
        for (uint32_t k = 0; k < synapses; ++k) {
          const auto neuron = r.get<int32_t>();
          const auto [m, e] =
              split_scaled(r.get<int32_t>(), weight_bits, 16, fmt::format("axon {} weight", a));
          chip->add_synapse(c, int32_t(a), neuron, m, e);
        }
      }
      for (uint32_t j = 0; j < n; ++j) {
        const auto count = r.get<uint32_t>();
        for (uint32_t k = 0; k < count; ++k) {
          const auto to = r.get<int32_t>();
          chip->add_destination(c, int32_t(j), to, r.get<int32_t>());
        }
      }
    } catch (const Error& e) {
      throw Error(fmt::format("{}: core {}: {}", file, c, e.what()));
    }
  }
  if (!r.at_end()) throw Error(fmt::format("{}: chip program has bytes after its last core", file));
  return chip;
}

}  // namespace scx::hw
