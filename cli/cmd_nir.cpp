// `silicortex nir info|run|compile|export`: NIR graphs (docs/nir.md).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "cli_util.hpp"
#include "commands.hpp"
#include "silicortex/compiler/nir_lowering.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/data_dir.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/io/nir_model.hpp"
#include "silicortex/io/recording.hpp"
#include "silicortex/train/nir_export.hpp"
#include "silicortex/train/trainer.hpp"

namespace scx::cli {
namespace {

struct NirArgs {
  std::string file, input, out, reset = "value", spikes = "unit", chip = "loihi";
  bool report = false, run = false, compare = false;
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

void print_outputs(const io::nir::Converted& c, const sim::RunResult& res) {
  for (const auto& o : c.outputs) {
    for (const auto& ps : res.spikes) {
      if (ps.population != o.population) continue;
      std::vector<uint64_t> per_neuron(ps.size, 0);
      for (uint32_t i : ps.neurons) ++per_neuron[i];
      fmt::print("output {} ({} neurons): {} spikes; per neuron [{}]\n", o.node, ps.size, ps.times_ms.size(),
                 fmt::join(per_neuron, ", "));
    }
  }
}

// Neuron spikes (Inputs left out) of both runs, per population and in total: how many of the chip's match one
// of the reference's (same neuron) at the same step or within one step.
void print_comparison(const io::nir::Converted& conv, const sim::RunResult& ref, const sim::RunResult& chip,
                      double dt_ms) {
  struct Tally {
    uint64_t ref = 0, chip = 0, exact = 0, near = 0;
  } total;
  auto line = [](const std::string& what, const Tally& t) {
    fmt::print("compare {}: reference engine {} spikes, chip {}; {} at the same step, {} within one step\n",
               what, t.ref, t.chip, t.exact, t.near);
  };
  for (const auto& c : chip.spikes)
    for (const auto& r : ref.spikes) {
      const bool input = std::any_of(conv.inputs.begin(), conv.inputs.end(),
                                     [&](const auto& p) { return p.population == c.population; });
      if (r.population != c.population || input) continue;
      std::set<std::pair<uint32_t, int64_t>> want;
      for (size_t k = 0; k < r.times_ms.size(); ++k)
        want.insert({r.neurons[k], std::llround(r.times_ms[k] / dt_ms)});
      Tally t{want.size(), c.times_ms.size(), 0, 0};
      for (size_t k = 0; k < c.times_ms.size(); ++k) {
        const int64_t s = std::llround(c.times_ms[k] / dt_ms);
        t.exact += want.count({c.neurons[k], s});
        t.near += want.count({c.neurons[k], s}) + want.count({c.neurons[k], s - 1}) +
                      want.count({c.neurons[k], s + 1}) >
                  0;
      }
      line("'" + c.population + "'", t);
      total = {total.ref + t.ref, total.chip + t.chip, total.exact + t.exact, total.near + t.near};
    }
  line("all", total);
}

void compile_command(const NirArgs& a) {
  const auto profile = hw::read_chip_profile(hw::find_chip_profile(a.chip, data_dir() / "chips"));
  if (!a.out.empty()) check_writable(a.out);
  if ((a.run || a.compare) && a.input.empty()) throw Error("--run: needs --input spikes.csv|.h5");
  const io::nir::Document doc = io::nir::read_nir(a.file);
  io::nir::Converted c = io::nir::to_network(doc, options_of(a));
  for (const auto& w : doc.warnings) fmt::print(stderr, "warning: {}\n", w);
  for (const auto& w : c.warnings) fmt::print(stderr, "warning: {}\n", w);
  int64_t steps = a.steps > 0 ? a.steps : 1000;
  std::vector<io::nir::SpikeTrain> inputs(c.inputs.size());
  if (!a.input.empty()) {
    inputs = io::nir::read_input_spikes(a.input, c, steps);
    if (a.steps > 0) steps = a.steps;
  }
  io::nir::set_inputs(c, inputs, steps);
  auto compiled = compiler::compile_nir(c.net, profile);
  const auto& r = compiled.report;
  int64_t neurons = 0;
  for (const auto& core : r.cores) neurons += core.splitter ? 0 : core.neurons;
  fmt::print("compiled {} onto chip {}: {} cores, {} neurons, {:.3f} expected hops per spike\n", a.file,
             r.chip, r.cores.size(), neurons, r.hops_per_spike);
  double worst = 0;
  for (const auto& p : compiled.lowering.parameters) worst = std::max(worst, p.relative_error());
  for (const auto& q : r.quantisation) worst = std::max(worst, q.max_error);
  fmt::print("largest relative quantisation error: {:.3g} (parameters and weights; --report for each)\n",
             worst);
  if (a.report)
    fmt::print("{}{}", compiler::format_lowering_report(compiled.lowering),
               compiler::format_compile_report(r));
  if (!a.out.empty()) {
    if (compiled.loihi)
      compiler::save_compiled(compiler::CompiledLoihi{std::move(compiled.loihi), compiled.io, r}, a.out);
    else
      compiler::save_compiled(compiler::CompiledNetwork{std::move(compiled.truenorth), compiled.io, r},
                              a.out);
    fmt::print("wrote {} and {}\n", a.out, compiler::chip_io_path(a.out).string());
    return;
  }
  if (!a.run && !a.compare) return;
  const auto t0 = std::chrono::steady_clock::now();
  const sim::RunResult res = compiler::run_nir_on_chip(compiled, steps);
  fmt::print("{} on {}: {} steps, {} spikes, {} synaptic events, wall {:.3f} s\n", a.file, r.chip, steps,
             res.meta.spikes, thousands(res.meta.synaptic_events),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  print_outputs(c, res);
  if (!a.compare) return;
  const sim::RunResult ref = io::nir::run(c, inputs, steps, a.threads);
  fmt::print("reference engine: wall {:.3f} s\n", ref.meta.wall_s);
  print_comparison(c, ref, res, a.dt_s * 1e3);
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
  print_outputs(c, res);
  if (!a.out.empty()) {
    io::write_run_h5(a.out, res);
    fmt::print("wrote {}\n", a.out);
  }
}

void export_command(const NirArgs& a) {
  std::vector<std::string> warnings;
  io::nir::Document doc;
  if (std::filesystem::path(a.file).extension() == ".scxnet") {
    const train::TrainedNetwork t = train::read_trained_network(a.file);
    doc = train::trained_to_nir(t.config, t.params, warnings, a.dt_s);
  } else {
    doc = io::nir::from_network(load_model(a.file), warnings);
  }
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

  CLI::App* comp =
      nir->add_subcommand("compile", "Compile a NIR graph onto a chip profile (and run it there)");
  comp->add_option("file", args->file, "NIR file (HDF5)")->required();
  comp->add_option("--chip", args->chip, "Chip profile: loihi or truenorth (chips/<name>.toml) or a path")
      ->capture_default_str();
  comp->add_option("-o,--out", args->out,
                   "Write the chip program (.scxp + .io), which `silicortex run` executes");
  comp->add_flag("--report", args->report,
                 "Print lowered parameters, cores, synapse memory and quantisation");
  comp->add_flag("--run", args->run, "Run the compiled network on the chip emulator");
  comp->add_flag("--compare", args->compare,
                 "Run it on the chip and in the reference engine; compare spikes");
  comp->add_option("-i,--input", args->input, "Input spikes: .csv or .h5 (as for `nir run`)");
  comp->add_option("--steps", args->steps, "NIR steps (default: the input's length, or 1000)")
      ->check(CLI::PositiveNumber);
  comp->add_option("-t,--threads", args->threads, "Threads of the reference run (--compare)")
      ->check(CLI::Range(1, 256));
  add_semantics(comp, *args);
  comp->callback([args] { compile_command(*args); });

  CLI::App* exp = nir->add_subcommand(
      "export", "Write a network (TOML model, built-in, or trained .scxnet) as a NIR file");
  exp->add_option("model", args->file, "Model file (TOML), built-in model name, or trained network (.scxnet)")
      ->required();
  exp->add_option("-o,--out", args->out, "NIR file to write")->required();
  exp->add_option("--dt", args->dt_s, "Time step in seconds of a trained network's steps (.scxnet only)")
      ->check(CLI::PositiveNumber);
  exp->callback([args] { export_command(*args); });
}

}  // namespace scx::cli
