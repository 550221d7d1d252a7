#include "silicortex/hw/random_chip.hpp"

#include <fmt/format.h>

#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"

namespace scx::hw {

void fill_random_chip(TrueNorthChip& chip, const RandomChipOptions& o) {
  const int32_t cores = o.cores > 0 ? o.cores : chip.cores();
  if (cores > chip.cores())
    throw Error(fmt::format("--cores {}: the board of chip '{}' has only {} cores", cores,
                            chip.profile().name, chip.cores()));
  const double tick_s = chip.profile().tick_s;
  if (!(o.rate_hz > 0) || o.rate_hz * tick_s > 0.5)
    throw Error(fmt::format("--rate {}: must be above 0 and at most one spike per two ticks ({} Hz)",
                            o.rate_hz, 0.5 / tick_s));
  if (!(o.density >= 0 && o.density <= 1))
    throw Error(fmt::format("density {}: must lie in [0, 1]", o.density));
  const uint32_t density_cut = static_cast<uint32_t>(std::min(o.density * 4294967296.0, 4294967295.0));
  const int32_t max_delay = static_cast<int32_t>(chip.profile().max_delay_ticks);
  // Sources are restricted to the used cores, so destinations stay among them.
  const auto& mesh = chip.mesh();

  for (int32_t c = 0; c < cores; ++c) {
    RandomStream r(o.seed, stream_id(1, uint64_t(c)));
    for (int a = 0; a < TrueNorthChip::kAxons; ++a) {
      chip.set_axon_type(c, a, a % 4);
      uint64_t* row = chip.crossbar_row(c, a);
      for (int w = 0; w < 4; ++w) {
        uint64_t bits = 0;
        if (o.density == 0.5) {  // one random bit per synapse: the common case, 32x fewer draws
          bits = uint64_t(r.next_u32()) << 32 | r.next_u32();
        } else {
          for (int b = 0; b < 64; ++b) bits |= uint64_t(r.next_u32() < density_cut) << b;
        }
        row[w] = bits;
      }
    }
    for (int j = 0; j < TrueNorthChip::kNeurons; ++j) {
      TrueNorthNeuronParams p;
      const int32_t w = 1 + int32_t(r.below(2));  // equal and opposite: each neuron's input has zero mean
      p.weight = {w, w, -w, -w};
      p.leak = 1;
      // Each neuron's own rate is uniform in [0.8, 1.2] x the target, so the mean rate is the target.
      const double rate_hz = o.rate_hz * (0.8 + 0.4 * r.uniform());
      p.threshold = std::max(1, int32_t(std::lround(1.0 / (rate_hz * tick_s))));
      p.neg_threshold = int32_t{1} << (chip.profile().threshold_bits - 1);
      p.neg_saturate = true;
      p.reset = TnReset::kLinear;
      p.v_init = int32_t(r.below(uint64_t(p.threshold)));
      const int32_t to = int32_t(r.below(uint64_t(cores)));
      p.dest = {mesh.x(to) - mesh.x(c), mesh.y(to) - mesh.y(c), j, 1 + int32_t(r.below(uint64_t(max_delay))),
                true};
      chip.set_neuron(c, j, p);
    }
  }
}

}  // namespace scx::hw
