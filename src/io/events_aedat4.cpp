// AEDAT 4.0 (iniVation DV). After the version line: a uint32 length and an IOHeader FlatBuffer (compression,
// the position of the file's data table, an XML description of the streams); then packets {int32 stream,
// int32 size}, each one compressed frame holding a size-prefixed FlatBuffer whose 4-byte identifier names its
// type. Polarity events are the "EVTS" packets: a vector of 16-byte structs {int64 t, int16 x, int16 y, bool
// on}; frames, IMU samples and triggers are skipped.
#include <lz4frame.h>
#include <zstd.h>

#include <memory>

#include "io/events_detail.hpp"

namespace scx::io::detail {
namespace {

// The largest decompressed packet accepted: DV writes packets of kilobytes to a few megabytes, and a damaged
// or hostile size must not exhaust memory.
constexpr size_t kMaxPacketBytes = size_t{1} << 30;

// Checked reads of one FlatBuffer (flatbuffers.dev, "Internals"): every offset is checked against the buffer.
class FlatBuffer {
 public:
  explicit FlatBuffer(const ByteView& b) : b_(b) {}

  size_t root() const { return follow(0, "the root table offset"); }

  // Where field `id` of the table at `table` is stored, or 0 when it is absent (it has its default value).
  size_t field(size_t table, int id) const {
    const int64_t vtable = int64_t(table) - b_.le<int32_t>(table, "a table's vtable offset");
    if (vtable < 0 || size_t(vtable) >= b_.size())
      b_.fail(table, "a vtable offset points outside the buffer");
    const auto vtable_bytes = b_.le<uint16_t>(size_t(vtable), "a vtable size");
    const size_t slot = 4 + 2 * size_t(id);
    if (slot + 2 > vtable_bytes) return 0;
    const auto offset = b_.le<uint16_t>(size_t(vtable) + slot, "a vtable entry");
    return offset == 0 ? 0 : table + offset;
  }

  // An offset stored at `at`, counted from `at` itself (tables, vectors and strings are reached this way).
  size_t follow(size_t at, const char* what) const {
    const uint64_t to = uint64_t(at) + b_.le<uint32_t>(at, what);
    if (to == at || to >= b_.size()) b_.fail(at, std::string(what) + " points outside the buffer");
    return size_t(to);
  }

  std::string string(size_t at) const {
    const size_t s = follow(at, "a string offset");
    const auto n = b_.le<uint32_t>(s, "a string length");
    b_.need(s + 4, n, "a string");
    return {reinterpret_cast<const char*>(b_.data() + s + 4), n};
  }

 private:
  const ByteView& b_;
};

std::vector<uint8_t> lz4_frame(const ByteView& in) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) in.fail(0, "cannot start LZ4");
  const std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> ctx(
      raw, LZ4F_freeDecompressionContext);
  std::vector<uint8_t> out(size_t{1} << 16);
  size_t read = 0, written = 0;
  for (;;) {
    size_t in_n = in.size() - read, out_n = out.size() - written;
    const size_t more =
        LZ4F_decompress(ctx.get(), out.data() + written, &out_n, in.data() + read, &in_n, nullptr);
    if (LZ4F_isError(more)) in.fail(read, std::string("LZ4 frame: ") + LZ4F_getErrorName(more));
    read += in_n;
    written += out_n;
    if (more == 0) break;  // the frame is complete
    if (written == out.size()) {
      if (out.size() >= kMaxPacketBytes) in.fail(0, "decompresses to more than 1 GiB");
      out.resize(out.size() * 2);
    } else if (read == in.size()) {
      in.fail(read, "the LZ4 frame ends early");
    }
  }
  out.resize(written);
  return out;
}

std::vector<uint8_t> zstd_frame(const ByteView& in) {
  const std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) in.fail(0, "cannot start Zstd");
  std::vector<uint8_t> out(size_t{1} << 16);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  size_t written = 0;
  for (;;) {
    ZSTD_outBuffer dst{out.data() + written, out.size() - written, 0};
    const size_t more = ZSTD_decompressStream(ctx.get(), &dst, &src);
    if (ZSTD_isError(more)) in.fail(src.pos, std::string("Zstd frame: ") + ZSTD_getErrorName(more));
    written += dst.pos;
    if (more == 0) break;
    if (written == out.size()) {
      if (out.size() >= kMaxPacketBytes) in.fail(0, "decompresses to more than 1 GiB");
      out.resize(out.size() * 2);
    } else if (src.pos == src.size) {
      in.fail(src.pos, "the Zstd frame ends early");
    }
  }
  out.resize(written);
  return out;
}

// The polarity events of one decompressed packet (nothing for packets of other types).
void read_packet(const ByteView& packet, EventRecording& rec) {
  const auto size = packet.le<uint32_t>(0, "the size prefix");
  const ByteView buf = packet.sub(4, size, "the packet's FlatBuffer");
  if (buf.size() < 8 || std::memcmp(buf.data() + 4, "EVTS", 4) != 0) return;
  const FlatBuffer fb(buf);
  const size_t elements = fb.field(fb.root(), 0);
  if (elements == 0) return;
  const size_t vector = fb.follow(elements, "the events vector");
  const auto count = buf.le<uint32_t>(vector, "the event count");
  buf.need(vector + 4, size_t(count) * 16, "the events");
  for (size_t k = 0; k < count; ++k) {
    const size_t e = vector + 4 + 16 * k;
    const auto x = buf.le<int16_t>(e + 8, "x"), y = buf.le<int16_t>(e + 10, "y");
    if (x < 0 || y < 0) buf.fail(e + 8, fmt::format("negative coordinates ({}, {})", x, y));
    rec.events.push_back({buf.le<int64_t>(e, "t"), uint16_t(x), uint16_t(y), buf.data()[e + 12] != 0});
  }
}

// The text of <attr key="...">text</attr>, the first one in the XML; empty when absent.
std::string attribute(const std::string& xml, const std::string& key) {
  const size_t k = xml.find("key=\"" + key + "\"");
  if (k == std::string::npos) return "";
  const size_t open = xml.find('>', k), close = xml.find('<', k);
  return open == std::string::npos || close == std::string::npos || close < open
             ? ""
             : xml.substr(open + 1, close - open - 1);
}

}  // namespace

void read_aedat4(const ByteView& f, size_t at, EventRecording& rec) {
  rec.format = "AEDAT 4.0";
  const auto header_bytes = f.le<uint32_t>(at, "the IOHeader size");
  const ByteView header = f.sub(at + 4, header_bytes, "the IOHeader");
  const FlatBuffer h(header);
  const size_t table = h.root();
  const size_t compression_at = h.field(table, 0), data_table_at = h.field(table, 1),
               info_at = h.field(table, 2);
  const int32_t compression = compression_at ? header.le<int32_t>(compression_at, "compression") : 0;
  const int64_t data_table = data_table_at ? header.le<int64_t>(data_table_at, "dataTablePosition") : -1;
  const std::string info = info_at ? h.string(info_at) : "";
  rec.sensor = attribute(info, "source");
  rec.width = uint32_t(std::strtoul(attribute(info, "sizeX").c_str(), nullptr, 10));
  rec.height = uint32_t(std::strtoul(attribute(info, "sizeY").c_str(), nullptr, 10));
  if (compression < 0 || compression > 4)
    header.fail(compression_at, fmt::format("compression {} unknown", compression));

  size_t pos = at + 4 + header_bytes;
  const size_t end =
      data_table >= int64_t(pos) && uint64_t(data_table) <= f.size() ? size_t(data_table) : f.size();
  for (size_t n = 0; pos < end; ++n) {
    const auto bytes = f.le<int32_t>(pos + 4, "a packet size");
    if (bytes < 0) f.fail(pos + 4, fmt::format("packet {}: negative size {}", n, bytes));
    const ByteView stored = f.sub(pos + 8, size_t(bytes), "a packet");
    std::vector<uint8_t> plain;
    if (compression == 0) plain.assign(stored.data(), stored.data() + stored.size());
    if (compression == 1 || compression == 2) plain = lz4_frame(stored);
    if (compression == 3 || compression == 4) plain = zstd_frame(stored);
    read_packet(ByteView(plain.data(), plain.size(), f.file(),
                         fmt::format("packet {} (at byte {}), decompressed ", n, pos)),
                rec);
    pos += 8 + size_t(bytes);
  }
}

}  // namespace scx::io::detail
