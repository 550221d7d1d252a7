#pragma once
// Event-camera recordings (DVS, DAVIS, ATIS, Prophesee) read into one form: polarity events in time order
// with their sensor's size. Formats: AEDAT 2.0 (jAER, DVS128 and DAVIS addresses), AEDAT 3.1 (cAER, as in
// the DVS128 Gesture dataset), AEDAT 4.0 (iniVation DV: LZ4, Zstd or uncompressed packets), N-MNIST /
// N-Caltech101 `.bin` (ATIS 40-bit records) and Prophesee `.dat` (EVT 2D). Layouts:
// shared/reference/ecosystem.md section 2; conventions: docs/events.md.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace scx::io {

struct Event {
  int64_t t_us = 0;  // as recorded: AEDAT 4.0 stores Unix time, the others time since the recording started
  uint16_t x = 0, y = 0;  // (0, 0) is the top-left pixel in every format (AEDAT 2.0's bottom-up y is flipped)
  bool on = false;        // brightness increased
};

struct EventRecording {
  std::string format;              // "AEDAT 2.0", "AEDAT 3.1", "AEDAT 4.0", "N-MNIST", "Prophesee DAT"
  std::string sensor;              // the camera or chip the file names, when it names one
  uint32_t width = 0, height = 0;  // the sensor's size: from the file or the format; else the events' extent
  std::vector<Event> events;       // polarity events only (frames, IMU samples and triggers are skipped)
};

// Reads a recording; the format is told by the file's first bytes (N-MNIST, which has no header, by its
// `.bin` extension). Throws scx::Error naming the file, the byte offset and what is wrong for malformed
// input.
EventRecording read_events(const std::filesystem::path& file);

// The earliest and latest event times (files need not be in time order); {0, 0} without events.
struct TimeSpan {
  int64_t first_us = 0, last_us = 0;
};
TimeSpan time_span(const EventRecording& rec);

}  // namespace scx::io
