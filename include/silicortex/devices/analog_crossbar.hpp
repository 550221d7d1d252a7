#pragma once
// An analog crossbar that stores a signed weight matrix as differential conductance pairs, w ~ (G+ - G-) / k
// with k = (Gmax - Gmin) / w_max, and computes y = W x as column currents: DAC on the inputs, the currents of
// the devices as read at time t (levels, device-to-device range, drift, stuck-at faults), read noise, an
// optional first-order IR-drop correction, and ADC on the outputs. Equations and the IR-drop approximation:
// docs/devices.md. With an ideal device and DAC/ADC/IR drop off the product equals the digital one bit for
// bit (the stored weights decode exactly and the product uses the same cblas_sgemm call as the trainer).
#include <cstdint>
#include <vector>

#include "silicortex/devices/device_array.hpp"

namespace scx::devices {

struct CrossbarConfig {
  int dac_bits = 0;             // input quantisation, 2^bits - 1 steps over [0, dac_full_scale]; 0: off
  double dac_full_scale = 1.0;  // the input value that drives V_read (spikes are 0 / 1)
  int adc_bits = 0;             // signed output quantisation; 0: off
  double adc_range = 1.0;       // ADC full scale as a fraction of the largest possible column output
  double wire_ohm = 0;          // wire resistance per cell pitch (ohm); 0: no IR drop
  double time_s = 0;            // when the array is read, in seconds after programming (drift)
  bool read_noise = true;       // apply the profile's read noise
};

class AnalogCrossbar {
 public:
  // `id` keys the random draws: two crossbars with the same seed and id hold the same devices.
  AnalogCrossbar(const DeviceProfile& profile, int inputs, int outputs, const CrossbarConfig& config,
                 uint64_t seed, uint64_t id);

  int inputs() const { return inputs_; }
  int outputs() const { return outputs_; }
  double w_max() const { return w_max_; }
  const DeviceArray& positive() const { return pos_; }
  const DeviceArray& negative() const { return neg_; }

  // Programs the pairs from w (outputs x inputs, row-major: the trainer's dense layout): max(w, 0) on G+,
  // max(-w, 0) on G-, with |w| = w_max at the full window. w_max <= 0: the largest |w|.
  void map_weights(const float* w, double w_max = 0);
  // Programs every device of both columns to normalised state x (the nearest level), so w = 0 and each device
  // can move both ways: the start of on-chip learning. w_max is the weight of a full-window difference.
  void reset_pairs(double x, double w_max);
  // The weights the array holds as read at config.time_s, without read noise: (G+ - G-) / k.
  const std::vector<float>& effective_weights() const { return w_eff_; }
  // y[n x outputs] = x[n x inputs] W^T through the array; counts read energy.
  void mvm(const float* x, int n, float* y);
  // On-chip learning: adds dw (outputs x inputs) by programming pulses. Each device of a pair moves half:
  // dw > 0 potentiates G+ and depresses G-, dw < 0 the reverse, |dw| / (2 w_max) (levels - 1) pulses each,
  // rounded stochastically (a continuous device takes the exact amount). Returns the pulses applied.
  uint64_t apply_update(const float* dw);

  double read_energy_pj() const { return energy_fj_ * 1e-3; }
  uint64_t mvm_count() const { return mvms_; }

 private:
  void refresh();  // recomputes the read-time weights, noise and energy tables from the devices
  void ir_drop_product(const float* xq, float* y);

  DeviceProfile profile_;
  int inputs_, outputs_;
  CrossbarConfig config_;
  uint64_t seed_, id_;
  DeviceArray pos_, neg_;
  double w_max_ = 1;
  std::vector<float> w_eff_;        // outputs x inputs
  std::vector<float> noise_var_;    // outputs x inputs: read-noise variance per unit input, in weight units^2
  std::vector<double> g_row_us_;    // per input: sum of the row's conductances at read time (energy)
  std::vector<double> g_cells_us_;  // IR drop only: inputs x (G+, G-) per output, read-time conductances
  std::vector<double> ir_drop_, ir_below_, ir_col_, ir_seg_;
  double adc_full_scale_ = 0;
  double energy_fj_ = 0;
  uint64_t mvms_ = 0, updates_ = 0;
  std::vector<float> xq_, var_;
};

}  // namespace scx::devices
