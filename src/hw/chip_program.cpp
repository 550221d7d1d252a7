#include "silicortex/hw/chip_program.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"

namespace scx::hw {
namespace {

constexpr char kMagic[8] = {'S', 'C', 'X', 'P', 'R', 'O', 'G', '\0'};
constexpr uint32_t kKindTrueNorth = 1;
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

}  // namespace

void save_chip_program(const TrueNorthChip& chip, const std::filesystem::path& path) {
  Writer w;
  const ChipProfile& p = chip.profile();
  w.put_string(p.name);
  for (auto f : kIntFields) w.put(p.*f);
  for (auto f : kRealFields) w.put(p.*f);
  w.put(chip.seed());
  for (int32_t c = 0; c < chip.cores(); ++c) {
    for (int a = 0; a < TrueNorthChip::kAxons; ++a) {
      const uint64_t* row = chip.crossbar_row(c, a);
      for (int k = 0; k < 4; ++k) w.put(row[k]);
      w.put(uint8_t(chip.axon_type(c, a)));
    }
    for (int j = 0; j < TrueNorthChip::kNeurons; ++j) put_neuron(w, chip.neuron(c, j));
  }
  Writer head;
  for (char ch : kMagic) head.put(ch);
  head.put(kChipProgramVersion);
  head.put(kKindTrueNorth);
  head.put(uint64_t(w.bytes().size()));
  head.put(fnv1a(w.bytes()));

  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f.write(head.bytes().data(), std::streamsize(head.bytes().size()));
    f.write(w.bytes().data(), std::streamsize(w.bytes().size()));
    if (!f) throw Error(fmt::format("{}: cannot write chip program", path.string()));
  }
  out.commit();
}

std::unique_ptr<TrueNorthChip> load_chip_program(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("{}: cannot open chip program", file));
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    throw Error(fmt::format("{}: not a chip program (no SCXPROG header)", file));
  Reader head(bytes, sizeof(kMagic), file);
  const auto version = head.get<uint32_t>();
  if (version != kChipProgramVersion)
    throw Error(
        fmt::format("{}: chip program format version {}; this build reads version {} (recompile the model)",
                    file, version, kChipProgramVersion));
  const auto kind = head.get<uint32_t>();
  if (kind != kKindTrueNorth)
    throw Error(fmt::format("{}: chip program for an unknown chip kind {}", file, kind));
  const auto payload = head.get<uint64_t>();
  const auto checksum = head.get<uint64_t>();
  if (bytes.size() - kHeaderBytes != payload)
    throw Error(
        fmt::format("{}: chip program is truncated or padded: header says {} payload bytes, file has {}",
                    file, payload, bytes.size() - kHeaderBytes));
  if (fnv1a(bytes.substr(kHeaderBytes)) != checksum)
    throw Error(fmt::format("{}: chip program checksum mismatch (the file is corrupt)", file));

  Reader r(bytes, kHeaderBytes, file);
  ChipProfile p;
  p.name = r.get_string();
  p.neuron_kind = NeuronKind::kTrueNorth;
  p.file = path;
  for (auto field : kIntFields) p.*field = r.get<int64_t>();
  for (auto field : kRealFields) p.*field = r.get<double>();
  p.description = "loaded from chip program " + file;
  const auto seed = r.get<uint64_t>();
  if (p.cores_x < 1 || p.cores_y < 1 || p.chips_x < 1 || p.chips_y < 1 ||
      p.total_cores() > (int64_t{1} << 22))
    throw Error(fmt::format("{}: chip program has an impossible mesh", file));
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

}  // namespace scx::hw
