#pragma once
// A board of TrueNorth-model chips: cores of 256 axons x 256 neurons with a binary crossbar stored as one
// 256-bit row per axon, per-core delay ring buffers (16 slots of 256 axon bits), and a dimension-order mesh.
//
// One tick, for every core (cores are split over threads; a core is always done by one thread):
//   read and clear the delay slot of this tick -> integrate every active axon's crossbar row into all 256
//   neurons at once (bit-parallel, vector instructions) -> leak, threshold, reset (vectorised across the
//   core)
//   -> route each spike: OR its axon bit into the destination core's slot (tick + delay) mod 16.
// Cores whose neurons use stochastic modes, leak reversal or threshold masks take the scalar path through
// TrueNorthNeurons; every other core takes the vector path, which the tests hold bit-identical to the scalar
// one. Results do not depend on the thread count: deliveries are bitwise ORs, counters are integer sums,
// random numbers are counter-based.
#include <cstdint>
#include <functional>
#include <vector>

#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/hw/energy_meter.hpp"
#include "silicortex/hw/mesh_router.hpp"
#include "silicortex/hw/truenorth_neuron.hpp"

namespace scx::hw {

// A spike that left neuron `neuron` of core `core` at `tick`.
struct TnSpike {
  uint32_t core;
  uint32_t neuron;
};

class TrueNorthChip {
 public:
  static constexpr int kNeurons = 256;
  static constexpr int kAxons = 256;
  static constexpr int kDelaySlots = 16;
  static constexpr int kMaxMeshSide = 32767;  // mesh coordinates are kept in 16 bits

  // A board of profile.chips() chips; throws scx::Error if the profile is not a truenorth-model chip.
  TrueNorthChip(const ChipProfile& profile, uint64_t seed);

  int32_t cores() const { return mesh_.cores(); }
  const MeshGeometry& mesh() const { return mesh_; }
  const ChipProfile& profile() const { return profile_; }

  // Configuration. Values outside the profile's bit widths throw scx::Error naming the core and neuron.
  void set_neuron(int32_t core, int32_t neuron, const TrueNorthNeuronParams& p);
  void set_synapse(int32_t core, int32_t axon, int32_t neuron, bool connected);
  void set_axon_type(int32_t core, int32_t axon, int type);
  bool synapse(int32_t core, int32_t axon, int32_t neuron) const;
  int axon_type(int32_t core, int32_t axon) const { return axon_type_[size_t(core) * kAxons + axon]; }
  // A neuron's parameters as set (v_init = its current V), with its destination.
  TrueNorthNeuronParams neuron(int32_t core, int32_t neuron) const;
  uint64_t seed() const { return seed_; }
  // Raw crossbar row of (core, axon): 4 words, bit j = neuron j.
  uint64_t* crossbar_row(int32_t core, int32_t axon) {
    prepared_ = false;
    return &crossbar_[(size_t(core) * kAxons + axon) * 4];
  }
  const uint64_t* crossbar_row(int32_t core, int32_t axon) const {
    return &crossbar_[(size_t(core) * kAxons + axon) * 4];
  }

  // An input spike from outside the board, delivered to (core, axon) at absolute tick `tick` (now < tick <=
  // now + 15, or = now before the tick runs).
  void inject(int32_t core, int32_t axon, uint64_t tick);

  // Runs `ticks` ticks on `threads` threads. `on_tick`, if given, sees each tick's spikes in (core, neuron)
  // order.
  using SpikeSink = std::function<void(uint64_t tick, const std::vector<TnSpike>& spikes)>;
  void run(uint64_t ticks, int threads, const SpikeSink& on_tick = {});
  // Forces every core through the scalar reference path (for tests of the vector path).
  void set_force_scalar(bool on) { force_scalar_ = on; }

  uint64_t now() const { return tick_; }
  // Back to the configured state between independent runs (e.g. one image after another): every V to its
  // v_init, no spikes in flight. The tick counter and the event counters run on.
  void reset_state();
  int32_t v(int32_t core, int32_t neuron) const { return neurons_.v(size_t(core) * kNeurons + neuron); }
  const EventCounters& counters() const { return counters_; }
  const LinkTraffic& traffic() const { return traffic_; }
  uint64_t neurons() const { return uint64_t(cores()) * kNeurons; }

 private:
  struct Scratch;
  void prepare();
  void process_core(int32_t core, uint64_t tick, Scratch& s);
  void finish_pending(uint64_t tick, Scratch& s);
  // Loads the crossbar rows of the active axons of cores [from, to) into the cache.
  void load_rows(int32_t from, int32_t to, uint64_t tick) const;
  static constexpr int32_t kRowGroup = 32;  // cores whose rows are loaded together, one group ahead
  // The next core's V, thresholds and weights are prefetched before this core's kernel (measured 1.05-1.1x;
  // two cores ahead was slower).
  static constexpr int32_t kStreamAhead = 1;
  // Sends neuron `neuron` of core `core` on its way.
  void route_spike(int32_t core, int32_t neuron, uint64_t tick, Scratch& s);
  // Adds the packets counted in sent_ for the cores s sent from to s's hops, crossings and link traffic, and
  // zeroes those counts: a tick-by-tick run visits only the cores that spiked, not the whole chip.
  void account_traffic(Scratch& s);
  void note_sender(int32_t core, Scratch& s);  // lists the core for account_traffic
  void check_width(const char* field, int64_t value, int64_t bits, bool is_signed, int32_t core,
                   int32_t neuron) const;

  ChipProfile profile_;
  uint64_t seed_;
  MeshGeometry mesh_;
  TrueNorthNeurons neurons_;
  std::vector<int32_t> v_init_;  // [core][neuron], for reset_state
  // A neuron's route and the packets it sent during the current run(): hops, chip crossings and link traffic
  // follow from them at the end of the run (one counter per spike instead of up to four link counters). Both
  // in one 16-byte slot, so a spike reads and counts in one cache line.
  struct RouteSlot {
    TnRoute route;
    uint32_t sent = 0;
    uint32_t unused = 0;
  };
  HugeVector<RouteSlot> routes_;     // [core][neuron]
  std::vector<uint32_t> core_sent_;  // [core]: the run_serial_ of the last run it sent in (see note_sender)
  uint32_t run_serial_ = 0;          // run() calls so far
  HugeVector<uint64_t> crossbar_;    // [core][axon][4]
  std::vector<uint8_t> axon_type_;   // [core][axon]
  HugeVector<uint64_t> ring_;        // [core][slot][4]: axons active at that slot's tick
  std::vector<uint8_t> core_plain_;  // 1 if every neuron of the core takes the vector path
  std::vector<int32_t> core_beta_min_, core_weight_max_;
  static constexpr int32_t kMixedLeak = INT32_MIN;  // leaks are 9-bit, so no core shares this one
  std::vector<int32_t> core_leak_;                  // the leak every neuron of the core shares, or kMixedLeak
  // The reset rule (negative threshold, reset mode and value, kappa) every neuron of a core shares, so that a
  // spike of that core reads its route and nothing else; core_rule_shared_[c] = 0 where they differ.
  std::vector<TrueNorthNeurons::Cold> core_rule_;
  std::vector<uint8_t> core_rule_shared_;
  std::vector<uint8_t> core_thr16_;  // 1 if every threshold of the core fits 16 bits (threshold16_ is valid)
  HugeVector<int16_t> threshold16_;  // [core][neuron]: 16-bit copies, half the bytes streamed per tick
  HugeVector<int8_t> weight8_;  // [core][type][neuron]: 8-bit copies (half the bytes per event) if they fit
  bool prepared_ = false;
  bool force_scalar_ = false;
  uint64_t tick_ = 0;
  EventCounters counters_;
  LinkTraffic traffic_;
};

// The vector kernel of one plain core (dynamic dispatch over Highway targets), exposed for benchmarks.
struct TnCoreView {
  int32_t* v;
  const int16_t* weight[4];
  const int8_t* weight8;  // [type][256] copy of the weights when they all fit 8 bits, else nullptr
  const int16_t* leak;    // nullptr: every neuron of the core has leak `leak_all` (half the bytes of a tick)
  const int32_t* threshold;
  const int16_t* threshold16;  // the same in 16 bits when they all fit, else nullptr
  const uint64_t* crossbar;    // 256 rows x 4 words
  const uint8_t* axon_type;    // 256
  int32_t v_min, v_max;
  int32_t neg_threshold_min;  // smallest beta of the core: V < -beta_min flags a neuron for the exact check
  int32_t weight_max;         // largest |weight| of the core, to size the 16-bit accumulation chunks
  int32_t leak_all;
};
// Integrates the active axons (bits of `active`) and applies leak and threshold compare; stores V after the
// leak; sets `crossed` bits for neurons at or above threshold or perhaps below the negative threshold (they
// go through TrueNorthNeurons::threshold_reset); stores the synaptic events (connected active synapses) in
// *events and returns the number of saturation events.
uint64_t tn_core_kernel(const TnCoreView& view, const uint64_t active[4], uint64_t crossed[4],
                        uint64_t* events);

}  // namespace scx::hw
