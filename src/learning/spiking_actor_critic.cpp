#include "silicortex/learning/spiking_actor_critic.hpp"

#include <algorithm>
#include <cmath>

#include "silicortex/core/error.hpp"

namespace scx::learning {

namespace {

model::RewardStdp tagging_spec(const ActorCriticConfig& c) {
  model::RewardStdp r;
  r.a_plus = c.a_plus, r.a_minus = c.a_minus;
  r.tau_plus_ms = r.tau_minus_ms = c.tau_stdp_ms;
  r.w_min = 0, r.w_max = c.w_max;
  return r;
}

// Gaussian receptive fields evenly spread over [lo, hi], width one spacing.
void fields(double x, double lo, double hi, int n, double*& out) {
  const double spacing = (hi - lo) / (n - 1), xc = std::clamp(x, lo, hi);
  for (int k = 0; k < n; ++k) {
    const double z = (xc - (lo + k * spacing)) / spacing;
    *out++ = std::exp(-0.5 * z * z);
  }
}

constexpr int64_t kForget = 60;  // environment steps
constexpr std::array<std::array<int, 2>, 2> kGridPairs{
    {{2, 3}, {1, 3}}};  // (theta, theta_dot), (x_dot, theta_dot)

}  // namespace

SpikingActorCritic::SpikingActorCritic(const ActorCriticConfig& config, uint64_t seed)
    : c_(config), rule_(tagging_spec(config), 1.0, "cartpole controller"), seed_(seed) {
  int cells = 1;
  bool one = c_.fields_per_dim == 1 || c_.grid_fields == 1;  // a single field has no spacing
  for (int n : c_.place_cells) cells *= n, one |= n == 1 || n < 0;
  if (one || c_.fields_per_dim < 0 || c_.grid_fields < 0 || c_.actor_neurons < 1 || c_.critic_neurons < 1 ||
      c_.steps_per_action < 1)
    throw Error("cartpole controller: fields 0 or >= 2 per dimension, neurons and steps >= 1");
  for (size_t d = 0; d < c_.lo.size(); ++d)
    if (!(c_.hi[d] > c_.lo[d]))
      throw Error("cartpole controller: hi[" + std::to_string(d) + "] must be above lo[" + std::to_string(d) +
                  "]");
  if (!(c_.tau_m_ms > 0) || !(c_.peak_rate >= 0) || !(c_.noise >= 0) || !(c_.critic_noise >= 0))
    throw Error("cartpole controller: tau_m_ms must be positive, peak_rate and the noises non-negative");
  const int inputs = 4 * c_.fields_per_dim + int(kGridPairs.size()) * c_.grid_fields * c_.grid_fields + cells;
  if (inputs == 0) throw Error("cartpole controller: no input neurons");
  last_active_.assign(size_t(inputs), -1);
  outputs_ = 2 * c_.actor_neurons + c_.critic_neurons;
  phi_.assign(size_t(inputs), 0);
  phase_.assign(size_t(inputs), 0);
  v_.assign(size_t(outputs_), 0);
  count_.assign(size_t(outputs_), 0);
  pre_trace_.assign(size_t(inputs), 0), pre_last_.assign(size_t(inputs), 0);
  post_trace_.assign(size_t(outputs_), 0), post_last_.assign(size_t(outputs_), 0);
  const size_t n = size_t(inputs) * size_t(outputs_);
  w_.resize(n), tag_.assign(n, 0), elig_.assign(n, 0);
  RandomStream rng(seed, stream_id(0xAC1, 0));
  for (auto& w : w_) w = rng.uniform(0, 2 * c_.w_init);
}

void SpikingActorCritic::encode(const std::array<float, 4>& obs) {
  double* out = phi_.data();
  if (c_.fields_per_dim > 0)
    for (int d = 0; d < 4; ++d)
      fields(obs[size_t(d)], c_.lo[size_t(d)], c_.hi[size_t(d)], c_.fields_per_dim, out);
  std::array<std::vector<double>, 4> f;
  auto row = [&](int d, int n) {
    f[size_t(d)].resize(size_t(n));
    double* p = f[size_t(d)].data();
    fields(obs[size_t(d)], c_.lo[size_t(d)], c_.hi[size_t(d)], n, p);
    return f[size_t(d)];
  };
  if (c_.grid_fields > 0)
    for (const auto& [da, db] : kGridPairs) {
      const auto a = row(da, c_.grid_fields), b = row(db, c_.grid_fields);
      for (double fa : a)
        for (double fb : b) *out++ = fa * fb;
    }
  if (c_.place_cells[0] == 0) return;
  for (int d = 0; d < 4; ++d) row(d, c_.place_cells[size_t(d)]);
  for (double f0 : f[0])
    for (double f1 : f[1])
      for (double f2 : f[2])
        for (double f3 : f[3]) *out++ = f0 * f1 * f2 * f3;
}

void SpikingActorCritic::simulate() {
  const size_t no = size_t(outputs_), na = size_t(c_.actor_neurons);
  const TraceSet& pre_set = rule_.pre_traces();
  const TraceSet& post_set = rule_.post_traces();
  // Each environment step is a fresh trial of network time: membranes, traces and phases start at rest.
  std::fill(v_.begin(), v_.end(), 0.0);
  std::fill(count_.begin(), count_.end(), 0);
  std::fill(pre_trace_.begin(), pre_trace_.end(), 0.0);
  std::fill(post_trace_.begin(), post_trace_.end(), 0.0);
  for (int i : active_) std::fill_n(tag_.begin() + ptrdiff_t(size_t(i) * no), no, 0.0);
  active_.clear();
  for (size_t i = 0; i < phi_.size(); ++i) {
    phase_[i] = 0;
    if (phi_[i] * c_.peak_rate * c_.steps_per_action >= 1.0) active_.push_back(int(i));
  }
  RandomStream rng(seed_, stream_id(0xAC2, calls_ >> 32), uint32_t(calls_));
  const double decay = std::exp(-1.0 / c_.tau_m_ms);
  std::vector<int> pre_now, pre_prev, post_now;
  std::vector<double> input(no);
  int inhibit[2] = {0, 0};  // action spikes of the previous ms, per population
  for (int k = 0; k < c_.steps_per_action; ++k, ++now_) {
    // Inputs: regular spike trains at rate phi·peak_rate.
    pre_now.clear();
    for (int i : active_) {
      phase_[size_t(i)] += phi_[size_t(i)] * c_.peak_rate;
      if (phase_[size_t(i)] >= 1.0) phase_[size_t(i)] -= 1.0, pre_now.push_back(i);
    }
    // Outputs integrate the input spikes of the previous ms (1 ms delay, so causal pairs are tagged).
    std::fill(input.begin(), input.end(), 0.0);
    for (int i : pre_prev) {
      const double* w = &w_[size_t(i) * no];
      for (size_t j = 0; j < no; ++j) input[j] += w[j];
    }
    post_now.clear();
    int fired[2] = {0, 0};
    for (size_t j = 0; j < no; ++j) {
      const bool actor = j < 2 * na;
      double drive = input[j] + (actor ? c_.noise : c_.critic_noise) * rng.normal();
      if (actor) drive -= c_.lateral_inhibition * inhibit[j < na ? 1 : 0];
      v_[j] = v_[j] * decay + drive;
      if (v_[j] >= 1.0) {
        v_[j] = 0, ++count_[j], post_now.push_back(int(j));
        if (actor) ++fired[j < na ? 0 : 1];
      }
    }
    inhibit[0] = fired[0], inhibit[1] = fired[1];
    // Tagging: pre spikes depress by the post traces, post spikes potentiate by the pre traces (traces hold
    // spikes of earlier ms only), then this ms's spikes enter the traces.
    VarValues var{};
    for (int i : pre_now) {
      double* tag = &tag_[size_t(i) * no];
      var[kX0] = 1;
      for (size_t j = 0; j < no; ++j) {
        var[kY1] = post_set.value(0, post_trace_[j], now_ - post_last_[j]);
        double w = w_[size_t(i) * no + j];
        rule_.on_pre(var, w, tag[j]);
      }
    }
    var[kX0] = 0, var[kY0] = 1;
    for (int j : post_now)
      for (int i : active_) {
        var[kX1] = pre_set.value(0, pre_trace_[size_t(i)], now_ - pre_last_[size_t(i)]);
        double w = w_[size_t(i) * no + size_t(j)];
        rule_.on_post(var, w, tag_[size_t(i) * no + size_t(j)]);
      }
    for (int i : pre_now) {
      pre_trace_[size_t(i)] = pre_set.after_spike(0, pre_trace_[size_t(i)], now_ - pre_last_[size_t(i)]);
      pre_last_[size_t(i)] = now_;
    }
    for (int j : post_now) {
      post_trace_[size_t(j)] = post_set.after_spike(0, post_trace_[size_t(j)], now_ - post_last_[size_t(j)]);
      post_last_[size_t(j)] = now_;
    }
    std::swap(pre_prev, pre_now);
  }
}

void SpikingActorCritic::learn(double delta) {
  const size_t no = size_t(outputs_), na2 = 2 * size_t(c_.actor_neurons);
  for (int i : touched_)
    for (size_t j = 0; j < no; ++j) {
      const size_t s = size_t(i) * no + j;
      const double eta = j < na2 ? c_.eta_actor : c_.eta_critic;
      w_[s] = std::clamp(w_[s] + eta * delta * elig_[s], 0.0, c_.w_max);
    }
}

int SpikingActorCritic::act(const std::array<float, 4>& observation) {
  encode(observation);
  simulate();
  const size_t na = size_t(c_.actor_neurons);
  int votes[2] = {0, 0};
  for (size_t j = 0; j < 2 * na; ++j) votes[j < na ? 0 : 1] += count_[j];
  int critic = 0;
  for (size_t j = 2 * na; j < size_t(outputs_); ++j) critic += count_[j];
  const double value = critic / (c_.critic_neurons * c_.value_spikes) - 1.0;
  if (pending_) learn(pending_reward_ + c_.gamma * value - value_);
  pending_ = false;
  value_ = value;
  // Eligibility: the past decays by λ per environment step, this step's tags add.
  // Inputs silent for kForget steps (λ^kForget is negligible) leave the eligible set.
  for (int i : active_) {
    if (last_active_[size_t(i)] < 0) touched_.push_back(i);
    last_active_[size_t(i)] = int64_t(calls_);
  }
  size_t kept = 0;
  for (int i : touched_) {
    double* e = &elig_[size_t(i) * size_t(outputs_)];
    const double* t = &tag_[size_t(i) * size_t(outputs_)];
    if (int64_t(calls_) - last_active_[size_t(i)] > kForget) {
      std::fill_n(e, outputs_, 0.0), last_active_[size_t(i)] = -1;
      continue;
    }
    for (int j = 0; j < outputs_; ++j) e[j] = c_.eligibility_decay * e[j] + t[j];
    touched_[kept++] = i;
  }
  touched_.resize(kept);
  const uint64_t call = calls_++;
  if (votes[0] != votes[1]) return votes[1] > votes[0] ? 1 : 0;
  RandomStream tie(seed_, stream_id(0xAC3, call >> 32), uint32_t(call));
  return int(tie.next_u32() & 1);
}

void SpikingActorCritic::reward(double r, bool terminal) {
  if (!terminal) {
    pending_ = true, pending_reward_ = r;
    return;
  }
  learn(r - value_);
  truncate();
}

void SpikingActorCritic::truncate() {
  pending_ = false;
  for (int i : touched_) {
    std::fill_n(elig_.begin() + ptrdiff_t(size_t(i) * size_t(outputs_)), outputs_, 0.0);
    last_active_[size_t(i)] = -1;
  }
  touched_.clear();
}

}  // namespace scx::learning
