// `silicortex compile`: a TOML network onto a chip profile, written as an inert chip program (.scxp + .io).
#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "silicortex/compiler/compiler.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/data_dir.hpp"
#include "silicortex/hw/chip_profile.hpp"

namespace scx::cli {
namespace {

struct CompileArgs {
  std::string model;
  std::string chip = "truenorth";
  std::string out;
  bool report = false;
};

void print_compile_summary(const std::string& network, const compiler::CompileReport& r, bool report) {
  int64_t neurons = 0;
  for (const auto& c : r.cores) neurons += c.splitter ? 0 : c.neurons;
  fmt::print("compiled {} onto chip {}: {} cores, {} neurons, {:.3f} expected hops per spike\n", network,
             r.chip, r.cores.size(), neurons, r.hops_per_spike);
  for (const auto& q : r.quantisation)
    if (q.max_error > 0)
      fmt::print(
          "warning: projection '{}': weights changed by quantisation (max error {:.3g}, rms {:.3g} of max "
          "|w|)\n",
          q.projection, q.max_error, q.rms_error);
  if (report) fmt::print("{}", compiler::format_compile_report(r));
}

void compile_command(const CompileArgs& a) {
  check_writable(a.out);  // fail now, not after compiling
  const model::Network net = load_model(a.model);
  const auto profile = hw::read_chip_profile(hw::find_chip_profile(a.chip, data_dir() / "chips"));
  if (profile.neuron_kind == hw::NeuronKind::kLoihiCuba) {
    const auto compiled = compiler::compile_loihi(net, profile);
    compiler::save_compiled(compiled, a.out);
    print_compile_summary(net.name, compiled.report, a.report);
  } else {
    const auto compiled = compiler::compile_network(net, profile);
    compiler::save_compiled(compiled, a.out);
    print_compile_summary(net.name, compiled.report, a.report);
  }
  fmt::print("wrote {} and {}\n", a.out, compiler::chip_io_path(a.out).string());
}

}  // namespace

void register_compile(CLI::App& root) {
  auto args = std::make_shared<CompileArgs>();
  CLI::App* cmd =
      root.add_subcommand("compile", "Compile a network (TOML) onto a chip profile as a chip program");
  cmd->add_option("model", args->model, "Model file (TOML)")->required();
  cmd->add_option("--chip", args->chip,
                  "Chip profile name (chips/<name>.toml) or path: a truenorth- or loihi-model chip")
      ->capture_default_str();
  cmd->add_option("-o,--out", args->out, "Chip program to write (.scxp; its inputs go to <out>.io)")
      ->required();
  cmd->add_flag("--report", args->report,
                "Print cores, axons, neurons, synapse memory, hops and quantisation error");
  cmd->callback([args] { compile_command(*args); });
}

}  // namespace scx::cli
