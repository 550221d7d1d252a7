// Running a converted NIR graph: input spikes in, engine run, latency alignment undone on the way out.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "io/h5_file.hpp"
#include "io/h5_guard.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/nir_model.hpp"
#include "silicortex/sim/engine.hpp"

namespace scx::io::nir {
namespace {

constexpr int64_t kMaxSteps = int64_t{1} << 31;

uint32_t total_input_size(const Converted& c) {
  uint32_t n = 0;
  for (const auto& p : c.inputs) n += p.size;
  return n;
}

// Splits a flat neuron index over the concatenated Input nodes into (input, local index).
void add_spike(std::vector<SpikeTrain>& trains, const Converted& c, int64_t step, uint64_t flat) {
  for (size_t k = 0; k < c.inputs.size(); ++k) {
    if (flat < c.inputs[k].size) {
      trains[k].steps.push_back(step);
      trains[k].neurons.push_back(static_cast<uint32_t>(flat));
      return;
    }
    flat -= c.inputs[k].size;
  }
}

std::vector<SpikeTrain> read_csv(const std::filesystem::path& path, const Converted& c, int64_t& steps) {
  std::ifstream in(path);
  if (!in) throw_error_at(path.string(), 0, 0, "", "cannot open");
  const uint32_t width = total_input_size(c);
  std::vector<SpikeTrain> trains(c.inputs.size());
  std::string line;
  int line_no = 0;
  bool events = false;
  int64_t rows = 0, last_step = -1;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (line_no == 1 && line.rfind("step", 0) == 0) {  // "step,neuron": one spike per row
      events = true;
      continue;
    }
    std::vector<double> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) {
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (end == cell.c_str() || !std::isfinite(v))
        throw_error_at(path.string(), line_no, 0, "", "'" + cell + "' is not a number");
      cells.push_back(v);
    }
    if (events) {
      if (cells.size() != 2 || cells[0] < 0 || cells[1] < 0 || cells[0] != std::floor(cells[0]) ||
          cells[1] != std::floor(cells[1]) || cells[0] >= kMaxSteps || cells[1] >= width)
        throw_error_at(path.string(), line_no, 0, "",
                       fmt::format("expected 'step,neuron' with a step >= 0 and a neuron below {}", width));
      add_spike(trains, c, static_cast<int64_t>(cells[0]), static_cast<uint64_t>(cells[1]));
      last_step = std::max(last_step, static_cast<int64_t>(cells[0]));
      continue;
    }
    if (cells.size() != width)
      throw_error_at(path.string(), line_no, 0, "",
                     fmt::format("has {} columns; the graph's inputs have {} neurons", cells.size(), width));
    for (uint32_t k = 0; k < width; ++k) {
      if (cells[k] == 0) continue;
      if (cells[k] != 1)
        throw_error_at(path.string(), line_no, 0, "",
                       fmt::format("column {}: spikes are 0 or 1, got {}", k + 1, cells[k]));
      add_spike(trains, c, rows, k);
    }
    ++rows;
  }
  steps = events ? last_step + 1 : rows;
  return trains;
}

// HDF5: datasets `steps` and `neurons` at the root, or a NIRData file (nir.write_data) with the Input node's
// first observable: TimeGriddedData (data [sample][step][neuron]) or EventData (idx, time [sample][event]).
std::vector<SpikeTrain> read_h5(const std::filesystem::path& path, const Converted& c, double dt_s,
                                int64_t& steps) {
  H5Reader r(path);
  const H5Group root = r.root();
  std::vector<SpikeTrain> trains(c.inputs.size());
  const uint32_t width = total_input_size(c);
  std::vector<hsize_t> dims;
  if (r.has(root, "steps")) {
    const auto st = r.numbers(root, "steps", dims, size_t{1} << 28);
    const auto ne = r.numbers(root, "neurons", dims, size_t{1} << 28);
    if (st.size() != ne.size()) r.fail("/neurons", "has a different length than /steps");
    steps = 0;
    for (size_t k = 0; k < st.size(); ++k) {
      if (!(st[k] >= 0 && st[k] < kMaxSteps) || !(ne[k] >= 0 && ne[k] < width))
        r.fail("/steps", fmt::format("entry {}: step {} or neuron {} out of range", k, st[k], ne[k]));
      add_spike(trains, c, static_cast<int64_t>(st[k]), static_cast<uint64_t>(ne[k]));
      steps = std::max(steps, static_cast<int64_t>(st[k]) + 1);
    }
    return trains;
  }
  const H5Group nodes = r.group(root, "nodes");
  steps = 0;
  for (size_t k = 0; k < c.inputs.size(); ++k) {
    const H5Group obs = r.group(r.group(nodes, c.inputs[k].node), "observables");
    const auto names = r.children(obs);
    if (names.empty()) r.fail(obs.path, "has no observable");
    const H5Group o = r.group(obs, names[0]);
    const std::string type = r.attr_string(o, "__type__");
    const uint32_t n = c.inputs[k].size;
    if (type == "TimeGriddedData") {
      const auto data = r.numbers(o, "data", dims, size_t{1} << 28);
      if (dims.size() != 3 || dims[2] != n)
        r.fail(o.child("data"), fmt::format("expected [samples][steps][{}]", n));
      const double dt = r.attr<double>(o, "dt");
      if (std::fabs(dt - dt_s) > 1e-9 * dt_s)
        r.fail(o.path, fmt::format("dt is {} s but the run uses {} s", dt, dt_s));
      for (hsize_t s = 0; s < dims[1]; ++s)
        for (uint32_t i = 0; i < n; ++i)
          if (data[s * n + i] != 0) {
            trains[k].steps.push_back(static_cast<int64_t>(s));
            trains[k].neurons.push_back(i);
          }
      steps = std::max(steps, static_cast<int64_t>(dims[1]));
    } else if (type == "EventData" || type == "ValuedEventData") {
      std::vector<hsize_t> tdims;
      const auto idx = r.numbers(o, "idx", dims, size_t{1} << 28);
      const auto time = r.numbers(o, "time", tdims, size_t{1} << 28);
      if (dims.size() != 2 || tdims != dims) r.fail(o.path, "idx and time must both be [samples][events]");
      for (hsize_t e = 0; e < dims[1]; ++e) {
        if (idx[e] < 0 || !std::isfinite(time[e])) continue;  // padding
        if (idx[e] >= n || time[e] < 0) r.fail(o.child("idx"), fmt::format("event {} out of range", e));
        trains[k].steps.push_back(std::llround(time[e] / dt_s));
        trains[k].neurons.push_back(static_cast<uint32_t>(idx[e]));
      }
      steps = std::max(steps, static_cast<int64_t>(std::ceil(r.attr<double>(o, "t_max") / dt_s - 1e-9)));
    } else {
      r.fail(o.path, "unknown observable type '" + type + "'");
    }
  }
  return trains;
}

}  // namespace

std::vector<SpikeTrain> read_input_spikes(const std::filesystem::path& path, const Converted& c,
                                          int64_t& steps) {
  const std::string ext = path.extension().string();
  if (ext == ".csv" || ext == ".txt") return read_csv(path, c, steps);
  const std::string bytes = read_in_child(path, [&] {
    int64_t n = 0;
    const auto trains = read_h5(path, c, c.net.sim.dt_ms * 1e-3, n);
    ByteWriter w;
    w.u64(static_cast<uint64_t>(n));
    for (const auto& t : trains) {
      w.f64s(std::vector<double>(t.steps.begin(), t.steps.end()));
      w.f64s(std::vector<double>(t.neurons.begin(), t.neurons.end()));
    }
    return w.take();
  });
  ByteReader r(bytes);
  steps = static_cast<int64_t>(r.u64());
  std::vector<SpikeTrain> trains(c.inputs.size());
  for (auto& t : trains) {
    for (double x : r.f64s()) t.steps.push_back(static_cast<int64_t>(x));
    for (double x : r.f64s()) t.neurons.push_back(static_cast<uint32_t>(x));
  }
  return trains;
}

void set_inputs(Converted& c, const std::vector<SpikeTrain>& inputs, int64_t steps) {
  model::Network& net = c.net;
  const double dt_ms = net.sim.dt_ms;
  if (inputs.size() != c.inputs.size())
    throw Error(fmt::format("the graph has {} Input nodes but {} spike trains were given", c.inputs.size(),
                            inputs.size()));
  if (steps <= 0 || steps > kMaxSteps)
    throw Error(fmt::format("steps: must be in 1..{}, got {}", kMaxSteps, steps));
  for (size_t k = 0; k < inputs.size(); ++k) {
    auto& pop = *std::find_if(net.populations.begin(), net.populations.end(),
                              [&](const model::Population& p) { return p.name == c.inputs[k].population; });
    auto& times = std::get<model::SpikeTimesSource>(pop.params).times_ms;
    for (auto& t : times) t.clear();
    for (size_t s = 0; s < inputs[k].steps.size(); ++s) {
      const int64_t step = inputs[k].steps[s];
      const uint32_t i = inputs[k].neurons[s];
      if (i >= pop.size || step < 0)
        throw Error(fmt::format("input '{}': spike ({}, {}) out of range", c.inputs[k].node, step, i));
      if (step < steps) times[i].push_back(static_cast<double>(step) * dt_ms);
    }
  }
  const uint32_t max_depth = c.depth.empty() ? 0 : *std::max_element(c.depth.begin(), c.depth.end());
  net.sim.duration_ms = static_cast<double>(steps + max_depth) * dt_ms;
}

sim::RunResult run(Converted& c, const std::vector<SpikeTrain>& inputs, int64_t steps, unsigned threads) {
  set_inputs(c, inputs, steps);
  model::Network& net = c.net;
  const double dt_ms = net.sim.dt_ms;
  net.sim.threads = threads;
  net.probes.clear();
  for (const auto& p : net.populations) net.record(p.name, "spikes");
  for (const auto& o : c.outputs)
    if (!model::is_source(net.find_population(o.population)->params)) net.record(o.population, "v");

  sim::Engine engine(net);
  sim::RunResult res = engine.run();
  // Undo the alignment: population p runs NIR step s at engine step s + depth[p].
  auto depth_of = [&](const std::string& name) {
    for (size_t p = 0; p < net.populations.size(); ++p)
      if (net.populations[p].name == name) return static_cast<int64_t>(c.depth[p]);
    return int64_t{0};
  };
  res.meta.spikes = 0;
  for (auto& ps : res.spikes) {
    const int64_t d = depth_of(ps.population);
    std::vector<double> times;
    std::vector<uint32_t> neurons;
    for (size_t k = 0; k < ps.times_ms.size(); ++k) {
      const int64_t s = std::llround(ps.times_ms[k] / dt_ms) - d;
      if (s < 0 || s >= steps) continue;
      times.push_back(static_cast<double>(s) * dt_ms);
      neurons.push_back(ps.neurons[k]);
    }
    ps.times_ms = std::move(times);
    ps.neurons = std::move(neurons);
    ps.total_spikes = ps.times_ms.size();
    res.meta.spikes += ps.total_spikes;
  }
  for (auto& tr : res.traces) {
    const int64_t d = depth_of(tr.population);
    const size_t n = tr.neurons.size();
    std::vector<double> times;
    std::vector<float> values;
    for (size_t s = 0; s < tr.times_ms.size(); ++s) {
      const int64_t sample = std::llround(tr.times_ms[s] / dt_ms) - d;  // after NIR step sample - 1
      if (sample < 1 || sample > steps) continue;
      times.push_back(static_cast<double>(sample) * dt_ms);
      values.insert(values.end(), tr.values.begin() + static_cast<std::ptrdiff_t>(s * n),
                    tr.values.begin() + static_cast<std::ptrdiff_t>((s + 1) * n));
    }
    tr.times_ms = std::move(times);
    tr.values = std::move(values);
  }
  res.meta.duration_ms = static_cast<double>(steps) * dt_ms;
  return res;
}

}  // namespace scx::io::nir
