#include "toml_events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "silicortex/core/error.hpp"
#include "silicortex/io/events.hpp"

namespace scx::io::toml_detail {

model::NeuronParams read_events_source(TableReader& population) {
  TableReader t = population.require("params").table();
  const Field file_field = t.require("file");
  std::filesystem::path file = file_field.string();
  if (file.is_relative()) file = std::filesystem::path(population.file()).parent_path() / file;
  auto number = [&](const char* key, double fallback, bool zero_ok) {
    const auto f = t.get(key);
    return f ? (zero_ok ? f->non_negative() : f->positive()) : fallback;
  };
  const double start_ms = number("start_ms", 0, true);
  const double duration_ms = number("duration_ms", std::numeric_limits<double>::infinity(), false);
  const double time_scale = number("time_scale", 1, false);
  const auto down = t.get("downsample");
  const uint32_t downsample = down ? down->positive_count() : 1;
  std::string polarity = "both";
  if (const auto p = t.get("polarity")) {
    polarity = p->string();
    if (polarity != "both" && polarity != "on" && polarity != "off")
      p->fail(fmt::format("'{}': expected \"both\", \"on\" or \"off\"", polarity));
  }
  t.finish();

  EventRecording rec;
  try {
    rec = read_events(file);
  } catch (const Error& e) {
    file_field.fail(e.what());
  }
  const uint64_t width = (rec.width + downsample - 1) / downsample,
                 height = (rec.height + downsample - 1) / downsample;
  const uint64_t polarities = polarity == "both" ? 2 : 1, neurons = width * height * polarities;
  const Field size = population.require("size");
  if (size.positive_count() != neurons)
    size.fail(fmt::format("the recording gives {} x {} pixels{} x {} polarit{} = {} neurons", width, height,
                          downsample > 1 ? fmt::format(" (pooled {0} x {0})", downsample) : "", polarities,
                          polarities == 1 ? "y" : "ies", neurons));

  model::SpikeTimesSource s;
  s.times_ms.resize(neurons);
  // Time 0 is the first event; in double, as a damaged file's times may span more than int64 holds.
  const double t0 = double(time_span(rec).first_us);
  for (const Event& e : rec.events) {
    const double ms = (double(e.t_us) - t0) * 1e-3 - start_ms;
    if (ms < 0 || ms >= duration_ms || (polarity == "on" && !e.on) || (polarity == "off" && e.on)) continue;
    const uint64_t p = polarity == "both" && !e.on ? 1 : 0;
    s.times_ms[(p * height + e.y / downsample) * width + e.x / downsample].push_back(ms * time_scale);
  }
  for (auto& times : s.times_ms) std::sort(times.begin(), times.end());
  return s;
}

}  // namespace scx::io::toml_detail
