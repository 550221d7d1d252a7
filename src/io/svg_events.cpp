#include "silicortex/io/svg_events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/io/png.hpp"
#include "silicortex/io/svg.hpp"

namespace scx::io {
namespace {

constexpr uint64_t kMaxPixels = uint64_t{16} << 20;

// Events per pixel, bright where many: scaled to the 99th percentile of the active pixels' counts, so that a
// few hot pixels do not leave the rest black, with a square root for the long tail.
std::string counts_png(const EventRecording& rec) {
  const size_t w = std::max<uint32_t>(1, rec.width), h = std::max<uint32_t>(1, rec.height);
  std::vector<uint32_t> count(w * h, 0);
  for (const Event& e : rec.events)
    if (e.x < w && e.y < h) ++count[size_t(e.y) * w + e.x];
  std::vector<uint32_t> active;
  for (uint32_t c : count)
    if (c > 0) active.push_back(c);
  double top = 1;
  if (!active.empty()) {
    const size_t k = active.size() * 99 / 100;
    std::nth_element(active.begin(), active.begin() + long(k), active.end());
    top = std::max<double>(1, active[k]);
  }
  std::vector<uint8_t> px(w * h);
  for (size_t i = 0; i < px.size(); ++i)
    px[i] = static_cast<uint8_t>(std::lround(255.0 * std::sqrt(std::min(1.0, double(count[i]) / top))));
  return encode_png_gray(uint32_t(w), uint32_t(h), px);
}

}  // namespace

std::string svg_events(const EventRecording& rec, const std::string& title) {
  // Real sensors have at most a few million pixels; a damaged file's stray coordinates must not make the
  // picture allocate gigabytes.
  if (uint64_t(rec.width) * rec.height > kMaxPixels)
    throw Error(fmt::format("{} x {} pixels are too many to draw (at most {} million)", rec.width, rec.height,
                            kMaxPixels >> 20));
  svg::Figure fig(980, 420);
  fig.title(title);
  // The sensor, scaled to fit 360 x 340 pixels.
  const double w = std::max<uint32_t>(1, rec.width), h = std::max<uint32_t>(1, rec.height);
  const double scale = std::min(360.0 / w, 340.0 / h);
  fig.raw(fmt::format(R"(<image x="30" y="50" width="{}" height="{}" style="image-rendering:pixelated" )"
                      R"(preserveAspectRatio="none" href="data:image/png;base64,{}"/>)",
                      svg::num(w * scale), svg::num(h * scale), base64(counts_png(rec))));
  fig.text(30, 50 + h * scale + 18,
           fmt::format("{} x {} pixels, brighter = more events (square root, 99th percentile = white)",
                       rec.width, rec.height));
  if (rec.events.empty()) return fig.str();
  // ON and OFF events per millisecond, in about 200 bins.
  // Times in double: a damaged file's timestamps may span more than int64 differences hold.
  const TimeSpan span = time_span(rec);
  const double t0 = double(span.first_us), span_us = std::max(1.0, double(span.last_us) - t0 + 1);
  const double bin_us = std::max(1.0, std::ceil(span_us / 200));
  const auto bins = size_t(std::ceil(span_us / bin_us));  // at most 200
  std::vector<double> on(bins, 0), off(bins, 0), xs(bins);
  for (const Event& e : rec.events) {
    const auto b = std::min(bins - 1, size_t((double(e.t_us) - t0) / bin_us));
    (e.on ? on : off)[b] += 1000.0 / bin_us;
  }
  for (size_t b = 0; b < bins; ++b) xs[b] = (double(b) + 0.5) * bin_us * 1e-6;
  const double top = std::max(
      1.0, std::max(*std::max_element(on.begin(), on.end()), *std::max_element(off.begin(), off.end())));
  const svg::Axes ax({470, 50, 420, 300}, 0, span_us * 1e-6, 0, top * 1.05);
  ax.draw(fig, "time from the first event (s)", "events per ms");
  ax.polyline(fig, xs, on, svg::colour(3));
  ax.polyline(fig, xs, off, svg::colour(0));
  ax.legend(fig, {{"ON", svg::colour(3)}, {"OFF", svg::colour(0)}});
  return fig.str();
}

}  // namespace scx::io
