#pragma once
// A board of Loihi-model chips: cores of CUBA LIF neurons computed exactly as Lava's bit-accurate model
// (LoihiLifBitAcc, shared du/dv/vth per core, a bias per neuron), input axons that fan out to a core's
// neurons with a weight per synapse (mantissa << shared exponent), and neurons with any number of
// destinations (core, axon). A spike sent at tick t is integrated at t + 1, as through Lava's Dense.
// Input spikes may be graded (Loihi 2): an integer payload multiplies the weights of the axon's synapses.
// Single-threaded.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/hw/energy_meter.hpp"
#include "silicortex/hw/loihi_lif.hpp"
#include "silicortex/hw/mesh_router.hpp"
#include "silicortex/hw/truenorth_chip.hpp"
#include "silicortex/learning/fixed_point_learner.hpp"

namespace scx::hw {

class LoihiChip {
 public:
  static constexpr int32_t kMaxInput = 1 << 24;  // a_in is clamped here so that a_in << 6 fits 32 bits
  static constexpr int kPayloadBits = 24;        // a graded spike's payload: 0 to 2^24 - 1 (Loihi 2)

  // Throws scx::Error if the profile is not a Loihi-model chip.
  explicit LoihiChip(const ChipProfile& profile);
  int32_t cores() const { return mesh_.cores(); }
  const MeshGeometry& mesh() const { return mesh_; }
  const ChipProfile& profile() const { return profile_; }

  // Configuration; widths and limits of the profile are checked (scx::Error naming core, neuron or axon).
  void configure_core(int32_t core, const LoihiLifParams& p, int32_t neurons);
  void set_bias(int32_t core, int32_t neuron, int32_t bias_mant, int32_t bias_exp);
  void add_synapse(int32_t core, int32_t axon, int32_t neuron, int32_t weight_mant, int32_t weight_exp);
  void add_destination(int32_t core, int32_t neuron, int32_t to_core, int32_t axon);
  // The core's neurons stay at rest (no update, no bias) for the first `ticks` ticks after a reset: a layer
  // `ticks` hops from the input starts when its first input can arrive, so its bias is not integrated early.
  void set_start_delay(int32_t core, uint64_t ticks);
  uint64_t start_delay(int32_t core) const { return cores_[size_t(core)].start_delay; }
  // Sets every u and v to 0 and drops spikes in flight (a new sample); configuration and counters are kept.
  void reset_state();
  int32_t v(int32_t core, int32_t neuron) const { return cores_[size_t(core)].lif.v(size_t(neuron)); }
  int32_t neurons(int32_t core) const { return int32_t(cores_[size_t(core)].dest.size()); }

  // On-chip learning: the core's plastic synapses follow `learner` (its pre index is the core's axon, its
  // post index the core's neuron; weights in steps of 2^weight_exp). Each tick ends with the learner's
  // end_tick after the neurons have fired; when it ran a learning phase the new weights take effect from
  // the next tick.
  void set_learner(int32_t core, std::unique_ptr<learning::FixedPointLearner> learner, int32_t weight_exp);
  void add_plastic_synapse(int32_t core, int32_t axon, int32_t neuron, int32_t weight_mant);
  const learning::FixedPointLearner* learner(int32_t core) const {
    return cores_[size_t(core)].learner.get();
  }
  void set_reward(double r);  // the global third factor of every learner
  uint64_t neurons() const;

  // The configuration as set, for chip programs: weights are mantissa << exponent.
  struct Synapse {
    int32_t neuron, weight;
    int32_t plastic = -1;  // index in the core's learner
  };
  const LoihiLifBitAcc& lif(int32_t core) const { return cores_[size_t(core)].lif; }
  const std::vector<std::vector<Synapse>>& axons(int32_t core) const { return cores_[size_t(core)].axons; }
  // Rewrites the weight (mantissa << exponent, as stored) of synapse k of (core, axon), e.g. as read back
  // from a device memory. Plastic synapses are refused (scx::Error): their weight lives in the learner.
  void set_weight(int32_t core, int32_t axon, size_t k, int32_t weight);
  const std::vector<std::pair<int32_t, int32_t>>& destinations(int32_t core, int32_t neuron) const {
    return cores_[size_t(core)].dest[size_t(neuron)];
  }

  // An input spike at (core, axon), integrated in the coming tick; a payload other than 1 makes it a graded
  // spike whose synapses add weight * payload (scx::Error if the payload is outside [0, 2^24)).
  void inject(int32_t core, int32_t axon, int32_t payload = 1);
  void run(uint64_t ticks, const TrueNorthChip::SpikeSink& on_tick = {});
  uint64_t now() const { return tick_; }
  const EventCounters& counters() const { return counters_; }

 private:
  // An owning pointer that copies what it points to, so that a chip (whose cores may own learners) can be
  // copied as a value: the image app runs a copy per thread.
  template <class T>
  class DeepCopy {
   public:
    DeepCopy() = default;
    DeepCopy(const DeepCopy& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    DeepCopy(DeepCopy&&) noexcept = default;
    DeepCopy& operator=(const DeepCopy& o) { return *this = DeepCopy(o); }
    DeepCopy& operator=(DeepCopy&&) noexcept = default;
    DeepCopy& operator=(std::unique_ptr<T> p) {
      p_ = std::move(p);
      return *this;
    }
    T* get() const { return p_.get(); }
    T* operator->() const { return p_.get(); }
    explicit operator bool() const { return p_ != nullptr; }

   private:
    std::unique_ptr<T> p_;
  };
  struct Arrival {
    int32_t axon, payload;
  };
  // A learner-free core's synapses packed for the run loop: 4 bytes each instead of 12, in one array, and
  // shared by copies of the chip (the image app runs one per thread). Dropped by any change, rebuilt by
  // run().
  struct PackedSynapse {
    uint16_t neuron;
    int16_t weight;
  };
  struct PackedAxons {
    std::vector<uint32_t> begin;  // axon a's synapses are syn[begin[a], begin[a + 1])
    std::vector<PackedSynapse> syn;
  };
  struct Core {
    LoihiLifBitAcc lif{0, {}};
    std::vector<std::vector<Synapse>> axons;
    std::vector<std::vector<std::pair<int32_t, int32_t>>> dest;         // per neuron: (core, axon)
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> dest_cost;  // per destination: (hops, crossings)
    std::vector<Arrival> active, next;                                  // spikes of this tick and of the next
    DeepCopy<learning::FixedPointLearner> learner;
    int32_t learn_exp = 0;
    std::vector<std::pair<int32_t, size_t>> plastic;  // (axon, position) of each plastic synapse
    uint64_t start_delay = 0;
    std::shared_ptr<const PackedAxons> packed;  // null: the core runs from `axons`
    bool repack = true;                         // the synapses changed since the last pack()
  };
  static void pack(Core& c);
  void learn(Core& c, const uint8_t* fired);
  Core& core_at(int32_t core);

  ChipProfile profile_;
  MeshGeometry mesh_;
  std::vector<Core> cores_;
  uint64_t tick_ = 0, reset_tick_ = 0;
  EventCounters counters_;
};

}  // namespace scx::hw
