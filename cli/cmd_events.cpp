// `events info`: what an event-camera recording holds (AEDAT 2.0 / 3.1 / 4.0, N-MNIST, Prophesee DAT), and a
// picture of it.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli_util.hpp"
#include "commands.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/io/events.hpp"
#include "silicortex/io/svg_events.hpp"

namespace scx::cli {
namespace {

struct InfoArgs {
  std::string file, svg_out;
};

void print_info(const std::string& file, const io::EventRecording& rec) {
  size_t on = 0;
  for (const auto& e : rec.events) on += e.on;
  std::printf("file      %s\n", file.c_str());
  std::printf("format    %s%s\n", rec.format.c_str(),
              rec.sensor.empty() ? "" : (" (" + rec.sensor + ")").c_str());
  std::printf("sensor    %u x %u pixels\n", rec.width, rec.height);
  std::printf("events    %s (ON %.1f %%)\n", thousands(rec.events.size()).c_str(),
              rec.events.empty() ? 0.0 : 100.0 * double(on) / double(rec.events.size()));
  if (rec.events.empty()) return;
  const io::TimeSpan span = io::time_span(rec);
  const double span_s = (double(span.last_us) - double(span.first_us)) * 1e-6;
  std::printf("time      %lld .. %lld us (%.3f s), %.0f events/s\n", static_cast<long long>(span.first_us),
              static_cast<long long>(span.last_us), span_s,
              span_s > 0 ? double(rec.events.size()) / span_s : 0.0);
}

}  // namespace

void register_events(CLI::App& root) {
  auto* events = root.add_subcommand("events",
                                     "Event-camera recordings (AEDAT 2.0, 3.1 and 4.0, N-MNIST .bin, "
                                     "Prophesee .dat)");
  events->require_subcommand(1);
  auto* info = events->add_subcommand("info", "Format, sensor size, event count, time span and ON fraction");
  auto args = std::make_shared<InfoArgs>();
  info->add_option("file", args->file, "The recording")->required();
  info->add_option("--svg", args->svg_out,
                   "Also draw the recording (SVG): events per pixel, and ON and OFF rates over time");
  info->callback([args] {
    const InfoArgs& a = *args;
    if (!a.svg_out.empty()) check_writable(a.svg_out);  // before reading what may be a large recording
    const io::EventRecording rec = io::read_events(a.file);
    print_info(a.file, rec);
    if (!a.svg_out.empty()) {
      write_text_atomically(a.svg_out, io::svg_events(rec, fmt::format("{} ({})", a.file, rec.format)));
      std::printf("wrote %s\n", a.svg_out.c_str());
    }
  });
}

}  // namespace scx::cli
