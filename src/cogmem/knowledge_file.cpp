#include "silicortex/cogmem/knowledge_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"

namespace scx::cogmem {
namespace {

constexpr char kMagic[8] = {'S', 'C', 'X', 'C', 'O', 'G', 'M', 'F'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 64;
constexpr size_t kRecordFixed = 12;
constexpr int kGvFormat = 0x1704;
constexpr size_t kGvRecordInts = 260;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& field, const std::string& msg) {
  throw_error_at(path.string(), 0, 0, field, msg);
}

uint32_t crc32_of(const uint8_t* p, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {  // zlib takes uInt lengths
    const uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

template <class T>
void put(std::vector<uint8_t>& out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
}

template <class T>
T get(const uint8_t* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= uint64_t{p[i]} << (8 * i);
  return static_cast<T>(v);
}

std::vector<uint8_t> read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "", "cannot open the knowledge file");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) fail(path, "", "cannot write the knowledge file");
  }
  out.commit();
}

KnowledgeInfo parse_header(const std::filesystem::path& path, const std::vector<uint8_t>& b) {
  if (b.size() < kHeaderBytes)
    fail(path, "header", "file is truncated (" + std::to_string(b.size()) + " bytes)");
  if (std::memcmp(b.data(), kMagic, 8) != 0) fail(path, "magic", "not a Silicortex knowledge file");
  if (get<uint32_t>(&b[60]) != crc32_of(b.data(), 60)) fail(path, "header checksum", "header is corrupt");
  KnowledgeInfo info;
  info.version = get<uint32_t>(&b[8]);
  if (info.version != kVersion)
    fail(path, "version", "version " + std::to_string(info.version) + " is not supported (expected 1)");
  if (get<uint32_t>(&b[12]) != kHeaderBytes) fail(path, "header bytes", "unexpected header size");
  info.neurons = get<uint32_t>(&b[16]);
  info.row_bytes = get<uint32_t>(&b[20]);
  info.capacity = get<uint32_t>(&b[24]);
  info.minif = get<uint32_t>(&b[28]);
  info.maxif = get<uint32_t>(&b[32]);
  info.context = b[36];
  if (info.context > kMaxContext) fail(path, "context", "out of range 0..127");
  if (b[37] > 1) fail(path, "norm", "must be 0 (L1) or 1 (Lsup)");
  if (b[38] > 1) fail(path, "classifier", "must be 0 (RBF) or 1 (KNN)");
  info.norm = static_cast<Norm>(b[37]);
  info.classifier = static_cast<Classifier>(b[38]);
  if (info.row_bytes == 0) fail(path, "row bytes", "must be at least 1");
  const uint64_t payload = get<uint64_t>(&b[40]);
  if (payload != uint64_t{info.neurons} * (kRecordFixed + info.row_bytes))
    fail(path, "payload bytes", "does not match neurons x record size");
  if (b.size() - kHeaderBytes < payload)
    fail(path, "payload",
         "file is truncated: " + std::to_string(b.size() - kHeaderBytes) + " of " + std::to_string(payload) +
             " payload bytes");
  if (b.size() - kHeaderBytes > payload) fail(path, "payload", "trailing bytes after the last neuron");
  if (get<uint32_t>(&b[48]) != crc32_of(b.data() + kHeaderBytes, payload))
    fail(path, "payload checksum", "neuron records are corrupt");
  return info;
}

void check_fits(const Engine& engine, const std::filesystem::path& path, size_t neurons, size_t row_bytes) {
  if (neurons > engine.shape().neuron_limit())
    fail(path, "neurons",
         std::to_string(neurons) + " neurons do not fit a network of " +
             std::to_string(engine.shape().neuron_limit()));
  if (row_bytes > engine.shape().max_vector_bytes)
    fail(path, "row bytes",
         std::to_string(row_bytes) + " bytes per neuron exceed the network's " +
             std::to_string(engine.shape().max_vector_bytes));
}

}  // namespace

void save_knowledge(const Engine& engine, const std::filesystem::path& path) {
  const KnowledgeStore& s = engine.store();
  std::vector<uint8_t> payload;
  payload.reserve(s.size() * (kRecordFixed + s.row_bytes()));
  for (size_t i = 0; i < s.size(); ++i) {
    put<uint8_t>(payload, s.context(i));
    put<uint8_t>(payload, static_cast<uint8_t>(s.norm(i)));
    put<uint16_t>(payload, static_cast<uint16_t>(s.category(i) | (s.degenerated(i) ? kDegeneratedBit : 0)));
    put<uint32_t>(payload, s.aif(i));
    put<uint32_t>(payload, s.minif(i));
    payload.insert(payload.end(), s.prototype(i), s.prototype(i) + s.row_bytes());
  }
  std::vector<uint8_t> out(kMagic, kMagic + 8);
  put<uint32_t>(out, kVersion);
  put<uint32_t>(out, kHeaderBytes);
  put<uint32_t>(out, static_cast<uint32_t>(s.size()));
  put<uint32_t>(out, s.row_bytes());
  put<uint32_t>(out, engine.shape().capacity);
  put<uint32_t>(out, engine.minif());
  put<uint32_t>(out, engine.maxif());
  put<uint8_t>(out, engine.context());
  put<uint8_t>(out, static_cast<uint8_t>(engine.norm()));
  put<uint8_t>(out, static_cast<uint8_t>(engine.classifier()));
  put<uint8_t>(out, 0);
  put<uint64_t>(out, payload.size());
  put<uint32_t>(out, crc32_of(payload.data(), payload.size()));
  put<uint64_t>(out, 0);
  put<uint32_t>(out, crc32_of(out.data(), 60));
  out.insert(out.end(), payload.begin(), payload.end());
  write_all(path, out);
}

KnowledgeInfo read_knowledge_info(const std::filesystem::path& path) {
  return parse_header(path, read_all(path));
}

KnowledgeInfo load_knowledge(Engine& engine, const std::filesystem::path& path) {
  const auto b = read_all(path);
  const KnowledgeInfo info = parse_header(path, b);
  check_fits(engine, path, info.neurons, info.row_bytes);
  KnowledgeStore store(info.row_bytes);
  const uint8_t* p = b.data() + kHeaderBytes;
  for (uint32_t i = 0; i < info.neurons; ++i, p += kRecordFixed + info.row_bytes) {
    const std::string field = "neuron " + std::to_string(i + 1);
    if (p[0] > kMaxContext) fail(path, field + " context", "out of range 0..127");
    if (p[1] > 1) fail(path, field + " norm", "must be 0 (L1) or 1 (Lsup)");
    const uint16_t cat = get<uint16_t>(p + 2);
    if ((cat & kMaxCategory) == 0)
      fail(path, field + " category", "a committed neuron has a category of 1 or more");
    store.append({p + kRecordFixed, info.row_bytes}, p[0], static_cast<Norm>(p[1]), cat & kMaxCategory,
                 get<uint32_t>(p + 4), get<uint32_t>(p + 8));
    store.set_degenerated(i, (cat & kDegeneratedBit) != 0);
  }
  engine.store() = std::move(store);
  engine.set_minif(info.minif);
  engine.set_maxif(info.maxif);
  engine.set_context(info.context);
  engine.set_norm(info.norm);
  engine.set_classifier(info.classifier);
  return info;
}

void save_gv_knowledge(const Engine& engine, const std::filesystem::path& path) {
  const KnowledgeStore& s = engine.store();
  if (s.row_bytes() > kChipVectorBytes)
    fail(path, "row bytes",
         "General Vision's format holds 256 bytes per neuron; this network has longer rows");
  std::vector<uint8_t> out;
  for (int v : {kGvFormat, int(kChipVectorBytes), static_cast<int>(s.size()), 0}) put<int32_t>(out, v);
  for (size_t i = 0; i < s.size(); ++i) {
    put<int32_t>(out, s.context(i) | (s.norm(i) == Norm::kLsup ? 0x80 : 0));
    for (uint32_t c = 0; c < kChipVectorBytes; ++c)
      put<int32_t>(out, c < s.row_bytes() ? s.prototype(i)[c] : 0);
    put<int32_t>(out, static_cast<int32_t>(s.aif(i)));
    put<int32_t>(out, static_cast<int32_t>(s.minif(i)));
    put<int32_t>(out, s.category(i) | (s.degenerated(i) ? kDegeneratedBit : 0));
  }
  write_all(path, out);
}

void load_gv_knowledge(Engine& engine, const std::filesystem::path& path) {
  const auto b = read_all(path);
  size_t width = 0;  // bytes per int
  for (size_t w : {size_t{4}, size_t{2}}) {
    if (b.size() < 4 * w) continue;
    const auto at = [&](size_t k) { return w == 4 ? get<uint32_t>(&b[k * 4]) : get<uint16_t>(&b[k * 2]); };
    if (at(0) == kGvFormat && at(1) == kChipVectorBytes && b.size() == (4 + at(2) * kGvRecordInts) * w)
      width = w;
    if (width) break;
  }
  if (width == 0)
    fail(path, "KN_FORMAT header",
         "not a General Vision knowledge file (0x1704, 256, ncount, 0 followed by "
         "ncount records of 260 ints of 2 or 4 bytes)");
  const auto at = [&](size_t k) { return width == 4 ? get<uint32_t>(&b[k * 4]) : get<uint16_t>(&b[k * 2]); };
  const size_t n = at(2);
  check_fits(engine, path, n, kChipVectorBytes);
  KnowledgeStore store(kChipVectorBytes);
  std::vector<uint8_t> row(kChipVectorBytes);
  for (size_t i = 0; i < n; ++i) {
    const size_t base = 4 + i * kGvRecordInts;
    const std::string field = "neuron " + std::to_string(i + 1);
    const uint32_t ncr = at(base);
    for (size_t c = 0; c < kChipVectorBytes; ++c) {
      const uint32_t comp = at(base + 1 + c);
      if (comp > 255) fail(path, field + " COMP " + std::to_string(c), "component above 255");
      row[c] = static_cast<uint8_t>(comp);
    }
    const uint32_t cat = at(base + 259);
    if ((cat & kMaxCategory) == 0)
      fail(path, field + " CAT", "a committed neuron has a category of 1 or more");
    store.append(row, static_cast<uint8_t>(ncr & kMaxContext), (ncr & 0x80) ? Norm::kLsup : Norm::kL1,
                 static_cast<uint16_t>(cat & kMaxCategory), at(base + 257), at(base + 258));
    store.set_degenerated(i, (cat & kDegeneratedBit) != 0);
  }
  engine.store() = std::move(store);
}

}  // namespace scx::cogmem
