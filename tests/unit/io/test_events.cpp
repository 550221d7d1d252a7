// Event-camera readers against real recordings (counts and ranges measured independently, in
// shared/data/events/PROVENANCE.md), against hand-written files whose every field is known, and against
// damaged files, which must fail with scx::Error and never crash.
#include <gtest/gtest.h>
#include <lz4frame.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "io_test_util.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/events.hpp"
#include "silicortex/io/svg_events.hpp"

namespace scx::io {
namespace {

using testing::TempDir;

std::string events_data(const std::string& rel) {
  return std::string(SCX_SOURCE_DIR) + "/../shared/data/events/" + rel;
}

std::vector<uint8_t> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const std::filesystem::path& p, const std::vector<uint8_t>& bytes) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), long(bytes.size()));
}

// What each real recording holds, as PROVENANCE.md measured it with decoders written apart from these.
struct Expected {
  const char* file;
  const char* format;
  const char* sensor;
  uint32_t width, height;
  size_t events;
  int64_t t_min, t_max;
  uint16_t x_max, y_max;
  double on_fraction;
};

constexpr Expected kRecordings[] = {
    // PROVENANCE counts raw bit 0 = 1 as ON (63.0 %); jAER's DVS128 extractor, followed here, calls those
    // OFF.
    {"aedat2_dvs128/alex_walking_again.aedat", "AEDAT 2.0", "DVS128", 128, 128, 19182, 41306606, 48193156,
     127, 127, 1.0 - 0.630},
    // The EVTS stream only: the IMU packets are skipped.
    {"tonic_test_data/sample.aedat4", "AEDAT 4.0", "DVXplorer_DXB00010", 320, 240, 111954, 1605537493718345,
     1605537494308262, 319, 239, 0.491},
    {"tonic_test_data/sample_nmnist.bin", "N-MNIST", "ATIS", 34, 34, 4325, 654, 311175, 33, 33, 0.496},
    // x 0-77, y 0-41: the file does not state its size, so the events' extent is taken. PROVENANCE gives no
    // ON
    // fraction; 0.672 is from a separate numpy decode of the file.
    {"tonic_test_data/sample_ncars.dat", "Prophesee DAT", "", 78, 42, 2009, 0, 99952, 77, 41, 0.672},
};

TEST(Events, RealRecordingsAsMeasured) {
  for (const Expected& x : kRecordings) {
    SCOPED_TRACE(x.file);
    const EventRecording rec = read_events(events_data(x.file));
    EXPECT_EQ(rec.format, x.format);
    EXPECT_EQ(rec.sensor, x.sensor);
    EXPECT_EQ(rec.width, x.width);
    EXPECT_EQ(rec.height, x.height);
    ASSERT_EQ(rec.events.size(), x.events);
    size_t on = 0;
    int64_t t_min = INT64_MAX, t_max = INT64_MIN;
    uint16_t x_max = 0, y_max = 0;
    for (const Event& e : rec.events) {
      on += e.on;
      t_min = std::min(t_min, e.t_us), t_max = std::max(t_max, e.t_us);
      x_max = std::max(x_max, e.x), y_max = std::max(y_max, e.y);
    }
    EXPECT_EQ(t_min, x.t_min);
    EXPECT_EQ(t_max, x.t_max);
    EXPECT_EQ(x_max, x.x_max);
    EXPECT_EQ(y_max, x.y_max);
    EXPECT_NEAR(double(on) / double(rec.events.size()), x.on_fraction, 0.0005);
    EXPECT_TRUE(std::is_sorted(rec.events.begin(), rec.events.end(),
                               [](const Event& a, const Event& b) { return a.t_us < b.t_us; }));
  }
}

TEST(Events, Aedat2HeaderOnlyNamesItsChip) {
  const EventRecording rec = read_events(events_data("tonic_test_data/sample_aedat_header.aedat"));
  EXPECT_EQ(rec.sensor, "Davis346red");
  EXPECT_EQ(rec.width, 346u);
  EXPECT_TRUE(rec.events.empty());
}

void expect_event(const Event& e, int64_t t_us, uint16_t x, uint16_t y, bool on) {
  EXPECT_EQ(e.t_us, t_us);
  EXPECT_EQ(e.x, x);
  EXPECT_EQ(e.y, y);
  EXPECT_EQ(e.on, on);
}

// An AEDAT 2.0 file from jAER's `chip` class, to which events are appended as (address, timestamp) words.
struct Aedat2Writer {
  std::vector<uint8_t> bytes;
  explicit Aedat2Writer(const std::string& chip) {
    const std::string header = "#!AER-DAT2.0\r\n# AEChip: " + chip + "\r\n";
    bytes.assign(header.begin(), header.end());
  }
  void event(uint32_t address, uint32_t timestamp) {
    for (uint32_t v : {address, timestamp})
      for (int s = 24; s >= 0; s -= 8) bytes.push_back(uint8_t(v >> s));
  }
};

// Every field of a hand-written DVS128 file: x and y counted from the other side (jAER), ON = bit 0 clear,
// sync events skipped, a wrapped 32-bit timestamp continued.
TEST(Events, Aedat2FieldsByHand) {
  TempDir dir;
  Aedat2Writer w("ch.unizh.ini.jaer.chip.retina.DVS128");
  w.event(0u << 8 | 5u << 1 | 0u, 100);     // raw x 5, y 0, ON
  w.event(127u << 8 | 0u << 1 | 1u, 200);   // raw x 0, y 127, OFF
  w.event(0x8000u, 300);                    // sync event: skipped
  w.event(3u << 8 | 3u << 1, 0xFFFFFFF0u);  // near the end of the counter
  w.event(4u << 8 | 4u << 1, 0x10);         // ... which wrapped
  write_bytes(dir / "a.aedat", w.bytes);
  const EventRecording rec = read_events(dir / "a.aedat");
  ASSERT_EQ(rec.events.size(), 4u);
  expect_event(rec.events[0], 100, 122, 127, true);
  expect_event(rec.events[1], 200, 127, 0, false);
  expect_event(rec.events[2], 0xFFFFFFF0ll, 124, 124, true);
  expect_event(rec.events[3], (1ll << 32) + 0x10, 123, 123, true);
}

// DAVIS addresses in AEDAT 2.0, by hand from jAER's DavisChip.java: frame, IMU and external-input words are
// skipped; x and y are counted from the other side than images are, as for the DVS128.
TEST(Events, Aedat2DavisFieldsByHand) {
  TempDir dir;
  Aedat2Writer w("eu.seebetter.ini.chips.davis.Davis346blue");
  w.event(20u << 22 | 10u << 12 | 1u << 11, 5);  // raw (10, 20), ON
  w.event(0x80000000u | 123u, 6);                // a frame (APS) sample
  w.event(0x80000C00u, 7);                       // an IMU sample
  w.event(1u << 10, 8);                          // an external input event
  w.event(259u << 22 | 345u << 12, 9);           // raw (345, 259), OFF
  write_bytes(dir / "d.aedat", w.bytes);
  const EventRecording rec = read_events(dir / "d.aedat");
  EXPECT_EQ(rec.sensor, "Davis346blue");
  EXPECT_EQ(rec.width, 346u);
  EXPECT_EQ(rec.height, 260u);
  ASSERT_EQ(rec.events.size(), 2u);
  expect_event(rec.events[0], 5, 335, 239, true);
  expect_event(rec.events[1], 9, 0, 0, false);
  w.event(100u << 22 | 400u << 12, 10);  // x 400 on a 346-pixel-wide sensor
  write_bytes(dir / "bad.aedat", w.bytes);
  try {
    read_events(dir / "bad.aedat");
    FAIL() << "an event outside the sensor was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("event at (400, 100) outside the 346 x 260 Davis346blue"),
              std::string::npos)
        << e.what();
  }
}

// AEDAT 3.1 written by hand from the format's description (no recording was at hand): a polarity packet with
// an invalidated event and a timestamp overflow, a packet of another type to skip, and packet capacity larger
// than its count.
TEST(Events, Aedat3PacketsByHand) {
  TempDir dir;
  const std::string header = "#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#!END-HEADER\r\n";
  std::vector<uint8_t> bytes(header.begin(), header.end());
  auto put = [&](uint32_t v, int n) {
    for (int s = 0; s < 8 * n; s += 8) bytes.push_back(uint8_t(v >> s));
  };
  auto packet = [&](int type, int size, int overflow, int capacity, int number) {
    put(uint32_t(type), 2), put(1, 2), put(uint32_t(size), 4), put(4, 4), put(uint32_t(overflow), 4);
    put(uint32_t(capacity), 4), put(uint32_t(number), 4), put(uint32_t(number), 4);
  };
  packet(2, 4, 0, 1, 1);  // a "special" packet: skipped
  put(0xDEADBEEF, 4);
  packet(1, 8, 1, 3, 2);                                     // polarity: two events, room for three
  put(100u << 17 | 20u << 2 | 1u << 1 | 1u, 4), put(50, 4);  // x 100, y 20, ON, valid
  put(7u << 17 | 9u << 2 | 0u, 4), put(60, 4);               // invalid: skipped
  put(0, 4), put(0, 4);                                      // the unused slot
  packet(1, 8, 0, 1, 1);
  put(127u << 17 | 127u << 2 | 0u << 1 | 1u, 4), put(70, 4);  // x 127, y 127, OFF
  write_bytes(dir / "g.aedat", bytes);
  const EventRecording rec = read_events(dir / "g.aedat");
  EXPECT_EQ(rec.format, "AEDAT 3.1");
  EXPECT_EQ(rec.sensor, "DVS128");
  EXPECT_EQ(rec.width, 128u);
  ASSERT_EQ(rec.events.size(), 2u);
  expect_event(rec.events[0], (int64_t{1} << 31) + 50, 100, 20, true);
  expect_event(rec.events[1], 70, 127, 127, false);
  bytes.resize(bytes.size() - 3);  // a packet cut short
  write_bytes(dir / "cut.aedat", bytes);
  EXPECT_THROW(read_events(dir / "cut.aedat"), Error);
}

// A damaged file whose stray coordinates claim a huge sensor is refused by the picture, not drawn into
// gigabytes; stray timestamps still give a picture.
TEST(Events, PictureOfDamagedRecordings) {
  EventRecording rec;
  rec.width = 30000, rec.height = 30000;
  rec.events.push_back({0, 29999, 29999, true});
  EXPECT_THROW(svg_events(rec, "huge"), Error);
  rec.width = rec.height = 64;
  rec.events[0].x = rec.events[0].y = 3;
  EXPECT_NE(svg_events(rec, "small").find("<svg"), std::string::npos);
  // Timestamps at both ends of int64, out of order: still a picture of at most 200 time bins.
  rec.events.push_back({INT64_MAX, 1, 1, false});
  rec.events.push_back({INT64_MIN, 2, 2, true});
  EXPECT_NE(svg_events(rec, "extreme times").find("<svg"), std::string::npos);
}

// The CLI: a summary and a picture; an unwritable picture path fails before the recording is read.
TEST(Events, InfoCommandSummarizesAndDraws) {
  TempDir dir;
  const std::string cli =
      std::string(SCX_CLI_PATH) + " events info " + events_data("tonic_test_data/sample_nmnist.bin");
  const auto svg = dir / "n.svg";
  ASSERT_EQ(testing::shell(cli + " --svg " + svg.string() + " > " + (dir / "out.txt").string()), 0);
  std::ifstream out(dir / "out.txt");
  const std::string text{std::istreambuf_iterator<char>(out), {}};
  EXPECT_NE(text.find("events    4,325 (ON 49.6 %)"), std::string::npos) << text;
  EXPECT_TRUE(std::filesystem::exists(svg));
  const std::string missing = (dir / "no-such-dir" / "n.svg").string();
  EXPECT_NE(testing::shell(cli + " --svg " + missing + " > " + (dir / "err.txt").string() + " 2>&1"), 0);
  std::ifstream err(dir / "err.txt");
  const std::string message{std::istreambuf_iterator<char>(err), {}};
  EXPECT_NE(message.find("no-such-dir"), std::string::npos) << message;
  EXPECT_EQ(message.find("events "), std::string::npos) << message;  // nothing was read and printed first
}

TEST(Events, NmnistOverflowRecordsAdvanceTime) {
  TempDir dir;
  const std::vector<uint8_t> bytes = {3, 4,   0x80, 0, 10,  // x 3, y 4, ON, t 10
                                      0, 240, 0,    0, 0,   // overflow
                                      5, 6,   0x00, 1, 0};  // x 5, y 6, OFF, t 256 + 2^13
  write_bytes(dir / "s.bin", bytes);
  const EventRecording rec = read_events(dir / "s.bin");
  ASSERT_EQ(rec.events.size(), 2u);
  EXPECT_EQ(rec.events[0].t_us, 10);
  EXPECT_TRUE(rec.events[0].on);
  EXPECT_EQ(rec.events[1].t_us, 256 + 8192);
  EXPECT_EQ(rec.events[1].x, 5);
  EXPECT_FALSE(rec.events[1].on);
}

TEST(Events, DatHeaderGivesTheSensorSize) {
  TempDir dir;
  std::string text = "% Width 640\n% Height 480\n";
  std::vector<uint8_t> bytes(text.begin(), text.end());
  bytes.push_back(12), bytes.push_back(8);
  const uint32_t t = 77, address = 1u << 28 | 200u << 14 | 300u;
  for (uint32_t v : {t, address})
    for (int s = 0; s < 32; s += 8) bytes.push_back(uint8_t(v >> s));
  write_bytes(dir / "d.dat", bytes);
  const EventRecording rec = read_events(dir / "d.dat");
  EXPECT_EQ(rec.width, 640u);
  EXPECT_EQ(rec.height, 480u);
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0].x, 300);
  EXPECT_EQ(rec.events[0].y, 200);
  EXPECT_TRUE(rec.events[0].on);
}

// The AEDAT 4.0 sample rewritten with its packets uncompressed and Zstd-compressed decodes to the same
// events as the LZ4 original: the compression field and the data table position are patched in the
// IOHeader (their offsets found from the original's bytes), and each packet re-encoded.
std::vector<uint8_t> recompress(const std::vector<uint8_t>& file, int32_t compression) {
  const size_t at = 14;
  uint32_t header_bytes;
  std::memcpy(&header_bytes, file.data() + at, 4);
  std::vector<uint8_t> out(file.begin(), file.begin() + long(at + 4 + header_bytes));
  // In the original IOHeader the compression field is the int32 1 (LZ4) right after the root table's vtable
  // offset, and the data table position the int64 that follows; look them up from the root table.
  const uint8_t* h = file.data() + at + 4;
  uint32_t root;
  std::memcpy(&root, h, 4);
  int32_t back;
  std::memcpy(&back, h + root, 4);
  const uint8_t* vtable = h + root - back;
  uint16_t off_compression, off_table;
  std::memcpy(&off_compression, vtable + 4, 2);
  std::memcpy(&off_table, vtable + 6, 2);
  std::memcpy(out.data() + at + 4 + root + off_compression, &compression, 4);
  const int64_t none = -1;
  std::memcpy(out.data() + at + 4 + root + off_table, &none, 8);
  int64_t data_table;
  std::memcpy(&data_table, h + root + off_table, 8);
  for (size_t pos = at + 4 + header_bytes; pos < size_t(data_table);) {
    int32_t stream, size;
    std::memcpy(&stream, file.data() + pos, 4);
    std::memcpy(&size, file.data() + pos + 4, 4);
    std::vector<uint8_t> plain(size_t{1} << 20);  // packets here are tens of kilobytes
    LZ4F_dctx* ctx;
    LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION);
    size_t in_n = size_t(size), out_n = plain.size();
    EXPECT_EQ(LZ4F_decompress(ctx, plain.data(), &out_n, file.data() + pos + 8, &in_n, nullptr), 0u);
    LZ4F_freeDecompressionContext(ctx);
    plain.resize(out_n);
    std::vector<uint8_t> packed = plain;
    if (compression == 3) {
      packed.resize(ZSTD_compressBound(plain.size()));
      packed.resize(ZSTD_compress(packed.data(), packed.size(), plain.data(), plain.size(), 3));
    }
    const int32_t packed_size = int32_t(packed.size());
    out.insert(out.end(), reinterpret_cast<const uint8_t*>(&stream),
               reinterpret_cast<const uint8_t*>(&stream) + 4);
    out.insert(out.end(), reinterpret_cast<const uint8_t*>(&packed_size),
               reinterpret_cast<const uint8_t*>(&packed_size) + 4);
    out.insert(out.end(), packed.begin(), packed.end());
    pos += 8 + size_t(size);
  }
  return out;
}

TEST(Events, Aedat4UncompressedAndZstdDecodeAlike) {
  TempDir dir;
  const auto original = read_bytes(events_data("tonic_test_data/sample.aedat4"));
  const EventRecording lz4 = read_events(events_data("tonic_test_data/sample.aedat4"));
  for (int32_t compression : {0, 3}) {
    write_bytes(dir / "r.aedat4", recompress(original, compression));
    const EventRecording rec = read_events(dir / "r.aedat4");
    ASSERT_EQ(rec.events.size(), lz4.events.size()) << "compression " << compression;
    EXPECT_TRUE(std::equal(rec.events.begin(), rec.events.end(), lz4.events.begin(),
                           [](const Event& a, const Event& b) {
                             return a.t_us == b.t_us && a.x == b.x && a.y == b.y && a.on == b.on;
                           }))
        << "compression " << compression;
  }
}

// Bad input: a clear error naming the file and the byte, whatever the damage.
TEST(Events, DamagedFilesFailCleanly) {
  TempDir dir;
  auto error_of = [&](const std::vector<uint8_t>& bytes, const std::string& name) -> std::string {
    write_bytes(dir / name, bytes);
    try {
      read_events(dir / name);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  const auto dvs = read_bytes(events_data("aedat2_dvs128/alex_walking_again.aedat"));
  EXPECT_NE(error_of({dvs.begin(), dvs.end() - 3}, "t.aedat").find("a truncated event"), std::string::npos);
  const std::string v1 = "#!AER-DAT1.0\r\n";
  EXPECT_NE(error_of({v1.begin(), v1.end()}, "v1.aedat").find("AEDAT version '1.0' is not supported"),
            std::string::npos);
  EXPECT_NE(error_of({1, 2, 3}, "x.raw").find("x.raw: byte 0: not an event file"), std::string::npos);
  EXPECT_NE(error_of({1, 2, 3, 4, 5, 6}, "y.bin").find("byte 5: a truncated event"), std::string::npos);
  Aedat2Writer cochlea("ch.unizh.ini.jaer.chip.cochlea.CochleaAMS1c");
  cochlea.event(0, 0);
  EXPECT_NE(error_of(cochlea.bytes, "c.aedat")
                .find("'ch.unizh.ini.jaer.chip.cochlea.CochleaAMS1c' are not decoded"),
            std::string::npos);

  // Every prefix, and bytes overwritten at many places, of each real file: Error or a result, never a crash.
  for (const char* rel : {"tonic_test_data/sample.aedat4", "tonic_test_data/sample_ncars.dat",
                          "aedat2_dvs128/alex_walking_again.aedat", "tonic_test_data/sample_nmnist.bin"}) {
    const auto file = read_bytes(events_data(rel));
    const std::string name = std::filesystem::path(rel).filename().string();
    size_t failures = 0, cases = 0;
    for (size_t k = 1; k < 60; ++k) {
      const size_t cut = file.size() * k / 60;
      std::vector<uint8_t> damaged(file.begin(), file.begin() + long(cut));
      failures += !error_of(damaged, name).empty(), ++cases;
      damaged = file;
      for (size_t j = 0; j < 4; ++j) damaged[(cut + 7919 * j) % damaged.size()] ^= uint8_t(0xA5 + j);
      failures += !error_of(damaged, name).empty(), ++cases;
    }
    EXPECT_GT(failures, 0u) << rel << ", " << cases << " cases";  // truncations inside a record are reported
  }
}

}  // namespace
}  // namespace scx::io
