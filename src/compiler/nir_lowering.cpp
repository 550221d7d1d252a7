// NirNeuron populations -> Loihi CUBA LIF or TrueNorth neurons (nir_lowering.hpp has the mapping). Each
// population gets one scale S from NIR voltage to chip voltage; every synapse weight becomes S times the
// increment it causes, so the chip integrates the NIR equations up to the rounding of decays and weights,
// which is reported.
#include "silicortex/compiler/nir_lowering.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "silicortex/core/error.hpp"

namespace scx::compiler {
namespace {

using Kind = model::NirNeuron::Kind;

constexpr double kLoihiVthShifted = 1 << 17;  // v > vth << 6: the threshold sits 2^6 below the 24-bit range
constexpr int32_t kLoihiMantMax = 127;

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::I:
      return "I";
    case Kind::IF:
      return "IF";
    case Kind::LI:
      return "LI";
    case Kind::LIF:
      return "LIF";
    case Kind::CubaLI:
      return "CubaLI";
    case Kind::CubaLIF:
      return "CubaLIF";
    case Kind::Threshold:
      return "Threshold";
  }
  return "?";
}

[[noreturn]] void fail(const model::Population& pop, const model::NirNeuron& m, const std::string& field,
                       const std::string& what) {
  throw Error(fmt::format("node '{}' ({}){}{}: {}", pop.name, kind_name(m.kind), field.empty() ? "" : ".",
                          field, what));
}

double at(const std::vector<double>& a, uint32_t i, double fallback) {
  return a.empty() ? fallback : a[a.size() == 1 ? 0 : i];
}

// One value shared by every neuron, or an error: a chip core shares its decays and threshold.
double uniform(const model::Population& pop, const model::NirNeuron& m, const char* field,
               const std::vector<double>& a, double fallback, const hw::ChipProfile& chip) {
  const double v = at(a, 0, fallback);
  for (double x : a)
    if (std::fabs(x - v) > 1e-9 * std::max(1.0, std::fabs(v)))
      fail(pop, m, field,
           fmt::format("differs between neurons ({} and {}); chip '{}' shares it across a population's core",
                       v, x, chip.name));
  return v;
}

struct Incoming {
  size_t proj;  // index in the lowered network
  std::vector<double> nir_w;
};

// The NIR increment of the driven state per unit of input, per neuron: dv (IF, LIF) or dv through i_syn
// (CubaLIF, one step of the current), before the voltage scale S.
double gain(const model::NirNeuron& m, uint32_t i, double dt_s) {
  const double r = at(m.r, i, 1.0);
  switch (m.kind) {
    case Kind::IF:
      return dt_s * r;
    case Kind::LIF:
      return dt_s * r / at(m.tau_s, i, 1.0);
    default:
      return dt_s * r / at(m.tau_s, i, 1.0) * dt_s / at(m.tau_syn_s, i, 1.0) * at(m.w_in, i, 1.0);
  }
}

// Largest relative error of the weights as compile_loihi stores them (per projection, the smallest exponent
// whose 8-bit mantissas reach the largest |w|).
double loihi_weight_error(const std::vector<std::vector<double>>& projections) {
  double worst = 0;
  for (const auto& ws : projections) {
    double w_max = 0;
    for (double w : ws) w_max = std::max(w_max, std::fabs(w));
    int e = 0;
    while (w_max > kLoihiMantMax * std::ldexp(1.0, e) && e < 16) ++e;
    for (double w : ws)
      if (w != 0)
        worst = std::max(worst, std::fabs(std::ldexp(std::round(std::ldexp(w, -e)), e) - w) / w_max);
  }
  return worst;
}

class Lowering {
 public:
  Lowering(const model::Network& net, const hw::ChipProfile& chip)
      : in_(net), chip_(chip), loihi_(chip.neuron_kind == hw::NeuronKind::kLoihiCuba), lag_(loihi_ ? 1 : 2) {
    if (!loihi_ && chip.neuron_kind != hw::NeuronKind::kTrueNorth)
      throw Error(fmt::format("chip '{}': NIR graphs compile to loihi- or truenorth-model chips", chip.name));
    out_.nir_dt_ms = net.sim.dt_ms;
    tick_ms_ = chip.tick_s * 1e3;
  }

  NirLowering run() {
    model::Network& net = out_.net;
    net.name = in_.name;
    net.sim = in_.sim;
    net.sim.dt_ms = tick_ms_;
    int64_t max_depth = 0;
    for (const auto& pop : in_.populations) max_depth = std::max(max_depth, depth_of(pop.name));
    net.sim.duration_ms =
        (std::round(in_.sim.duration_ms / in_.sim.dt_ms) + double((lag_ - 1) * max_depth)) * tick_ms_;
    for (const auto& pop : in_.populations) {
      if (const auto* src = std::get_if<model::SpikeTimesSource>(&pop.params)) {
        model::SpikeTimesSource s = *src;
        for (auto& times : s.times_ms)
          for (double& t : times) t = std::round(t / in_.sim.dt_ms) * tick_ms_;
        net.add_population(pop.name, pop.size, std::move(s));
        out_.depth.push_back(0);
        out_.bias_source.push_back(false);
        continue;
      }
      const auto* m = std::get_if<model::NirNeuron>(&pop.params);
      if (m == nullptr)
        throw Error(fmt::format("population '{}': model {} is not a NIR population", pop.name,
                                model::model_name(pop.params)));
      check_kind(pop, *m);
      net.add_population(pop.name, pop.size, model::LoihiCubaLif{});  // parameters set in lower_population
      out_.depth.push_back(lag_ * m->hold_steps);
      out_.bias_source.push_back(false);
    }
    for (const auto& proj : in_.projections) copy_projection(proj);
    for (uint32_t p = 0; p < in_.populations.size(); ++p)
      if (const auto* m = std::get_if<model::NirNeuron>(&in_.populations[p].params)) lower_population(p, *m);
    return std::move(out_);
  }

 private:
  void check_kind(const model::Population& pop, const model::NirNeuron& m) {
    const std::string chip = fmt::format("chip '{}'", chip_.name);
    if (m.kind == Kind::LI || m.kind == Kind::CubaLI || m.kind == Kind::I)
      fail(pop, m, "",
           fmt::format("does not spike: its output is its voltage, and {} neurons send and deliver only "
                       "spikes (graded outputs run in the reference engine: `nir run`)",
                       chip));
    if (m.kind == Kind::Threshold)
      fail(pop, m, "",
           fmt::format("has no equivalent on {}: its v = x keeps no state, a chip neuron does", chip));
    if (!loihi_ && m.kind != Kind::IF)
      fail(pop, m, "tau",
           fmt::format("{}'s leak is linear (a constant per tick), NIR's {} leak is exponential; only IF "
                       "nodes lower to truenorth-model chips",
                       chip, kind_name(m.kind)));
    if (m.reset == model::NirNeuron::Reset::Subtract)
      fail(pop, m, "",
           fmt::format("reset by subtraction: {} resets v to {}", chip, loihi_ ? "0" : "a value"));
  }

  // A population's layer lag in NIR steps (0 for Inputs).
  int64_t depth_of(const std::string& pop) const {
    const auto* m = std::get_if<model::NirNeuron>(&in_.find_population(pop)->params);
    return m ? int64_t(m->hold_steps) : 0;
  }

  void copy_projection(const model::Projection& proj) {
    const auto& delays = std::get<model::ValueArray>(proj.delay_ms).values;
    std::vector<double> ticks;
    for (double d : delays) {
      // TrueNorth: every layer lags two ticks, so forward edges may pass a splitter.
      double steps =
          std::round(d / in_.sim.dt_ms) + double((lag_ - 1) * (depth_of(proj.post) - depth_of(proj.pre)));
      if (steps < 1) {  // a back edge across layers: already late in the reference lowering, later here
        note(fmt::format("edge {}: a back edge across layers arrives {} more tick(s) late", proj.name,
                         1 - steps));
        steps = 1;
      }
      if (loihi_ && steps != 1)
        throw Error(fmt::format(
            "edge {}: arrives {} steps after it is sent (a skip over {} layer(s), a back edge across "
            "layers or a Delay node); chip '{}' delivers every spike exactly 1 tick later ({} ticks too "
            "many)",
            proj.name, steps, steps - 1, chip_.name, steps - 1));
      ticks.push_back(steps * tick_ms_);
    }
    auto& copy = out_.net.connect(proj.pre, proj.post, proj.connector,
                                  model::ValueArray{std::get<model::ValueArray>(proj.weight).values},
                                  model::ValueArray{std::move(ticks)}, proj.receptor);
    copy.name = proj.name;
  }

  // The bias source of population p: one neuron firing every tick from the one before p starts, whose
  // synapses carry each neuron's constant input (in NIR units until scaled).
  void add_bias_source(uint32_t p, const model::NirNeuron& m) {
    const auto& pop = in_.populations[p];
    const std::string name = pop.name + ".bias";
    std::vector<double> times;
    const auto ticks = static_cast<int64_t>(std::llround(out_.net.sim.duration_ms / tick_ms_));
    for (int64_t t = std::max<int64_t>(0, lag_ * int64_t(m.hold_steps) - 1); t < ticks; ++t)
      times.push_back(double(t) * tick_ms_);
    out_.net.add_population(name, 1, model::SpikeTimesSource{{std::move(times)}});
    out_.depth.push_back(0);
    out_.bias_source.push_back(true);
    model::FromList conn;
    std::vector<double> w;
    for (uint32_t i = 0; i < pop.size; ++i)
      if (const double b = at(m.bias, i, 0.0); b != 0)
        conn.pre.push_back(0), conn.post.push_back(i), w.push_back(b);
    auto& proj = out_.net.connect(name, pop.name, std::move(conn), model::ValueArray{std::move(w)},
                                  model::Constant{tick_ms_});
    proj.name = name + "->" + pop.name;
  }

  void lower_population(uint32_t p, const model::NirNeuron& m) {
    const auto& pop = in_.populations[p];
    const double dt_s = in_.sim.dt_ms * 1e-3;
    bool has_bias = false;
    for (double b : m.bias) has_bias |= b != 0;
    if (has_bias) add_bias_source(p, m);
    const double theta = uniform(pop, m, "v_threshold", m.v_threshold, 0.0, chip_);
    const double v_reset = uniform(pop, m, "v_reset", m.v_reset, 0.0, chip_);
    if (!(theta > 0))
      fail(pop, m, "v_threshold",
           fmt::format("is {}; chip '{}' needs a positive threshold", theta, chip_.name));
    // Incoming weights in NIR units of the driven state (the gain of the post neuron applied).
    std::vector<size_t> incoming;
    std::vector<std::vector<double>> increments;
    for (size_t k = 0; k < out_.net.projections.size(); ++k) {
      auto& proj = out_.net.projections[k];
      if (proj.post != pop.name) continue;
      const auto& post = std::get<model::FromList>(proj.connector).post;
      auto& w = std::get<model::ValueArray>(proj.weight).values;
      for (size_t s = 0; s < w.size(); ++s) w[s] *= gain(m, post[s], dt_s);
      incoming.push_back(k);
      increments.push_back(w);
    }
    const double scale = loihi_ ? lower_loihi(p, m, theta, v_reset, increments)
                                : lower_truenorth(p, m, theta, v_reset, increments);
    for (size_t k : incoming)
      for (double& w : std::get<model::ValueArray>(out_.net.projections[k].weight).values) w *= scale;
  }

  // Returns the voltage scale S; sets the population's LoihiCubaLif.
  double lower_loihi(uint32_t p, const model::NirNeuron& m, double theta, double v_reset,
                     std::vector<std::vector<double>> increments) {
    const auto& pop = in_.populations[p];
    const double dt_s = in_.sim.dt_ms * 1e-3;
    if (v_reset != 0)
      fail(pop, m, "v_reset", fmt::format("is {}; chip '{}' resets v to 0", v_reset, chip_.name));
    // a_in is shifted left by 6 before it joins u: weights in a_in units are S * increment / 64.
    const double s0 = kLoihiVthShifted / theta;
    double w_max = 0;
    for (auto& ws : increments)
      for (double& w : ws) w_max = std::max(w_max, std::fabs(w *= s0 / 64));
    // Choose between S0 and a slightly smaller S that makes the largest weight an exact mantissa.
    double f = 1;
    if (w_max >= kLoihiMantMax) {
      const double e = std::floor(std::log2(w_max / kLoihiMantMax));
      const double f2 = kLoihiMantMax * std::exp2(e) / w_max;
      auto scaled = increments;
      for (auto& ws : scaled)
        for (double& w : ws) w *= f2;
      if (loihi_weight_error(scaled) < loihi_weight_error(increments)) f = f2;
    }
    const double scale = s0 * f;
    model::LoihiCubaLif chip_m;
    const double vth = theta * scale / 64;
    chip_m.vth = std::round(vth);
    record(pop.name, "vth", vth, chip_m.vth);
    const double tau_mem = m.kind == Kind::IF ? INFINITY : uniform(pop, m, "tau", m.tau_s, 1.0, chip_);
    const double dv = m.kind == Kind::IF ? 0.0 : 4096 * dt_s / tau_mem;
    chip_m.dv = std::clamp(std::round(dv), 0.0, 4095.0);
    if (m.kind != Kind::IF) record(pop.name, "dv (4096 dt/tau_mem)", dv, chip_m.dv);
    if (m.kind == Kind::CubaLIF) {
      const double du = 4096 * dt_s / uniform(pop, m, "tau_syn", m.tau_syn_s, 1.0, chip_);
      chip_m.du = std::clamp(std::round(du) - 1, 0.0, 4095.0);  // Lava decays u by (du + 1) / 4096
      record(pop.name, "du + 1 (4096 dt/tau_syn)", du, chip_m.du + 1);
    } else {
      chip_m.du = 4095;  // u holds only this tick's input
    }
    if (dv > 4095.5)
      note(fmt::format("node '{}': dt/tau_mem = {} >= 1; the chip decays v by at most 4095/4096 per tick",
                       pop.name, dv / 4096));
    const double v_leak = m.kind == Kind::IF ? 0.0 : uniform(pop, m, "v_leak", m.v_leak, 0.0, chip_);
    if (v_leak != 0) {
      // dt/tau v_leak per tick, as a 13-bit mantissa with an exponent -7..7.
      const double bias = scale * dt_s / tau_mem * v_leak;
      int e = -7;
      while (std::fabs(bias) > 4095 * std::ldexp(1.0, e) && e < 7) ++e;
      chip_m.bias_exp = e;
      chip_m.bias_mant = std::clamp(std::round(std::ldexp(bias, -e)), -4096.0, 4095.0);
      record(pop.name, "bias (dt/tau v_leak)", bias, std::ldexp(chip_m.bias_mant, e));
      note(fmt::format(
          "node '{}': v_leak = {} acts from tick 0 and v starts at 0 (NIR: at v_leak, from step {})",
          pop.name, v_leak, m.hold_steps));
    }
    std::get<model::LoihiCubaLif>(out_.net.populations[p].params) = chip_m;
    return scale / 64;
  }

  // TrueNorth: v is an integer counter. Finds the smallest power-of-two scale making every increment an
  // integer, or fails naming the first one that is not.
  double lower_truenorth(uint32_t p, const model::NirNeuron& m, double theta, double v_reset,
                         const std::vector<std::vector<double>>& increments) {
    const auto& pop = in_.populations[p];
    auto integral = [](double x) {
      return std::fabs(x - std::round(x)) <= 1e-9 * std::max(1.0, std::fabs(x));
    };
    double scale = 1;
    double bad = 0;
    for (; scale <= 256; scale *= 2) {
      bool ok = integral(v_reset * scale);
      for (const auto& ws : increments)
        for (double w : ws)
          if (!integral(w * scale)) ok = false, bad = w;
      if (ok) break;
    }
    if (scale > 256)
      fail(pop, m, "r",
           fmt::format("an input changes v by {} (dt * r * weight), which is no integer even scaled by 2^8; "
                       "truenorth-model chips count v in integers (compile for loihi instead)",
                       bad));
    model::TrueNorthNeuron tn;
    tn.threshold = std::floor(theta * scale) + 1;  // v > theta  <=>  V >= floor(theta S) + 1 for integer V
    tn.neg_threshold = double((int64_t{1} << chip_.threshold_bits) - 1);
    tn.neg_saturate = 1;
    tn.reset_mode = 0;
    tn.reset_value = v_reset * scale;
    tn.potential_bits = double(chip_.potential_bits);
    tn.tick_ms = tick_ms_;
    record(pop.name, "threshold (V >= floor(S v_threshold) + 1)", theta * scale, tn.threshold - 1);
    note(fmt::format("node '{}': v is counted in units of 1/{}; it saturates at -{} (NIR: unbounded)",
                     pop.name, scale, tn.neg_threshold / scale));
    out_.net.populations[p].params = tn;
    return scale;
  }

  void record(const std::string& pop, const std::string& what, double wanted, double got) {
    out_.parameters.push_back({pop, what, wanted, got});
  }
  void note(std::string s) { out_.notes.push_back(std::move(s)); }

  const model::Network& in_;
  const hw::ChipProfile& chip_;
  bool loihi_;
  int64_t lag_;  // ticks per layer of depth
  double tick_ms_ = 1;
  NirLowering out_;
};

}  // namespace

double LoweredParameter::relative_error() const {
  return wanted == 0 ? std::fabs(got) : std::fabs(got - wanted) / std::fabs(wanted);
}

NirLowering lower_nir(const model::Network& net, const hw::ChipProfile& chip) {
  model::validate(net);
  NirLowering l = Lowering(net, chip).run();
  model::validate(l.net);
  return l;
}

std::string format_lowering_report(const NirLowering& l) {
  std::string out = "NIR lowering: one NIR step per chip tick\n";
  out += fmt::format("  {:<20} {:<42} {:>12} {:>12} {:>10}\n", "node", "parameter", "wanted", "on chip",
                     "rel err");
  for (const auto& p : l.parameters)
    out += fmt::format("  {:<20} {:<42} {:>12.6g} {:>12.6g} {:>10.3g}\n", p.population, p.parameter, p.wanted,
                       p.got, p.relative_error());
  for (const auto& n : l.notes) out += "  note: " + n + "\n";
  return out;
}

}  // namespace scx::compiler
