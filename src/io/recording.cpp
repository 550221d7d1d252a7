#include "silicortex/io/recording.hpp"

#include "io/h5_file.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"

// Layout and types: docs/recording-format.md. Keep the two in step, and bump kFormatVersion on any change a
// reader would notice.
namespace scx::io {
namespace {

constexpr char kFormatName[] = "silicortex-run";
constexpr uint32_t kFormatVersion = 1;

template <class T>
std::span<const T> view(const std::vector<T>& v) {
  return {v.data(), v.size()};
}

void check_writable(const std::string& file, const sim::RunResult& run) {
  for (size_t i = 0; i < run.spikes.size(); ++i) {
    const auto& p = run.spikes[i];
    const std::string what = "population '" + p.population + "'";
    if (p.population.empty() || p.population == "." || p.population.find('/') != std::string::npos)
      throw_error_at(file, 0, 0, what, "name cannot be an HDF5 group name (empty, '.' or contains '/')");
    for (size_t j = 0; j < i; ++j)
      if (run.spikes[j].population == p.population) throw_error_at(file, 0, 0, what, "appears twice");
    if (p.times_ms.size() != p.neurons.size())
      throw_error_at(file, 0, 0, what, "spike times and neuron indices differ in length");
  }
  for (size_t i = 0; i < run.traces.size(); ++i) {
    const auto& t = run.traces[i];
    if (t.values.size() != t.times_ms.size() * t.neurons.size())
      throw_error_at(file, 0, 0, "trace " + std::to_string(i) + " (" + t.population + "." + t.variable + ")",
                     "values are not [samples][neurons]");
  }
}

void write_meta(const H5Writer& w, const H5Group& root, const sim::RunMetadata& m) {
  const H5Group g = w.group(root, "meta");
  w.attr(g, "model_name", m.model_name);
  w.attr(g, "version", m.version);
  w.attr(g, "seed", m.seed);
  w.attr(g, "dt_ms", m.dt_ms);
  w.attr(g, "duration_ms", m.duration_ms);
  w.attr(g, "threads", uint32_t{m.threads});
  w.attr(g, "wall_s", m.wall_s);
  w.attr(g, "loop_wall_s", m.loop_wall_s);
  w.attr(g, "build_wall_s", m.build_wall_s);
  w.attr(g, "neurons", m.neurons);
  w.attr(g, "synapses", m.synapses);
  w.attr(g, "spikes", m.spikes);
  w.attr(g, "synaptic_events", m.synaptic_events);
  w.string_dataset(g, "model_source", m.model_source);
}

sim::RunMetadata read_meta(const H5Reader& r, const H5Group& root) {
  const H5Group g = r.group(root, "meta");
  sim::RunMetadata m;
  m.model_name = r.attr_string(g, "model_name");
  m.version = r.attr_string(g, "version");
  m.seed = r.attr<uint64_t>(g, "seed");
  m.dt_ms = r.attr<double>(g, "dt_ms");
  m.duration_ms = r.attr<double>(g, "duration_ms");
  m.threads = r.attr<uint32_t>(g, "threads");
  m.wall_s = r.attr<double>(g, "wall_s");
  m.loop_wall_s = r.attr<double>(g, "loop_wall_s");
  m.build_wall_s = r.attr<double>(g, "build_wall_s");
  m.neurons = r.attr<uint64_t>(g, "neurons");
  m.synapses = r.attr<uint64_t>(g, "synapses");
  m.spikes = r.attr<uint64_t>(g, "spikes");
  m.synaptic_events = r.attr<uint64_t>(g, "synaptic_events");
  m.model_source = r.string_dataset(g, "model_source");
  return m;
}

void write_spikes(const H5Writer& w, const H5Group& root, const std::vector<sim::PopulationSpikes>& pops) {
  const H5Group g = w.group(root, "spikes");
  std::vector<std::string> names;
  for (const auto& p : pops) names.push_back(p.population);
  w.attr(g, "populations", names);
  for (const auto& p : pops) {
    const H5Group pg = w.group(g, p.population);
    w.attr(pg, "size", p.size);
    w.attr(pg, "total_spikes", p.total_spikes);
    w.attr(pg, "recorded", p.recorded);
    w.dataset(pg, "times_ms", view(p.times_ms), {p.times_ms.size()});
    w.dataset(pg, "neurons", view(p.neurons), {p.neurons.size()});
  }
}

std::vector<sim::PopulationSpikes> read_spikes(const H5Reader& r, const H5Group& root) {
  const H5Group g = r.group(root, "spikes");
  std::vector<sim::PopulationSpikes> pops;
  for (const auto& name : r.attr_strings(g, "populations")) {
    const H5Group pg = r.group(g, name);
    sim::PopulationSpikes p;
    p.population = name;
    p.size = r.attr<uint32_t>(pg, "size");
    p.total_spikes = r.attr<uint64_t>(pg, "total_spikes");
    p.recorded = r.attr<bool>(pg, "recorded");
    p.times_ms = r.dataset<double>(pg, "times_ms");
    p.neurons = r.dataset<uint32_t>(pg, "neurons");
    if (p.neurons.size() != p.times_ms.size()) r.fail(pg.path, "times_ms and neurons differ in length");
    for (uint32_t n : p.neurons)
      if (n >= p.size) r.fail(pg.child("neurons"), "neuron index " + std::to_string(n) + " >= size");
    pops.push_back(std::move(p));
  }
  return pops;
}

void write_traces(const H5Writer& w, const H5Group& root, const std::vector<sim::StateTrace>& traces) {
  const H5Group g = w.group(root, "traces");
  w.attr(g, "count", uint64_t{traces.size()});
  for (size_t i = 0; i < traces.size(); ++i) {
    const auto& t = traces[i];
    const H5Group tg = w.group(g, std::to_string(i));
    w.attr(tg, "population", t.population);
    w.attr(tg, "variable", t.variable);
    w.attr(tg, "interval_ms", t.interval_ms);
    w.dataset(tg, "neurons", view(t.neurons), {t.neurons.size()});
    w.dataset(tg, "times_ms", view(t.times_ms), {t.times_ms.size()});
    w.dataset(tg, "values", view(t.values), {t.times_ms.size(), t.neurons.size()});
  }
}

std::vector<sim::StateTrace> read_traces(const H5Reader& r, const H5Group& root) {
  const H5Group g = r.group(root, "traces");
  const auto count = r.attr<uint64_t>(g, "count");
  std::vector<sim::StateTrace> traces;
  for (uint64_t i = 0; i < count; ++i) {
    const H5Group tg = r.group(g, std::to_string(i));
    sim::StateTrace t;
    t.population = r.attr_string(tg, "population");
    t.variable = r.attr_string(tg, "variable");
    t.interval_ms = r.attr<double>(tg, "interval_ms");
    t.neurons = r.dataset<uint32_t>(tg, "neurons");
    t.times_ms = r.dataset<double>(tg, "times_ms");
    std::vector<hsize_t> dims;
    t.values = r.dataset<float>(tg, "values", 2, dims);
    if (dims[0] != t.times_ms.size() || dims[1] != t.neurons.size())
      r.fail(tg.child("values"), "shape is not [len(times_ms)][len(neurons)]");
    traces.push_back(std::move(t));
  }
  return traces;
}

}  // namespace

void write_run_h5(const std::filesystem::path& path, const sim::RunResult& run) {
  check_writable(path.string(), run);
  AtomicOutput out(path);
  {
    H5Writer w(out.temp_path(), path.string());
    {
      const H5Group root = w.root();
      w.attr(root, "format", std::string(kFormatName));
      w.attr(root, "format_version", kFormatVersion);
      write_meta(w, root, run.meta);
      write_spikes(w, root, run.spikes);
      write_traces(w, root, run.traces);
    }
    w.close();
  }
  out.commit();
}

sim::RunResult read_run_h5(const std::filesystem::path& path) {
  H5Reader r(path);
  const H5Group root = r.root();
  r.check_format(kFormatName, kFormatVersion, "Silicortex run recording");
  sim::RunResult run;
  run.meta = read_meta(r, root);
  run.spikes = read_spikes(r, root);
  run.traces = read_traces(r, root);
  return run;
}

}  // namespace scx::io
