#include "silicortex/devices/analog_crossbar.hpp"

#include <algorithm>
#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "train/ops.hpp"

namespace scx::devices {
namespace {
constexpr uint64_t kReadStream = 0x4EAD;
constexpr uint64_t kRoundStream = 0x5D;

// Symmetric uniform quantiser with 2^(bits-1) - 1 steps each side of zero over [-full_scale, full_scale].
float quantise_signed(float v, int bits, double full_scale) {
  if (full_scale <= 0) return 0.0f;
  const double steps = std::ldexp(1.0, bits - 1) - 1, step = full_scale / steps;
  return float(std::clamp(std::round(v / step), -steps, steps) * step);
}
}  // namespace

AnalogCrossbar::AnalogCrossbar(const DeviceProfile& profile, int inputs, int outputs,
                               const CrossbarConfig& config, uint64_t seed, uint64_t id)
    : profile_(profile),
      inputs_(inputs),
      outputs_(outputs),
      config_(config),
      seed_(seed),
      id_(id),
      pos_(profile, size_t(inputs) * outputs, seed, 2 * id),
      neg_(profile, size_t(inputs) * outputs, seed, 2 * id + 1) {
  if (config.dac_bits < 0 || config.dac_bits > 24) throw Error("crossbar: dac_bits must be 0 (off) or 1..24");
  if (config.adc_bits == 1 || config.adc_bits < 0 || config.adc_bits > 24)
    throw Error("crossbar: adc_bits must be 0 (off) or 2..24");
  if (!(config.adc_range > 0)) throw Error("crossbar: adc_range must be positive");
  if (!(config.dac_full_scale > 0)) throw Error("crossbar: dac_full_scale must be positive");
  if (config.wire_ohm < 0) throw Error("crossbar: wire_ohm must not be negative");
  refresh();
}

void AnalogCrossbar::map_weights(const float* w, double w_max) {
  const size_t n = size_t(inputs_) * outputs_;
  if (w_max <= 0) {
    w_max = 0;
    for (size_t k = 0; k < n; ++k) w_max = std::max(w_max, double(std::fabs(w[k])));
    if (w_max == 0) w_max = 1;
  }
  w_max_ = w_max;
  for (size_t k = 0; k < n; ++k) {
    pos_.program(k, std::max(0.0, double(w[k]) / w_max));
    neg_.program(k, std::max(0.0, -double(w[k]) / w_max));
  }
  refresh();
}

void AnalogCrossbar::reset_pairs(double x, double w_max) {
  SCX_ASSERT(w_max > 0);
  w_max_ = w_max;
  for (size_t k = 0; k < pos_.size(); ++k) {
    pos_.program(k, x);
    neg_.program(k, x);
  }
  refresh();
}

void AnalogCrossbar::refresh() {
  const size_t n = size_t(inputs_) * outputs_;
  const double t = config_.time_s, offset = profile_.g_min_us / profile_.range_us();
  const double sigma = config_.read_noise ? profile_.read_noise_sigma : 0.0;
  const bool ir = config_.wire_ohm > 0;
  w_eff_.resize(n);
  noise_var_.assign(sigma > 0 ? n : 0, 0.0f);
  g_row_us_.assign(inputs_, 0.0);
  g_cells_us_.resize(ir ? 2 * n : 0);
  double col_max = 0;
  for (int j = 0; j < outputs_; ++j) {
    double col_pos = 0, col_neg = 0;
    for (int i = 0; i < inputs_; ++i) {
      const size_t k = size_t(j) * inputs_ + i;
      const double ep = pos_.excess(k, t), en = neg_.excess(k, t);
      w_eff_[k] = float((ep - en) * w_max_);
      col_pos += std::max(0.0f, w_eff_[k]);
      col_neg += std::max(0.0f, -w_eff_[k]);
      // Conductances in weight units, G / k = (Gmin / range + excess) w_max; the read noise is
      // sigma G per device, so a column sums sigma^2 (G+^2 + G-^2) x^2 over its rows.
      const double gp = (offset + ep) * w_max_, gn = (offset + en) * w_max_;
      if (sigma > 0) noise_var_[k] = float(sigma * sigma * (gp * gp + gn * gn));
      const double gp_us = profile_.g_min_us + profile_.range_us() * ep;
      const double gn_us = profile_.g_min_us + profile_.range_us() * en;
      g_row_us_[i] += gp_us + gn_us;
      if (ir) {
        g_cells_us_[(size_t(i) * outputs_ + j) * 2] = gp_us;
        g_cells_us_[(size_t(i) * outputs_ + j) * 2 + 1] = gn_us;
      }
    }
    col_max = std::max({col_max, col_pos, col_neg});
  }
  adc_full_scale_ = config_.adc_range * config_.dac_full_scale * col_max;
}

void AnalogCrossbar::mvm(const float* x, int n, float* y) {
  const size_t in_total = size_t(n) * inputs_;
  xq_.assign(x, x + in_total);
  const double fs = config_.dac_full_scale;
  if (config_.dac_bits > 0) {
    const double steps = std::ldexp(1.0, config_.dac_bits) - 1;
    for (float& v : xq_) v = float(std::round(std::clamp(v / fs, 0.0, 1.0) * steps) / steps * fs);
  }
  // Read energy: every device on a driven row conducts G V^2 for t_read (V = V_read x / full scale).
  const double e_unit = profile_.v_read_v * profile_.v_read_v * profile_.t_read_ns;  // uS V^2 ns = fJ
  for (size_t r = 0; r < size_t(n); ++r)
    for (int i = 0; i < inputs_; ++i) {
      const double v = xq_[r * inputs_ + i] / fs;
      if (v != 0) energy_fj_ += e_unit * v * v * g_row_us_[i];
    }
  if (config_.wire_ohm > 0) {
    for (int r = 0; r < n; ++r) ir_drop_product(xq_.data() + size_t(r) * inputs_, y + size_t(r) * outputs_);
  } else {
    // The same call as the trainer's dense product (train/ops.cpp), so ideal devices reproduce it exactly.
    train::ops::gemm(false, true, n, outputs_, inputs_, 1.0f, xq_.data(), w_eff_.data(), 0.0f, y);
  }
  if (!noise_var_.empty()) {
    for (float& v : xq_) v *= v;
    var_.resize(size_t(n) * outputs_);
    train::ops::gemm(false, true, n, outputs_, inputs_, 1.0f, xq_.data(), noise_var_.data(), 0.0f,
                     var_.data());
    RandomStream rng(seed_, stream_id(kReadStream, id_), uint32_t(mvms_));
    for (size_t k = 0; k < var_.size(); ++k) y[k] += float(std::sqrt(double(var_[k])) * rng.normal());
  }
  if (config_.adc_bits > 0)
    for (size_t k = 0; k < size_t(n) * outputs_; ++k)
      y[k] = quantise_signed(y[k], config_.adc_bits, adc_full_scale_);
  ++mvms_;
}

// First-order IR drop for one input vector. Rows (one per input) are driven from the left end, each output
// has a G+ and a G- column (2j, 2j+1) sensed at the bottom end at virtual ground; r = wire_ohm per cell
// pitch. Step 1: ideal cell currents I_ic = V_i G_ic. Step 2: the wire voltages these currents cause, the row
// wire's segment k carrying the currents of cells k.. right of it and the column wire's segment below row k
// carrying the currents of rows 0..k. Step 3: each cell's current again with its voltage reduced by both
// drops. One Jacobi step of the resistive network; it is exact to first order in r G.
void AnalogCrossbar::ir_drop_product(const float* xq, float* y) {
  const int cols = 2 * outputs_;
  const size_t cells = size_t(inputs_) * cols;
  const double r = config_.wire_ohm * 1e-6;  // uS * V = uA; uA * ohm = uV
  ir_drop_.assign(cells, 0.0);
  ir_below_.resize(cells);
  ir_col_.assign(cols, 0.0);
  ir_seg_.resize(cols);
  for (int i = 0; i < inputs_; ++i) {
    const double v = profile_.v_read_v * xq[i] / config_.dac_full_scale;
    const double* g = g_cells_us_.data() + size_t(i) * cols;
    double* below = ir_below_.data() + size_t(i) * cols;
    const double* above = i > 0 ? below - cols : nullptr;
    for (int c = 0; c < cols; ++c) below[c] = (above ? above[c] : 0.0) + v * g[c];  // column prefix sums
    if (v == 0) continue;
    double suffix = 0, acc = 0;  // row wire: segment c carries the currents of cells c.. of the row
    for (int c = cols; c-- > 0;) ir_seg_[c] = (suffix += v * g[c]);
    double* drop = ir_drop_.data() + size_t(i) * cols;
    for (int c = 0; c < cols; ++c) drop[c] = r * (acc += ir_seg_[c]);
  }
  std::fill(ir_seg_.begin(), ir_seg_.end(), 0.0);  // now the column wire's rise, from the sensed end up
  for (int i = inputs_; i-- > 0;) {
    const double v = profile_.v_read_v * xq[i] / config_.dac_full_scale;
    const double* g = g_cells_us_.data() + size_t(i) * cols;
    const double* below = ir_below_.data() + size_t(i) * cols;
    const double* drop = ir_drop_.data() + size_t(i) * cols;
    for (int c = 0; c < cols; ++c) {
      ir_seg_[c] += r * below[c];
      ir_col_[c] += g[c] * (v - drop[c] - ir_seg_[c]);
    }
  }
  const double k_v = profile_.range_us() / w_max_ * profile_.v_read_v;  // current per weight unit at V_read
  for (int j = 0; j < outputs_; ++j) y[j] = float((ir_col_[2 * j] - ir_col_[2 * j + 1]) / k_v);
}

uint64_t AnalogCrossbar::apply_update(const float* dw) {
  const size_t n = size_t(inputs_) * outputs_;
  const double steps = profile_.levels > 0 ? profile_.levels - 1 : 0;
  RandomStream rng(seed_, stream_id(kRoundStream, id_), uint32_t(updates_++));
  uint64_t pulses = 0;
  for (size_t k = 0; k < n; ++k) {
    if (dw[k] == 0) continue;
    double dp = std::fabs(double(dw[k])) / (2 * w_max_);
    if (steps > 0) {
      const double m = dp * steps, whole = std::floor(m);
      const double count = whole + (rng.uniform() < m - whole ? 1 : 0);
      if (count == 0) continue;
      pulses += uint64_t(count);
      dp = count / steps;
    }
    const double sign = dw[k] > 0 ? 1 : -1;
    pos_.apply_pulses(k, sign * dp);
    neg_.apply_pulses(k, -sign * dp);
  }
  refresh();
  return pulses;
}

}  // namespace scx::devices
