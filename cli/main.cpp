#include <cstdio>

#include "commands.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/version.hpp"

int main(int argc, char** argv) {
  CLI::App root{"Silicortex: spiking networks and neuromorphic chip emulation"};
  root.set_version_flag("--version", std::string("silicortex ") + scx::kVersion);
  root.require_subcommand(1);
  scx::cli::CommandGroups groups;
  groups.bench = root.add_subcommand("bench", "Benchmarks that print a figure on their last line");
  groups.bench->require_subcommand(1);
  groups.app = root.add_subcommand("app", "Applications");
  groups.app->require_subcommand(1);

  scx::cli::register_run(root, groups);
  scx::cli::register_plot(root);
  scx::cli::register_train(root);
  scx::cli::register_devices(root);
  scx::cli::register_app_image(groups);
  scx::cli::register_bench_network(groups);
  scx::cli::register_cogmem(root, groups);
  scx::cli::register_app_stdp(groups);
  scx::cli::register_nir(root);
  scx::cli::register_chip(root, groups);
  scx::cli::register_compile(root);
  scx::cli::register_app_cartpole(groups);
  scx::cli::register_events(root);

  scx::install_interrupt_cleanup();
  try {
    groups.comm = scx::dist::make_communicator(&argc, &argv);
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e);
  } catch (const scx::Error& e) {
    std::fprintf(stderr, "silicortex: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "silicortex: error: out of memory (the network is too large for this machine)\n");
    return 1;
  }
  return 0;
}
