#include "silicortex/io/stdp_state.hpp"

#include <cmath>

#include "io/h5_file.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"

namespace scx::io {
namespace {

constexpr const char* kFormatName = "silicortex-stdp-state";
constexpr uint32_t kFormatVersion = 2;  // 2 added `steps`
// Far above any network that fits this machine (6,400 neurons x 784 inputs is 5 M), low enough that a file
// claiming more fails cleanly instead of exhausting memory.
constexpr size_t kMaxWeights = size_t{1} << 28;

}  // namespace

void write_stdp_state_h5(const std::filesystem::path& path, const StdpState& s) {
  SCX_ASSERT(s.weights.size() == size_t(s.neurons) * s.inputs && s.theta_mv.size() == s.neurons);
  check_writable(path);
  AtomicOutput out(path);
  {
    H5Writer w(out.temp_path(), path.string());
    {
      const H5Group root = w.root();
      w.attr(root, "format", std::string(kFormatName));
      w.attr(root, "format_version", kFormatVersion);
      w.attr(root, "dataset", s.dataset);
      w.attr(root, "epochs", s.epochs);
      w.attr(root, "seed", s.seed);
      w.attr(root, "steps", s.steps);
      w.dataset<double>(root, "weights", s.weights, {s.neurons, s.inputs});
      w.dataset<double>(root, "theta_mv", s.theta_mv, {s.neurons});
    }
    w.close();
  }
  out.commit();
}

StdpState read_stdp_state_h5(const std::filesystem::path& path) {
  H5Reader r(path);
  const H5Group root = r.root();
  const uint32_t version = r.check_format(kFormatName, kFormatVersion, "Silicortex STDP state file");
  StdpState s;
  s.dataset = r.attr_string(root, "dataset");
  s.epochs = r.attr<uint32_t>(root, "epochs");
  s.seed = r.attr<uint64_t>(root, "seed");
  if (version >= 2) s.steps = r.attr<uint64_t>(root, "steps");
  if (s.steps > uint64_t{1} << 62)  // a damaged file: no run is that long, and the clock must not overflow
    r.fail("/", "attribute steps = " + std::to_string(s.steps) + " is beyond 2^62");
  std::vector<hsize_t> dims;
  s.weights = r.numbers(root, "weights", dims, kMaxWeights);
  if (dims.size() != 2 || dims[0] == 0 || dims[1] == 0)
    r.fail("/weights", "expected a 2-D dataset [neurons][inputs], both positive");
  s.neurons = static_cast<uint32_t>(dims[0]), s.inputs = static_cast<uint32_t>(dims[1]);
  s.theta_mv = r.numbers(root, "theta_mv", dims, kMaxWeights);
  if (dims.size() != 1 || dims[0] != s.neurons)
    r.fail("/theta_mv", "has " + std::to_string(s.theta_mv.size()) + " values for " +
                            std::to_string(s.neurons) + " neurons in /weights");
  for (size_t i = 0; i < s.weights.size(); ++i)
    if (!std::isfinite(s.weights[i]) || s.weights[i] < 0)
      r.fail("/weights", "element " + std::to_string(i) + " is negative or not finite");
  for (size_t i = 0; i < s.theta_mv.size(); ++i)
    if (!std::isfinite(s.theta_mv[i])) r.fail("/theta_mv", "element " + std::to_string(i) + " is not finite");
  return s;
}

}  // namespace scx::io
