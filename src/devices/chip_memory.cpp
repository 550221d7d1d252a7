#include "silicortex/devices/chip_memory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "silicortex/core/error.hpp"

namespace scx::devices {

ChipMemoryResult store_in_devices(hw::LoihiChip& chip, const DeviceProfile& profile,
                                  const CrossbarConfig& cfg, uint64_t seed) {
  ChipMemoryResult r;
  const int64_t m_hi = (int64_t{1} << (chip.profile().weight_bits - 1)) - 1;
  for (int32_t core = 0; core < chip.cores(); ++core) {
    const auto& axons = chip.axons(core);
    const size_t neurons = size_t(chip.neurons(core)), n_axons = axons.size();
    uint32_t bits = 0;  // OR of all |weights|: its lowest set bit is the core's weight step
    size_t count = 0;
    for (const auto& list : axons)
      for (const auto& s : list) {
        if (s.plastic >= 0)
          throw Error(fmt::format("core {}: plastic synapses cannot be stored in devices (axon {} neuron {})",
                                  core, &list - axons.data(), s.neuron));
        bits |= uint32_t(std::abs(s.weight));
        ++count;
      }
    if (count == 0) continue;
    ++r.cores;
    r.synapses += count;
    if (bits == 0) continue;  // all weights 0: nothing a device could hold differently
    const double step = double(uint32_t{1} << std::countr_zero(bits));
    std::vector<float> w(neurons * n_axons, 0.f);
    std::vector<uint8_t> used(w.size(), 0);
    for (size_t a = 0; a < n_axons; ++a)
      for (const auto& s : axons[a]) {
        const size_t cell = size_t(s.neuron) * n_axons + a;
        if (used[cell])
          throw Error(fmt::format("core {}: two synapses on axon {} neuron {}; a device cell holds one", core,
                                  a, s.neuron));
        used[cell] = 1;
        w[cell] = float(s.weight);
      }
    AnalogCrossbar xbar(profile, int(n_axons), int(neurons), cfg, seed, uint64_t(core));
    xbar.map_weights(w.data());
    const std::vector<float>& eff = xbar.effective_weights();
    for (size_t a = 0; a < n_axons; ++a)
      for (size_t k = 0; k < axons[a].size(); ++k) {
        const auto& s = axons[a][k];
        const double m = std::clamp(std::nearbyint(double(eff[size_t(s.neuron) * n_axons + a]) / step),
                                    double(-m_hi - 1), double(m_hi));
        const int32_t weight = int32_t(m * step);
        if (weight == s.weight) continue;
        ++r.changed;
        chip.set_weight(core, int32_t(a), k, weight);
      }
  }
  return r;
}

}  // namespace scx::devices
