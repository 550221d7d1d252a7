#include "silicortex/io/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/io/svg.hpp"

namespace scx::io {
namespace {

constexpr double kWidth = 960;
constexpr double kLeft = 80, kRight = 210, kTop = 50, kBottom = 62;
constexpr uint64_t kMaxMarks = 200'000;  // raster marks drawn before thinning (~3 MB of SVG)
constexpr size_t kMaxTraceNeurons = 10;  // polylines per trace panel
constexpr size_t kMaxBins = 1'000'000;

struct Window {
  double t0, t1;  // [t0, t1) in ms
  bool contains(double t) const { return t >= t0 && t < t1; }
};

// The plotted time window; the whole run by default, stretched to include every recorded sample.
Window time_window(const sim::RunResult& run, const PlotOptions& opt) {
  const double t0 = opt.t_start_ms;
  if (!std::isfinite(t0)) throw Error(fmt::format("time window: start {} ms is not a number", t0));
  if (opt.t_stop_ms >= 0) {
    if (!(opt.t_stop_ms > t0))
      throw Error(fmt::format("time window: stop {} ms is not after start {} ms", opt.t_stop_ms, t0));
    return {t0, opt.t_stop_ms};
  }
  double end = run.meta.duration_ms;
  const auto after = [](double t) { return std::nextafter(t, INFINITY); };
  for (const auto& p : run.spikes)
    if (!p.times_ms.empty()) end = std::max(end, after(p.times_ms.back()));
  for (const auto& t : run.traces)
    if (!t.times_ms.empty()) end = std::max(end, after(t.times_ms.back()));
  if (end <= 0 && t0 == 0) return {0, 1};  // nothing was run or recorded: an empty figure
  if (!(end > t0))
    throw Error(fmt::format("time window: start {} ms is not before the end of the run ({} ms)", t0, end));
  return {t0, end};
}

bool has_spike_times(const sim::PopulationSpikes& p) {
  return p.recorded || !p.times_ms.empty();
}

std::string figure_title(const sim::RunResult& run, const std::string& what) {
  return run.meta.model_name.empty() ? what : run.meta.model_name + ": " + what;
}

void note(svg::Figure& fig, const std::string& text) {
  fig.text(kLeft, fig.height() - 8, text, R"(fill="#555" font-style="italic")");
}

}  // namespace

std::string svg_raster(const sim::RunResult& run, const PlotOptions& opt) {
  const Window win = time_window(run, opt);
  struct Band {
    size_t pop;
    uint64_t offset, rows;
  };
  std::vector<Band> bands;
  uint64_t rows = 0;
  for (size_t i = 0; i < run.spikes.size(); ++i) {
    const auto& p = run.spikes[i];
    if (!has_spike_times(p)) continue;
    const uint64_t r = opt.max_neurons > 0 ? std::min<uint64_t>(p.size, opt.max_neurons) : p.size;
    bands.push_back({i, rows, r});
    rows += r;
  }
  const auto shown = [&](const Band& b, size_t k) {
    const auto& p = run.spikes[b.pop];
    return win.contains(p.times_ms[k]) && p.neurons[k] < b.rows;
  };
  uint64_t in_window = 0;
  for (const Band& b : bands)
    for (size_t k = 0; k < run.spikes[b.pop].times_ms.size(); ++k) in_window += shown(b, k);
  const uint64_t stride = std::max<uint64_t>((in_window + kMaxMarks - 1) / kMaxMarks, 1);

  svg::Figure fig(kWidth, 540);
  fig.title(figure_title(run, "spike raster"));
  const svg::Box box{kLeft, kTop, kWidth - kLeft - kRight, fig.height() - kTop - kBottom};
  const svg::Axes ax(box, win.t0, win.t1, static_cast<double>(std::max<uint64_t>(rows, 1)),
                     0);  // row 0 on top
  const double row_px = box.h / static_cast<double>(std::max<uint64_t>(rows, 1));
  const double mark_px = std::clamp(row_px * 0.8, 0.6, 8.0);

  std::vector<std::pair<std::string, std::string>> legend;
  uint64_t seen = 0, drawn = 0;
  for (const Band& b : bands) {
    const auto& p = run.spikes[b.pop];
    const char* col = svg::colour(legend.size());
    const double top = ax.py(static_cast<double>(b.offset));
    const double bottom = ax.py(static_cast<double>(b.offset + b.rows));
    fig.rect(box.x, top, box.w, bottom - top, col, R"(fill-opacity="0.06")");
    if (b.offset > 0) fig.line(box.x, top, box.x + box.w, top, "#999", 0.5);
    const std::string neurons =
        b.rows < p.size ? fmt::format("{} of {}", b.rows, p.size) : std::to_string(p.size);
    legend.emplace_back(
        fmt::format("{} ({} neurons, {:.1f} Hz)", p.population, neurons, run.mean_rate_hz(b.pop)), col);

    // One path per population, one short vertical stroke ("M x y v h") per spike.
    std::string& out = fig.body();
    out += "<path class=\"spikes\" data-population=\"" + svg::escape(p.population) + "\" stroke=\"" + col +
           "\" stroke-width=\"1\" fill=\"none\" d=\"";
    for (size_t k = 0; k < p.times_ms.size(); ++k) {
      if (!shown(b, k) || seen++ % stride != 0) continue;
      out += 'M';
      svg::append_num(out, ax.px(p.times_ms[k]));
      out += ' ';
      svg::append_num(out, ax.py(static_cast<double>(b.offset + p.neurons[k]) + 0.5) - mark_px / 2);
      out += 'v';
      svg::append_num(out, mark_px);
      ++drawn;
    }
    out += "\"/>\n";
  }
  ax.draw(fig, "time (ms)", "neuron (populations stacked)");
  ax.legend(fig, legend);
  if (bands.empty())
    note(fig, "no spike times were recorded (add a \"spikes\" probe)");
  else if (stride > 1)
    note(fig, fmt::format("thinned: 1 spike in {} drawn ({} of {} in the window)", stride, drawn, in_window));
  return fig.str();
}

RateHistogram rate_histogram(const sim::RunResult& run, const PlotOptions& opt) {
  if (!(opt.bin_ms > 0) || !std::isfinite(opt.bin_ms))
    throw Error(
        fmt::format("rate histogram: bin width must be a positive number of ms (got {})", opt.bin_ms));
  const Window win = time_window(run, opt);
  const double bins_real = std::ceil((win.t1 - win.t0) / opt.bin_ms - 1e-9);
  if (bins_real > static_cast<double>(kMaxBins))
    throw Error(
        fmt::format("rate histogram: {:.0f} bins of {} ms in the window (at most {}); use a larger bin",
                    bins_real, opt.bin_ms, kMaxBins));
  const size_t bins = std::max<size_t>(static_cast<size_t>(bins_real), 1);
  RateHistogram h;
  for (size_t b = 0; b < bins; ++b) h.edges_ms.push_back(win.t0 + static_cast<double>(b) * opt.bin_ms);
  h.edges_ms.push_back(win.t1);

  for (const auto& p : run.spikes) {
    if (!has_spike_times(p)) continue;
    std::vector<uint64_t> counts(bins, 0);
    for (double t : p.times_ms) {
      if (!win.contains(t)) continue;
      size_t b = std::min(static_cast<size_t>((t - win.t0) / opt.bin_ms), bins - 1);
      // Division can round across an edge; the edges themselves decide.
      if (b > 0 && t < h.edges_ms[b]) --b;
      if (b + 1 < bins && t >= h.edges_ms[b + 1]) ++b;
      ++counts[b];
    }
    std::vector<double> rates(bins, 0.0);
    for (size_t b = 0; b < bins && p.size > 0; ++b)
      rates[b] = static_cast<double>(counts[b]) / (p.size * (h.edges_ms[b + 1] - h.edges_ms[b]) * 1e-3);
    h.populations.push_back(p.population);
    h.rates_hz.push_back(std::move(rates));
  }
  return h;
}

std::string svg_rates(const sim::RunResult& run, const PlotOptions& opt) {
  const RateHistogram h = rate_histogram(run, opt);
  double peak = 0;
  for (const auto& r : h.rates_hz)
    for (double v : r) peak = std::max(peak, v);

  svg::Figure fig(kWidth, 420);
  fig.title(figure_title(run, fmt::format("population firing rates ({:g} ms bins)", opt.bin_ms)));
  const svg::Box box{kLeft, kTop, kWidth - kLeft - kRight, fig.height() - kTop - kBottom};
  const svg::Axes ax(box, h.edges_ms.front(), h.edges_ms.back(), 0, peak > 0 ? peak * 1.08 : 1);
  std::vector<std::pair<std::string, std::string>> legend;
  for (size_t p = 0; p < h.populations.size(); ++p) {
    const char* col = svg::colour(p);
    // A step curve: flat across each bin, vertical at the edges.
    std::string& out = fig.body();
    out += "<path class=\"rate\" data-population=\"" + svg::escape(h.populations[p]) + "\" stroke=\"" + col +
           "\" stroke-width=\"1.5\" fill=\"none\" d=\"M";
    svg::append_num(out, ax.px(h.edges_ms[0]));
    out += ' ';
    svg::append_num(out, ax.py(h.rates_hz[p][0]));
    for (size_t b = 0; b < h.rates_hz[p].size(); ++b) {
      if (b > 0) {
        out += 'V';
        svg::append_num(out, ax.py(h.rates_hz[p][b]));
      }
      out += 'H';
      svg::append_num(out, ax.px(h.edges_ms[b + 1]));
    }
    out += "\"/>\n";
    legend.emplace_back(h.populations[p], col);
  }
  ax.draw(fig, "time (ms)", "rate (Hz)");
  ax.legend(fig, legend);
  if (h.populations.empty()) note(fig, "no spike times were recorded (add a \"spikes\" probe)");
  return fig.str();
}

namespace {

// Points of one neuron's trace over samples [a, b). With more samples than pixel columns, keeps each column's
// minimum and maximum (in time order) so that narrow peaks such as spikes stay visible.
void trace_points(const sim::StateTrace& t, size_t a, size_t b, size_t j, const svg::Axes& ax,
                  std::vector<double>& xs, std::vector<double>& ys) {
  xs.clear();
  ys.clear();
  const size_t n = t.neurons.size();
  const auto value = [&](size_t s) { return static_cast<double>(t.values[s * n + j]); };
  const auto push = [&](size_t s) {
    if (std::isfinite(value(s))) xs.push_back(t.times_ms[s]), ys.push_back(value(s));
  };
  if (static_cast<double>(b - a) <= 2 * ax.box().w) {
    for (size_t s = a; s < b; ++s) push(s);
    return;
  }
  for (size_t s = a; s < b;) {
    const auto column = static_cast<long>(ax.px(t.times_ms[s]));
    size_t lo = s, hi = s, e = s;
    for (; e < b && static_cast<long>(ax.px(t.times_ms[e])) == column; ++e) {
      if (value(e) < value(lo)) lo = e;
      if (value(e) > value(hi)) hi = e;
    }
    push(std::min(lo, hi));
    if (lo != hi) push(std::max(lo, hi));
    s = e;
  }
}

}  // namespace

std::string svg_traces(const sim::RunResult& run, const PlotOptions& opt) {
  const Window win = time_window(run, opt);
  const size_t limit = opt.max_neurons > 0 ? std::min(opt.max_neurons, kMaxTraceNeurons) : kMaxTraceNeurons;
  constexpr double kPanel = 190;
  svg::Figure fig(kWidth, kTop + kPanel * static_cast<double>(std::max<size_t>(run.traces.size(), 1)) + 20);
  fig.title(figure_title(run, "state traces"));
  std::vector<double> xs, ys;
  for (size_t i = 0; i < run.traces.size(); ++i) {
    const auto& t = run.traces[i];
    const size_t a = std::lower_bound(t.times_ms.begin(), t.times_ms.end(), win.t0) - t.times_ms.begin();
    const size_t b = std::lower_bound(t.times_ms.begin(), t.times_ms.end(), win.t1) - t.times_ms.begin();
    const size_t k = std::min(t.neurons.size(), limit);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t s = a; s < b; ++s)
      for (size_t j = 0; j < k; ++j) {
        const double v = t.values[s * t.neurons.size() + j];
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
      }
    if (lo > hi) lo = 0, hi = 1;
    const double pad = (hi - lo) * 0.05;
    const svg::Box box{kLeft, kTop + 18 + kPanel * static_cast<double>(i), kWidth - kLeft - kRight,
                       kPanel - 60};
    const svg::Axes ax(box, win.t0, win.t1, lo - pad, hi + pad);
    std::vector<std::pair<std::string, std::string>> legend;
    for (size_t j = 0; j < k; ++j) {
      trace_points(t, a, b, j, ax, xs, ys);
      ax.polyline(fig, xs, ys, svg::colour(j));
      legend.emplace_back(fmt::format("neuron {}", t.neurons[j]), svg::colour(j));
    }
    std::string title = fmt::format("{}.{} (every {:g} ms)", t.population, t.variable, t.interval_ms);
    if (k < t.neurons.size()) title += fmt::format(", first {} of {} neurons", k, t.neurons.size());
    ax.draw(fig, "time (ms)", t.variable, title);
    ax.legend(fig, legend);
  }
  if (run.traces.empty()) note(fig, "no state traces were recorded (add a probe on a state variable)");
  return fig.str();
}

}  // namespace scx::io
