#pragma once
// Each CLI command lives in its own file and registers itself on the top-level app. Commands are thin: parse,
// call the library, print.
#include <CLI/CLI.hpp>

#include <memory>

#include "silicortex/dist/communicator.hpp"

namespace scx::cli {

// Subcommand groups that several files add to (e.g. `bench coba`, `bench cogmem`), and the process's
// communicator (several ranks under mpirun; only rank 0 prints and writes files).
struct CommandGroups {
  CLI::App* bench = nullptr;
  CLI::App* app = nullptr;
  std::shared_ptr<dist::Communicator> comm;
};

void register_run(CLI::App& root, CommandGroups& groups);
void register_plot(CLI::App& root);
void register_bench_network(CommandGroups& groups);
void register_cogmem(CLI::App& root, CommandGroups& groups);
void register_nir(CLI::App& root);
void register_chip(CLI::App& root, CommandGroups& groups);
void register_compile(CLI::App& root);
void register_app_cartpole(CommandGroups& groups);
void register_events(CLI::App& root);  // cli/cmd_events.cpp

}  // namespace scx::cli

namespace scx::cli {
void register_train(CLI::App& root);  // cli/cmd_train.cpp
// Trains `config` from scratch and writes the network to `output` (checkpoint beside it); cli/cmd_train.cpp.
void train_network(const std::string& config, const std::string& output, bool quiet);
void register_app_image(CommandGroups& groups);  // cli/cmd_app_image.cpp
}  // namespace scx::cli

namespace scx::cli {
void register_devices(CLI::App& root);          // cli/cmd_devices.cpp
void register_app_stdp(CommandGroups& groups);  // cli/cmd_app_stdp.cpp
}  // namespace scx::cli
