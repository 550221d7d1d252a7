// `silicortex nir info|run|export`: NIR graphs (docs/nir.md).
#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/nir_model.hpp"
#include "silicortex/io/recording.hpp"

namespace scx::cli {
namespace {

struct NirArgs {
  std::string file, input, out, reset = "value", spikes = "unit";
  double dt_s = 1e-4;
  int64_t steps = 0;
  unsigned threads = 1;
};

io::nir::Options options_of(const NirArgs& a) {
  io::nir::Options o;
  o.dt_s = a.dt_s;
  o.reset = a.reset == "subtract" ? model::NirNeuron::Reset::Subtract : model::NirNeuron::Reset::ToValue;
  o.spikes = a.spikes == "dirac" ? io::nir::Options::Spikes::Dirac : io::nir::Options::Spikes::Unit;
  return o;
}

void info_command(const NirArgs& a) {
  const io::nir::Document doc = io::nir::read_nir(a.file);
  fmt::print("{}", io::nir::describe(doc));
  io::nir::Converted c;
  try {
    c = io::nir::to_network(doc, options_of(a));
  } catch (const Error& e) {
    fmt::print("not runnable in the reference engine: {}\n", e.what());
    return;
  }
  fmt::print("as a network at dt = {} s:\n", a.dt_s);
  for (size_t p = 0; p < c.net.populations.size(); ++p) {
    const auto& pop = c.net.populations[p];
    fmt::print("  population {:<16} {:>8} neurons  {:<12} depth {}\n", pop.name, pop.size,
               model::model_name(pop.params), c.depth[p]);
  }
  uint64_t synapses = 0;
  for (const auto& proj : c.net.projections) synapses += std::get<model::FromList>(proj.connector).pre.size();
  fmt::print("  {} projections, {} synapses\n", c.net.projections.size(), thousands(synapses));
  for (const auto& o : c.outputs) fmt::print("  output {} <- {} ({})\n", o.node, o.population, o.variable);
  for (const auto& w : c.warnings) fmt::print("warning: {}\n", w);
}

void run_command(const NirArgs& a) {
  if (!a.out.empty()) check_writable(a.out);  // fail now, not after the simulation
  const io::nir::Document doc = io::nir::read_nir(a.file);
  io::nir::Converted c = io::nir::to_network(doc, options_of(a));
  for (const auto& w : doc.warnings) fmt::print(stderr, "warning: {}\n", w);
  for (const auto& w : c.warnings) fmt::print(stderr, "warning: {}\n", w);
  int64_t steps = 0;
  const auto inputs = io::nir::read_input_spikes(a.input, c, steps);
  if (a.steps > 0) steps = a.steps;
  sim::RunResult res = io::nir::run(c, inputs, steps, a.threads);
  res.meta.model_name = a.file;
  fmt::print("{}: {} steps of {} s, {} neurons, {} synapses, wall {:.3f} s\n", a.file, steps, a.dt_s,
             thousands(res.meta.neurons), thousands(res.meta.synapses), res.meta.wall_s);
  for (const auto& o : c.outputs) {
    for (const auto& ps : res.spikes) {
      if (ps.population != o.population) continue;
      std::vector<uint64_t> per_neuron(ps.size, 0);
      for (uint32_t i : ps.neurons) ++per_neuron[i];
      fmt::print("output {} ({} neurons): {} spikes; per neuron [{}]\n", o.node, ps.size, ps.times_ms.size(),
                 fmt::join(per_neuron, ", "));
    }
  }
  if (!a.out.empty()) {
    io::write_run_h5(a.out, res);
    fmt::print("wrote {}\n", a.out);
  }
}

void export_command(const NirArgs& a) {
  const model::Network net = load_model(a.file);
  std::vector<std::string> warnings;
  io::nir::Document doc = io::nir::from_network(net, warnings);
  io::nir::write_nir(a.out, doc);
  for (const auto& w : warnings) fmt::print(stderr, "warning: {}\n", w);
  fmt::print("wrote {} ({} nodes, {} edges)\n", a.out, doc.graph.nodes.size(), doc.graph.edges.size());
}

void add_semantics(CLI::App* cmd, NirArgs& a) {
  cmd->add_option("--dt", a.dt_s, "Time step in seconds (NIR stores none; the NIR paper uses 1e-4)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--reset", a.reset,
                  "After a spike: 'value' (v = v_reset, the spec) or 'subtract' (v -= v_threshold)")
      ->check(CLI::IsMember({"value", "subtract"}));
  cmd->add_option("--spikes", a.spikes,
                  "A spike is 'unit' (1 during its step) or 'dirac' (integral 1, i.e. 1/dt)")
      ->check(CLI::IsMember({"unit", "dirac"}));
}

}  // namespace

void register_nir(CLI::App& root) {
  CLI::App* nir = root.add_subcommand("nir", "Neuromorphic Intermediate Representation (NIR) graphs");
  nir->require_subcommand(1);
  auto args = std::make_shared<NirArgs>();

  CLI::App* info = nir->add_subcommand("info", "Print a NIR file's graph, shapes and parameters");
  info->add_option("file", args->file, "NIR file (HDF5)")->required();
  add_semantics(info, *args);
  info->callback([args] { info_command(*args); });

  CLI::App* run = nir->add_subcommand("run", "Run a NIR graph on input spikes in the reference engine");
  run->add_option("file", args->file, "NIR file (HDF5)")->required();
  run->add_option("-i,--input", args->input,
                  "Input spikes: .csv (rows = steps, columns = input neurons) or .h5")
      ->required();
  run->add_option("-o,--out", args->out, "Write spikes and output voltages to this HDF5 recording");
  run->add_option("--steps", args->steps, "Steps to run (default: the input's length)")
      ->check(CLI::PositiveNumber);
  run->add_option("-t,--threads", args->threads, "Threads")->check(CLI::Range(1, 256));
  add_semantics(run, *args);
  run->callback([args] { run_command(*args); });

  CLI::App* exp = nir->add_subcommand("export", "Write a network (TOML model or built-in) as a NIR file");
  exp->add_option("model", args->file, "Model file (TOML) or built-in model name")->required();
  exp->add_option("-o,--out", args->out, "NIR file to write")->required();
  exp->callback([args] { export_command(*args); });
}

}  // namespace scx::cli
