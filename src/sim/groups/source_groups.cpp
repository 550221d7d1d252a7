// Spike sources: Poisson trains and explicit spike times. They take no input.
#include <algorithm>
#include <cmath>
#include <compare>

#include "silicortex/core/rng.hpp"
#include "sim/groups/groups.hpp"
#include "sim/kernels/poisson_kernel.hpp"

namespace scx::sim {
namespace {

class PoissonGroup final : public NeuronGroup {
 public:
  PoissonGroup(uint32_t size, const model::PoissonSource& p, double h, uint64_t seed, uint32_t pop_index)
      : NeuronGroup(size), seed_(seed), stream_(stream_id(0x706f6973, pop_index)), dt_ms_(h) {
    set_rates_hz(std::vector<double>(size, p.rate_hz));
    start_step_ = static_cast<int64_t>(std::ceil(p.start_ms / h - 1e-9));
    stop_step_ = p.stop_ms > 1e299 ? INT64_MAX : static_cast<int64_t>(std::ceil(p.stop_ms / h - 1e-9));
  }
  float* state(const std::string&) override { return nullptr; }

  bool set_rates_hz(const std::vector<double>& rates_hz) override {
    threshold_.assign(size_, 0);
    any_ = false;
    for (uint32_t i = 0; i < size_; ++i) {
      const double p_spike = std::min(1.0, rates_hz[i] * dt_ms_ * 1e-3);
      threshold_[i] = static_cast<uint32_t>(std::min(4294967295.0, std::floor(p_spike * 4294967296.0)));
      any_ |= threshold_[i] != 0;
    }
    uniform_ =
        std::all_of(threshold_.begin(), threshold_.end(), [&](uint32_t t) { return t == threshold_[0]; });
    return true;
  }

  // One Philox block per (step, group of 4 neurons): a pure function of (seed, population, step, neuron),
  // computed for a vector of blocks at a time (kernels/poisson_kernel.hpp).
  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    if (in.step < start_step_ || in.step >= stop_step_ || !any_) return;
    end = std::min(end, size_);
    if (begin >= end) return;
    const uint32_t n = poisson_step(
        threshold_.data(), begin, end,
        {static_cast<uint32_t>(in.step), static_cast<uint32_t>(stream_),
         static_cast<uint32_t>(in.step >> 32) ^ static_cast<uint32_t>(stream_ >> 32)},
        {static_cast<uint32_t>(seed_), static_cast<uint32_t>(seed_ >> 32)}, uniform_, in.scratch);
    spikes.insert(spikes.end(), in.scratch, in.scratch + n);
  }

 private:
  uint64_t seed_, stream_;
  double dt_ms_;
  std::vector<uint32_t> threshold_;     // per neuron: spike when the 32-bit draw is below it
  bool any_ = false, uniform_ = false;  // uniform_: one threshold for all neurons
  int64_t start_step_, stop_step_;
};

// One schedule of (step, neuron) in that order, walked by a cursor: a step costs the spikes due then, not a
// look at every neuron (an event-camera recording has a neuron per pixel, most of them silent at any step).
class SpikeTimesGroup final : public NeuronGroup {
 public:
  SpikeTimesGroup(uint32_t size, const model::SpikeTimesSource& p, double h)
      : NeuronGroup(size), shared_(p.times_ms.size() == 1) {
    for (size_t k = 0; k < p.times_ms.size(); ++k)
      for (double t : p.times_ms[k])
        schedule_.push_back({static_cast<int64_t>(std::llround(t / h)), static_cast<uint32_t>(k)});
    std::sort(schedule_.begin(), schedule_.end());
    // A neuron emits at most one spike per step.
    schedule_.erase(std::unique(schedule_.begin(), schedule_.end()), schedule_.end());
  }
  float* state(const std::string&) override { return nullptr; }

  void update(const StepInput& in, uint32_t begin, uint32_t end, std::vector<uint32_t>& spikes) override {
    if (cursor_ > 0 && schedule_[cursor_ - 1].step >= in.step)  // the clock went back (Engine::set_step)
      cursor_ =
          size_t(std::lower_bound(schedule_.begin(), schedule_.end(), Due{in.step, 0}) - schedule_.begin());
    while (cursor_ < schedule_.size() && schedule_[cursor_].step < in.step) ++cursor_;
    for (; cursor_ < schedule_.size() && schedule_[cursor_].step == in.step; ++cursor_) {
      if (shared_) {  // one list for every neuron
        for (uint32_t i = begin; i < std::min(end, size_); ++i) spikes.push_back(i);
      } else if (const uint32_t i = schedule_[cursor_].neuron; i >= begin && i < end && i < size_) {
        spikes.push_back(i);
      }
    }
  }

 private:
  struct Due {
    int64_t step;
    uint32_t neuron;
    auto operator<=>(const Due&) const = default;
  };
  bool shared_;
  std::vector<Due> schedule_;
  size_t cursor_ = 0;
};

}  // namespace

std::unique_ptr<NeuronGroup> make_poisson_source(uint32_t size, const model::PoissonSource& p, double dt_ms,
                                                 uint64_t seed, uint32_t pop_index) {
  return std::make_unique<PoissonGroup>(size, p, dt_ms, seed, pop_index);
}

std::unique_ptr<NeuronGroup> make_spike_times_source(uint32_t size, const model::SpikeTimesSource& p,
                                                     double dt_ms) {
  return std::make_unique<SpikeTimesGroup>(size, p, dt_ms);
}

}  // namespace scx::sim
