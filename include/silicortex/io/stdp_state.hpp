#pragma once
// What unsupervised STDP image learning (`app stdp-images`) learned, as an HDF5 file: the input weights and
// adaptive thresholds, enough to label and test again or to go on training (docs/learning-apps.md). Written
// atomically; reading checks every shape and value and names the file and object of a fault.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace scx::io {

struct StdpState {
  uint32_t neurons = 0, inputs = 0;
  std::vector<double> weights;   // [neuron][input]
  std::vector<double> theta_mv;  // adaptive threshold per neuron
  // Provenance, checked against the network it is loaded into where it matters.
  std::string dataset;
  uint32_t epochs = 0;  // training passes behind these weights
  uint64_t seed = 0;
  uint64_t steps = 0;  // the simulation clock when saved (format_version 2; 0 in version 1 files)
};

void write_stdp_state_h5(const std::filesystem::path& path, const StdpState& state);
StdpState read_stdp_state_h5(const std::filesystem::path& path);

}  // namespace scx::io
