// Event-camera files of plain records: AEDAT 2.0 and 3.1, N-MNIST and Prophesee DAT; and the dispatch on the
// first bytes. AEDAT 4.0 is in events_aedat4.cpp.
#include "silicortex/io/events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "io/events_detail.hpp"
#include "io/gz_file.hpp"

namespace scx::io {
namespace {

using detail::ByteView;

bool starts_with(const std::vector<uint8_t>& bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
}

// Header lines that begin with `mark` and end with '\n'; returns the offset of the first data byte.
size_t skip_header_lines(const ByteView& f, uint8_t mark, std::vector<std::string>* lines) {
  size_t at = 0;
  while (at < f.size() && f.data()[at] == mark) {
    const auto* end = static_cast<const uint8_t*>(std::memchr(f.data() + at, '\n', f.size() - at));
    if (end == nullptr) f.fail(at, "a header line has no end");
    const size_t next = size_t(end - f.data()) + 1;
    if (lines) lines->emplace_back(reinterpret_cast<const char*>(f.data() + at), next - at);
    at = next;
  }
  return at;
}

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}

// The DAVIS chips jAER names, and their sensor sizes.
struct DavisChip {
  const char* prefix;
  uint32_t width, height;
};
constexpr DavisChip kDavisChips[] = {
    {"Davis346", 346, 260}, {"Davis240", 240, 180}, {"Davis640", 640, 480}, {"Davis128", 128, 128}};

// jAER's format: big-endian {int32 address, int32 timestamp in µs}. Addresses are chip-specific, decoded as
// jAER's extractors do, x and y counted from the other side than images are (jAER mirrors x and puts y = 0 at
// the bottom). DVS128: bit 0 = 0 for ON, x in bits 1-7, y in bits 8-14; bit 15 or 31 marks sync and special
// events. DAVIS (DavisChip.java): bit 31 set for frame (APS) and IMU samples, bits 10-11 = 01 for external
// input events, all skipped; otherwise bit 11 = 1 for ON, x in bits 12-21, y in bits 22-30.
void read_aedat2(const ByteView& f, EventRecording& rec) {
  rec.format = "AEDAT 2.0";
  std::vector<std::string> lines;
  const size_t data = skip_header_lines(f, '#', &lines);
  std::string chip;
  for (const auto& line : lines)
    if (const auto k = line.find("AEChip:"); k != std::string::npos) chip = trimmed(line.substr(k + 7));
  rec.sensor = chip.empty() ? "DVS128" : chip.substr(chip.rfind('.') + 1);
  const size_t records = (f.size() - data) / 8;
  if ((f.size() - data) % 8 != 0) f.fail(data + records * 8, "a truncated event (events are 8 bytes)");
  const bool dvs128 = rec.sensor == "DVS128";
  for (const DavisChip& d : kDavisChips)
    if (rec.sensor.rfind(d.prefix, 0) == 0) rec.width = d.width, rec.height = d.height;
  if (!dvs128 && rec.width == 0) {
    if (records > 0)
      f.fail(data, fmt::format("events of chip '{}' are not decoded (DVS128 and DAVIS addresses are)", chip));
    return;
  }
  if (dvs128) rec.width = rec.height = 128;
  rec.events.reserve(records);
  int64_t wraps = 0;
  uint32_t last = 0;
  for (size_t k = 0; k < records; ++k) {
    const uint32_t address = f.be32(data + 8 * k, "address");
    const uint32_t t = f.be32(data + 8 * k + 4, "timestamp");
    if (k > 0 && t < last && last - t > (1u << 31)) ++wraps;  // the 32-bit counter wrapped
    last = t;
    const int64_t time = wraps * (int64_t{1} << 32) + t;
    if (dvs128) {
      if (address & 0x80008000u) continue;
      rec.events.push_back({time, uint16_t(127 - ((address >> 1) & 0x7F)),
                            uint16_t(127 - ((address >> 8) & 0x7F)), (address & 1) == 0});
      continue;
    }
    if ((address & 0x80000000u) || (address & 0xC00u) == 0x400u) continue;
    const uint32_t x = (address >> 12) & 0x3FF, y = (address >> 22) & 0x1FF;
    if (x >= rec.width || y >= rec.height)
      f.fail(data + 8 * k, fmt::format("event at ({}, {}) outside the {} x {} {}", x, y, rec.width,
                                       rec.height, rec.sensor));
    rec.events.push_back(
        {time, uint16_t(rec.width - 1 - x), uint16_t(rec.height - 1 - y), (address & 0x800) != 0});
  }
}

// cAER's format (the DVS128 Gesture dataset): '#' header lines up to "#!END-HEADER", then packets of a
// little-endian 28-byte header {int16 type, int16 source, int32 event size, int32 timestamp offset, int32
// timestamp overflow, int32 capacity, int32 number, int32 valid} and capacity x size bytes of events.
// Polarity events (type 1) are {uint32: bit 0 valid, bit 1 polarity, y in bits 2-16, x in bits 17-31;
// int32 timestamp}, the time overflow * 2^31 + timestamp; other packet types are skipped.
void read_aedat3(const ByteView& f, EventRecording& rec) {
  rec.format = "AEDAT 3.1";
  std::vector<std::string> lines;
  size_t at = skip_header_lines(f, '#', &lines);
  for (const auto& line : lines)
    if (line.rfind("#Source ", 0) == 0 && line.find(':') != std::string::npos)
      rec.sensor = trimmed(line.substr(line.find(':') + 1));
  if (rec.sensor == "DVS128") rec.width = rec.height = 128;
  for (size_t n = 0; at < f.size(); ++n) {
    const auto type = f.le<int16_t>(at, "a packet header");
    const auto size = f.le<int32_t>(at + 4, "an event size");
    const auto overflow = f.le<int32_t>(at + 12, "a timestamp overflow");
    const auto capacity = f.le<int32_t>(at + 16, "an event capacity");
    const auto number = f.le<int32_t>(at + 20, "an event count");
    if (size <= 0 || capacity < 0 || number < 0 || number > capacity)
      f.fail(at, fmt::format("packet {}: event size {}, capacity {}, count {}", n, size, capacity, number));
    const ByteView events = f.sub(at + 28, size_t(capacity) * size_t(size), "a packet's events");
    if (type == 1) {
      if (size < 8)
        f.fail(at + 4, fmt::format("packet {}: polarity events of {} bytes (8 expected)", n, size));
      for (size_t k = 0; k < size_t(number); ++k) {
        const auto data = events.le<uint32_t>(k * size_t(size), "an event");
        const auto t = events.le<int32_t>(k * size_t(size) + 4, "a timestamp");
        if ((data & 1) == 0) continue;  // invalidated
        rec.events.push_back({int64_t(overflow) << 31 | int64_t(uint32_t(t) & 0x7FFFFFFF),
                              uint16_t(data >> 17), uint16_t((data >> 2) & 0x7FFF), ((data >> 1) & 1) != 0});
      }
    }
    at += 28 + events.size();
  }
}

// N-MNIST / N-Caltech101 (ATIS): 5-byte records, x = byte 0, y = byte 1, polarity = bit 7 of byte 2, a 23-bit
// timestamp (µs) in the rest. y = 240 marks a timestamp overflow, after which times are 2^13 µs later (as in
// the dataset authors' Read_Ndataset.m and in Tonic).
void read_nmnist(const ByteView& f, EventRecording& rec) {
  rec.format = "N-MNIST";
  rec.sensor = "ATIS";
  const size_t records = f.size() / 5;
  if (f.size() % 5 != 0) f.fail(records * 5, "a truncated event (events are 5 bytes)");
  rec.events.reserve(records);
  int64_t overflow = 0;
  for (size_t k = 0; k < records; ++k) {
    const uint8_t* r = f.data() + 5 * k;
    if (r[1] == 240) {
      overflow += int64_t{1} << 13;
      continue;
    }
    const int64_t t = int64_t(r[2] & 0x7F) << 16 | int64_t(r[3]) << 8 | r[4];
    rec.events.push_back({overflow + t, r[0], r[1], (r[2] & 0x80) != 0});
  }
  rec.width = rec.height = 34;  // the dataset's; larger events (N-Caltech101) widen it below
}

// Prophesee DAT: '%' header lines, then one byte of event type and one of event size (8), then little-endian
// {uint32 t µs, uint32 x in bits 0-13, y in bits 14-27, polarity in bits 28-31}.
void read_dat(const ByteView& f, EventRecording& rec) {
  rec.format = "Prophesee DAT";
  std::vector<std::string> lines;
  size_t at = skip_header_lines(f, '%', &lines);
  for (const auto& line : lines) {
    const std::string l = trimmed(line.substr(1));
    if (l.rfind("Width ", 0) == 0) rec.width = uint32_t(std::strtoul(l.c_str() + 6, nullptr, 10));
    if (l.rfind("Height ", 0) == 0) rec.height = uint32_t(std::strtoul(l.c_str() + 7, nullptr, 10));
  }
  f.need(at, 2, "the event type and size bytes");
  const uint8_t type = f.data()[at], size = f.data()[at + 1];
  if (size != 8)
    f.fail(at + 1, fmt::format("event size {} (only 8-byte events, type 0 or 12, are decoded)", size));
  if (type != 0 && type != 12)
    f.fail(at, fmt::format("event type {} (only 0 and 12, CD events, are decoded)", type));
  at += 2;
  const size_t records = (f.size() - at) / 8;
  if ((f.size() - at) % 8 != 0) f.fail(at + records * 8, "a truncated event (events are 8 bytes)");
  rec.events.reserve(records);
  for (size_t k = 0; k < records; ++k) {
    const auto t = f.le<uint32_t>(at + 8 * k, "timestamp");
    const auto d = f.le<uint32_t>(at + 8 * k + 4, "address");
    rec.events.push_back({t, uint16_t(d & 0x3FFF), uint16_t((d >> 14) & 0x3FFF), (d >> 28) != 0});
  }
}

}  // namespace

TimeSpan time_span(const EventRecording& rec) {
  if (rec.events.empty()) return {};
  const auto [first, last] = std::minmax_element(
      rec.events.begin(), rec.events.end(), [](const Event& a, const Event& b) { return a.t_us < b.t_us; });
  return {first->t_us, last->t_us};
}

EventRecording read_events(const std::filesystem::path& file) {
  const std::vector<uint8_t> bytes = read_maybe_gzipped(file);
  const ByteView f(bytes.data(), bytes.size(), file, "");
  EventRecording rec;
  if (starts_with(bytes, "#!AER-DAT4.0")) {
    detail::read_aedat4(f, 14, rec);
  } else if (starts_with(bytes, "#!AER-DAT2.0")) {
    read_aedat2(f, rec);
  } else if (starts_with(bytes, "#!AER-DAT3.1")) {
    read_aedat3(f, rec);
  } else if (starts_with(bytes, "#!AER-DAT")) {
    const std::string version(bytes.begin() + 9, bytes.begin() + std::min<size_t>(bytes.size(), 12));
    f.fail(9, fmt::format("AEDAT version '{}' is not supported (2.0, 3.1 and 4.0 are)", version));
  } else if (starts_with(bytes, "%")) {
    read_dat(f, rec);
  } else if (file.extension() == ".bin") {
    read_nmnist(f, rec);
  } else {
    f.fail(0, "not an event file this reader knows (AEDAT 2.0, 3.1 or 4.0, Prophesee .dat, N-MNIST .bin)");
  }
  // Files that do not say their size get the events' extent.
  for (const Event& e : rec.events) {
    rec.width = std::max<uint32_t>(rec.width, e.x + 1u);
    rec.height = std::max<uint32_t>(rec.height, e.y + 1u);
  }
  return rec;
}

}  // namespace scx::io
