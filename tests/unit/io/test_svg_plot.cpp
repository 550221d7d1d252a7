#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "silicortex/core/error.hpp"
#include "silicortex/io/svg_plot.hpp"
#include "xml_check.hpp"

namespace scx::io {
namespace {

using testing::attribute_values;
using ::testing::HasSubstr;

void expect_well_formed(const std::string& svg, const std::string& name) {
  EXPECT_EQ(testing::tag_balance_error(svg), "") << name;
  if (!std::filesystem::exists("/usr/bin/python3")) return;
  testing::TempDir dir;
  testing::write_file(dir / "fig.svg", svg);
  EXPECT_EQ(testing::python_xml_parse(dir / "fig.svg"), 0) << name;
}

size_t count_marks(const std::string& d) {
  return static_cast<size_t>(std::count(d.begin(), d.end(), 'M'));
}

// Spike marks per population, from the raster's <path class="spikes" data-population=...> elements.
std::map<std::string, size_t> raster_marks(const std::string& svg) {
  const auto pops = attribute_values(svg, "class=\"spikes\"", "data-population");
  const auto paths = attribute_values(svg, "class=\"spikes\"", "d");
  std::map<std::string, size_t> out;
  for (size_t i = 0; i < pops.size(); ++i) out[pops[i]] += count_marks(paths.at(i));
  return out;
}

TEST(SvgPlot, AllFiguresAreWellFormed) {
  auto run = testing::sample_run();
  run.spikes[1].population = "in<h> & 'x'";
  expect_well_formed(svg_raster(run), "raster");
  expect_well_formed(svg_rates(run), "rates");
  expect_well_formed(svg_traces(run), "traces");
  expect_well_formed(svg_raster(sim::RunResult{}), "empty raster");
  expect_well_formed(svg_rates(sim::RunResult{}), "empty rates");
  expect_well_formed(svg_traces(sim::RunResult{}), "empty traces");
  EXPECT_THAT(svg_raster(run), HasSubstr("in&lt;h&gt; &amp; &apos;x&apos;"));
  EXPECT_THAT(svg_traces(sim::RunResult{}), HasSubstr("no state traces"));
}

TEST(SvgPlot, RasterHasOneMarkPerSpikeInTheWindow) {
  const auto run = testing::sample_run();
  const auto marks = raster_marks(svg_raster(run));
  EXPECT_EQ(marks.at("exc"), 5u);
  EXPECT_EQ(marks.at("inh"), 3u);
  EXPECT_EQ(marks.count("input"), 0u);  // not recorded: no band at all
  // exc spikes at 0.1, 2.5, 2.5, 40, 99.9 ms; inh at 10, 55.5, 77.25 ms. Window [2.5, 60).
  PlotOptions opt;
  opt.t_start_ms = 2.5;
  opt.t_stop_ms = 60;
  const auto windowed = raster_marks(svg_raster(run, opt));
  EXPECT_EQ(windowed.at("exc"), 3u);
  EXPECT_EQ(windowed.at("inh"), 2u);
  // Neurons 0..3 only: exc neurons {3, 0, 29, 7, 3} keep 3 spikes, inh {1, 7, 0} keep 2.
  PlotOptions few;
  few.max_neurons = 4;
  const auto limited = raster_marks(svg_raster(run, few));
  EXPECT_EQ(limited.at("exc"), 3u);
  EXPECT_EQ(limited.at("inh"), 2u);
}

TEST(SvgPlot, RasterMarksSitAtTheirTimes) {
  sim::RunResult run;
  run.meta.duration_ms = 100;
  run.spikes.push_back({"p", 1, {0.0, 25.0, 50.0}, {0, 0, 0}, 3, true});
  const std::string svg = svg_raster(run);
  const std::string frame = R"(fill="none" stroke="black")";
  const double fx = std::stod(attribute_values(svg, frame, "x").at(0));
  const double fy = std::stod(attribute_values(svg, frame, "y").at(0));
  const double fw = std::stod(attribute_values(svg, frame, "width").at(0));
  const double fh = std::stod(attribute_values(svg, frame, "height").at(0));
  std::istringstream in(attribute_values(svg, "class=\"spikes\"", "d").at(0));
  std::vector<double> xs, ys, hs;
  char m, v;
  double x, y, h;
  while (in >> m >> x >> y >> v >> h) xs.push_back(x), ys.push_back(y), hs.push_back(h);
  ASSERT_EQ(xs.size(), 3u);
  // x: 0, 25 and 50 ms of a 100 ms axis; y: the single row fills the box, its marks centred on it.
  EXPECT_NEAR(xs[0], fx, 0.1);
  EXPECT_NEAR(xs[1], fx + fw / 4, 0.1);
  EXPECT_NEAR(xs[2], fx + fw / 2, 0.1);
  for (size_t k = 0; k < 3; ++k) EXPECT_NEAR(ys[k] + hs[k] / 2, fy + fh / 2, 0.15);
}

TEST(SvgPlot, RasterThinsLargeInputsAndSaysSo) {
  sim::RunResult run;
  run.meta.duration_ms = 1000;
  sim::PopulationSpikes p{"big", 1000, {}, {}, 0, true};
  for (int k = 0; k < 500'000; ++k) {
    p.times_ms.push_back(k * 0.002);
    p.neurons.push_back(static_cast<uint32_t>((k * 7919ull) % 1000));
  }
  p.total_spikes = p.times_ms.size();
  run.spikes.push_back(std::move(p));
  const std::string svg = svg_raster(run);
  // 500000 spikes over a 200000-mark budget: every 3rd is drawn.
  EXPECT_EQ(raster_marks(svg).at("big"), 166'667u);
  EXPECT_THAT(svg, HasSubstr("1 spike in 3 drawn (166667 of 500000"));
  EXPECT_LT(svg.size(), 4'000'000u);
  EXPECT_EQ(testing::tag_balance_error(svg), "");
}

// Two populations with spike times chosen against the bin edges; the counts below are done by hand.
sim::RunResult rate_run() {
  sim::RunResult run;
  run.meta.duration_ms = 12.5;
  run.spikes.push_back(
      {"a", 4, {0.5, 1.0, 4.99, 5.0, 7.0, 9.99, 10.0, 12.0}, {0, 1, 2, 3, 0, 1, 2, 3}, 8, true});
  run.spikes.push_back({"b", 2, {0.0, 12.4999}, {0, 1}, 2, true});
  run.spikes.push_back({"c", 5, {}, {}, 0, false});
  return run;
}

TEST(SvgPlot, RateHistogramMatchesHandCounts) {
  const auto h = rate_histogram(rate_run());  // 5 ms bins: [0, 5), [5, 10), [10, 12.5)
  EXPECT_THAT(h.edges_ms, ::testing::ElementsAre(0, 5, 10, 12.5));
  EXPECT_THAT(h.populations, ::testing::ElementsAre("a", "b"));
  // a: 3, 3, 2 spikes from 4 neurons; b: 1, 0, 1 from 2 neurons. Rate = count / (size * width in s).
  EXPECT_DOUBLE_EQ(h.rates_hz[0][0], 3 / (4 * 0.005));
  EXPECT_DOUBLE_EQ(h.rates_hz[0][1], 3 / (4 * 0.005));
  EXPECT_DOUBLE_EQ(h.rates_hz[0][2], 2 / (4 * 0.0025));
  EXPECT_DOUBLE_EQ(h.rates_hz[1][0], 1 / (2 * 0.005));
  EXPECT_DOUBLE_EQ(h.rates_hz[1][1], 0);
  EXPECT_DOUBLE_EQ(h.rates_hz[1][2], 1 / (2 * 0.0025));

  PlotOptions opt;
  opt.t_start_ms = 4.99;
  opt.t_stop_ms = 10;
  opt.bin_ms = 2.5;  // [4.99, 7.49), [7.49, 9.99), [9.99, 10): a has 3, 0, 1
  const auto w = rate_histogram(rate_run(), opt);
  ASSERT_EQ(w.edges_ms.size(), 4u);
  EXPECT_DOUBLE_EQ(w.rates_hz[0][0], 3 / (4 * 0.0025));
  EXPECT_DOUBLE_EQ(w.rates_hz[0][1], 0);
  EXPECT_NEAR(w.rates_hz[0][2], 1 / (4 * 0.00001), 1e-6);
}

// The step curve's heights are proportional to the rates: parse "M x y H x V y H x ...".
TEST(SvgPlot, RateCurvesFollowTheHistogram) {
  const std::string svg = svg_rates(rate_run());
  expect_well_formed(svg, "rates");
  const auto d = attribute_values(svg, "class=\"rate\"", "d");
  ASSERT_EQ(d.size(), 2u);
  std::vector<std::vector<double>> ys(2);
  for (size_t p = 0; p < 2; ++p) {
    std::istringstream in(d[p]);
    char c;
    double x, y;
    in >> c >> x >> y;
    ys[p].push_back(y);
    while (in >> c >> x)
      if (c == 'V') ys[p].push_back(x);
    ASSERT_EQ(ys[p].size(), 3u) << d[p];
  }
  const double zero = ys[1][1];                   // b's empty bin
  const double per_hz = (zero - ys[0][0]) / 150;  // a's first bin: 150 Hz
  EXPECT_NEAR((zero - ys[0][2]) / per_hz, 200, 0.5);
  EXPECT_NEAR((zero - ys[1][0]) / per_hz, 100, 0.5);
  EXPECT_NEAR((zero - ys[1][2]) / per_hz, 200, 0.5);
}

TEST(SvgPlot, BadOptionsAreErrors) {
  const auto run = rate_run();
  PlotOptions zero_bin;
  zero_bin.bin_ms = 0;
  EXPECT_THROW(svg_rates(run, zero_bin), Error);
  PlotOptions backwards;
  backwards.t_start_ms = 10;
  backwards.t_stop_ms = 5;
  EXPECT_THROW(svg_raster(run, backwards), Error);
  PlotOptions late;
  late.t_start_ms = 50;  // after the end of the run
  EXPECT_THROW(svg_traces(run, late), Error);
  PlotOptions tiny_bins;
  tiny_bins.bin_ms = 1e-9;
  EXPECT_THROW(rate_histogram(run, tiny_bins), Error);
}

TEST(SvgPlot, TracesDrawOnePolylinePerNeuronUpToTen) {
  auto run = testing::sample_run();  // trace 0: 3 neurons; trace 1: no samples
  std::string svg = svg_traces(run);
  EXPECT_EQ(attribute_values(svg, "<polyline", "points").size(), 3u);
  sim::StateTrace wide{"exc", "v", 1, {}, {}, {}};
  for (uint32_t j = 0; j < 15; ++j) wide.neurons.push_back(j);
  for (int s = 0; s < 50; ++s) {
    wide.times_ms.push_back(s);
    for (uint32_t j = 0; j < 15; ++j) wide.values.push_back(static_cast<float>(j));
  }
  run.traces.push_back(wide);
  svg = svg_traces(run);
  EXPECT_EQ(attribute_values(svg, "<polyline", "points").size(), 13u);
  EXPECT_THAT(svg, HasSubstr("first 10 of 15 neurons"));
  expect_well_formed(svg, "traces");
}

TEST(SvgPlot, LongTracesAreDecimatedButKeepPeaks) {
  sim::RunResult run;
  sim::StateTrace t{"p", "v", 0.01, {0}, {}, {}};
  for (int s = 0; s < 100'000; ++s) {
    t.times_ms.push_back(s * 0.01);
    t.values.push_back(s == 54'321 ? 30.0f : -65.0f);  // one spike-like sample
  }
  run.traces.push_back(t);
  const auto points = attribute_values(svg_traces(run), "<polyline", "points").at(0);
  std::vector<double> ys;
  std::istringstream in(points);
  double x, y;
  char comma;
  while (in >> x >> comma >> y) ys.push_back(y);
  EXPECT_LT(ys.size(), 2000u);
  EXPECT_GT(ys.size(), 500u);
  const auto [lo, hi] = std::minmax_element(ys.begin(), ys.end());
  EXPECT_EQ(std::count(ys.begin(), ys.end(), *lo), 1);  // the peak (smallest y) survives, exactly once
  EXPECT_GT(*hi - *lo, 50);
}

}  // namespace
}  // namespace scx::io
