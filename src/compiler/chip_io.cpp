#include "silicortex/compiler/chip_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <fstream>
#include <functional>
#include <sstream>

#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"

namespace scx::compiler {

// Format, one record per line:
//   scx-chip-io <version>
//   network <name>          (the rest of the line)
//   timing <dt_ms> <tick_ms> <steps_per_tick> <ticks> <seed> <site_stride>   (version 1: no stride, 256)
//   population <size> <source 0|1> <name>
//   sites <site> ...        (chip populations: one per neuron)
//   spike <step> <neuron>   (sources, after their population line)
//   input <tick> <core> <axon>
std::filesystem::path chip_io_path(const std::filesystem::path& program) {
  return std::filesystem::path(program.string() + ".io");
}

void save_chip_io(const ChipIo& io, const std::filesystem::path& path) {
  std::string out =
      fmt::format("scx-chip-io {}\nnetwork {}\ntiming {} {} {} {} {} {}\n", kChipIoVersion, io.network,
                  io.dt_ms, io.tick_ms, io.steps_per_tick, io.ticks, io.seed, io.site_stride);
  for (const auto& p : io.populations) {
    out += fmt::format("population {} {} {}\n", p.size, p.source ? 1 : 0, p.name);
    if (!p.source) out += fmt::format("sites {}\n", fmt::join(p.sites, " "));
    for (const auto& [step, neuron] : p.source_spikes) out += fmt::format("spike {} {}\n", step, neuron);
  }
  for (const auto& e : io.inputs) out += fmt::format("input {} {} {}\n", e.tick, e.core, e.axon);
  write_text_atomically(path, out);
}

ChipIo load_chip_io(const std::filesystem::path& path) {
  std::ifstream f(path);
  if (!f)
    throw Error(
        fmt::format("{}: cannot open the io file of this chip program (recompile the model; a program "
                    "without one, e.g. from bench --save, runs with `silicortex chip run`)",
                    path.string()));
  ChipIo io;
  std::string line;
  int n = 0;
  auto fail = [&](const std::string& msg) -> void {
    throw Error(fmt::format("{}:{}: {}", path.string(), n, msg));
  };
  bool header = false;
  uint32_t version = 0;
  while (std::getline(f, line)) {
    ++n;
    std::istringstream in(line);
    std::string tag;
    in >> tag;
    if (!header) {
      if (tag != "scx-chip-io" || !(in >> version)) fail("not a chip io file (no scx-chip-io header)");
      if (version < 1 || version > kChipIoVersion)
        fail(fmt::format("chip io format version {}; this build reads versions 1 to {}", version,
                         kChipIoVersion));
      header = true;
      continue;
    }
    if (tag == "network") {
      std::getline(in >> std::ws, io.network);
    } else if (tag == "timing") {
      if (!(in >> io.dt_ms >> io.tick_ms >> io.steps_per_tick >> io.ticks >> io.seed) ||
          io.steps_per_tick == 0 || (version >= 2 && !(in >> io.site_stride)) || io.site_stride == 0)
        fail("bad timing record");
    } else if (tag == "population") {
      PopulationSites p;
      int source = 0;
      if (!(in >> p.size >> source)) fail("bad population record");
      std::getline(in >> std::ws, p.name);
      p.source = source != 0;
      io.populations.push_back(std::move(p));
    } else if (tag == "sites" || tag == "spike") {
      if (io.populations.empty()) fail(tag + " before any population");
      auto& p = io.populations.back();
      if (tag == "sites") {
        for (int64_t s; in >> s;) p.sites.push_back(s);
        if (p.sites.size() != p.size) fail(fmt::format("{} sites for {} neurons", p.sites.size(), p.size));
      } else {
        uint64_t step = 0;
        uint32_t neuron = 0;
        if (!(in >> step >> neuron) || neuron >= p.size) fail("bad spike record");
        p.source_spikes.push_back({step, neuron});
      }
    } else if (tag == "input") {
      InputEvent e;
      if (!(in >> e.tick >> e.core >> e.axon)) fail("bad input record");
      io.inputs.push_back(e);
    } else if (!tag.empty()) {
      fail(fmt::format("unknown record '{}'", tag));
    }
  }
  if (!header) fail("empty file");
  if (!std::is_sorted(io.inputs.begin(), io.inputs.end())) fail("input records are not sorted");
  return io;
}

namespace {

// The run loop shared by the chip kinds: inputs injected at their tick, spikes mapped back to populations.
// `inject` delivers one input event before its tick runs, `step` runs one tick and feeds the sink.
sim::RunResult record_run(const ChipIo& io, int32_t cores, uint64_t start, uint64_t ticks, unsigned threads,
                          const std::function<void(const InputEvent&)>& inject,
                          const std::function<void(const hw::TrueNorthChip::SpikeSink&)>& step) {
  const int64_t sites = int64_t(cores) * io.site_stride;
  std::vector<std::pair<int32_t, uint32_t>> owner(size_t(sites),
                                                  {-1, 0});  // chip neuron -> (population, index)
  for (size_t q = 0; q < io.populations.size(); ++q)
    for (uint32_t i = 0; i < io.populations[q].sites.size(); ++i) {
      const int64_t s = io.populations[q].sites[i];
      if (s < 0 || s >= sites)
        throw Error(fmt::format("population '{}' neuron {}: chip neuron {} is not on this chip ({} cores)",
                                io.populations[q].name, i, s, cores));
      owner[size_t(s)] = {int32_t(q), i};
    }
  for (const auto& e : io.inputs)
    if (e.core < 0 || e.core >= cores || e.axon < 0)
      throw Error(
          fmt::format("input at tick {}: core {} axon {} is not on this chip", e.tick, e.core, e.axon));

  sim::RunResult r;
  r.meta.model_name = io.network;
  r.meta.seed = io.seed;
  r.meta.dt_ms = io.dt_ms;
  r.meta.duration_ms = double(ticks) * io.tick_ms;
  r.meta.threads = threads;
  for (const auto& p : io.populations) {
    sim::PopulationSpikes ps;
    ps.population = p.name;
    ps.size = p.size;
    ps.recorded = true;
    r.meta.neurons += p.size;
    for (const auto& [step_index, neuron] : p.source_spikes) {
      if (double(step_index) * io.dt_ms >= r.meta.duration_ms) break;
      ps.times_ms.push_back(double(step_index) * io.dt_ms);
      ps.neurons.push_back(neuron);
    }
    r.spikes.push_back(std::move(ps));
  }
  const auto sink = [&](uint64_t tick, const std::vector<hw::TnSpike>& spikes) {
    for (const auto& s : spikes) {
      const auto [q, i] = owner[size_t(s.core) * io.site_stride + s.neuron];
      if (q < 0) continue;  // a splitter
      r.spikes[size_t(q)].times_ms.push_back(double(tick) * io.tick_ms);
      r.spikes[size_t(q)].neurons.push_back(i);
    }
  };
  size_t next = 0;
  for (uint64_t t = start; t < ticks; ++t) {
    while (next < io.inputs.size() && io.inputs[next].tick < t) ++next;  // before this run's start
    for (; next < io.inputs.size() && io.inputs[next].tick == t; ++next) inject(io.inputs[next]);
    step(sink);
  }
  for (auto& ps : r.spikes) {
    // Chip spikes arrive in (tick, core, neuron) order; sort by (time, neuron) as the engine records them.
    std::vector<size_t> idx(ps.times_ms.size());
    for (size_t k = 0; k < idx.size(); ++k) idx[k] = k;
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      return ps.times_ms[a] != ps.times_ms[b] ? ps.times_ms[a] < ps.times_ms[b]
                                              : ps.neurons[a] < ps.neurons[b];
    });
    std::vector<double> t(idx.size());
    std::vector<uint32_t> nn(idx.size());
    for (size_t k = 0; k < idx.size(); ++k) t[k] = ps.times_ms[idx[k]], nn[k] = ps.neurons[idx[k]];
    ps.times_ms = std::move(t);
    ps.neurons = std::move(nn);
    ps.total_spikes = ps.times_ms.size();
    r.meta.spikes += ps.total_spikes;
  }
  return r;
}

}  // namespace

sim::RunResult run_on_chip(hw::TrueNorthChip& chip, const ChipIo& io, int threads, uint64_t ticks) {
  auto r = record_run(
      io, chip.cores(), chip.now(), ticks ? ticks : io.ticks, unsigned(threads),
      [&](const InputEvent& e) { chip.inject(e.core, e.axon, e.tick); },
      [&](const hw::TrueNorthChip::SpikeSink& sink) { chip.run(1, threads, sink); });
  for (int32_t c = 0; c < chip.cores(); ++c)  // synapses: crossbar bits set
    for (int32_t a = 0; a < hw::TrueNorthChip::kAxons; ++a)
      for (int w = 0; w < 4; ++w) r.meta.synapses += uint64_t(std::popcount(chip.crossbar_row(c, a)[w]));
  r.meta.synaptic_events = chip.counters().synaptic_events;
  return r;
}

sim::RunResult run_on_chip(hw::LoihiChip& chip, const ChipIo& io, uint64_t ticks) {
  auto r = record_run(
      io, chip.cores(), chip.now(), ticks ? ticks : io.ticks, 1,
      [&](const InputEvent& e) { chip.inject(e.core, e.axon); },
      [&](const hw::TrueNorthChip::SpikeSink& sink) { chip.run(1, sink); });
  r.meta.synaptic_events = chip.counters().synaptic_events;
  return r;
}

}  // namespace scx::compiler
