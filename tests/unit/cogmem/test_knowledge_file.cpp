// Save / restore round trips (native and General Vision formats) and rejection of damaged files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <unistd.h>

#include "silicortex/cogmem/knowledge_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "support/scratch_dir.hpp"

namespace scx::cogmem {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  return test::scratch_dir("cogmem_kf");
}

Engine trained_engine(NetworkShape shape, size_t dim, int vectors) {
  Engine e(shape);
  RandomStream rng(5, 9);
  e.set_maxif(400);
  for (int i = 0; i < vectors; ++i) {
    std::vector<uint8_t> v(dim);
    for (auto& b : v) b = static_cast<uint8_t>(rng.below(40));
    e.set_norm(i % 5 == 0 ? Norm::kLsup : Norm::kL1);
    e.set_context(1 + i % 3);
    e.learn(v, 1 + static_cast<uint32_t>(rng.below(4)));
  }
  e.set_context(0);
  return e;
}

void expect_same_store(const KnowledgeStore& a, const KnowledgeStore& b, size_t compare_bytes) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.context(i), b.context(i));
    EXPECT_EQ(a.norm(i), b.norm(i));
    EXPECT_EQ(a.category(i), b.category(i));
    EXPECT_EQ(a.degenerated(i), b.degenerated(i));
    EXPECT_EQ(a.aif(i), b.aif(i));
    EXPECT_EQ(a.minif(i), b.minif(i));
    ASSERT_EQ(std::vector<uint8_t>(a.prototype(i), a.prototype(i) + compare_bytes),
              std::vector<uint8_t>(b.prototype(i), b.prototype(i) + compare_bytes));
  }
}

std::vector<char> slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::vector<char>& b) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(b.data(), static_cast<std::streamsize>(b.size()));
}

TEST(CogmemKnowledgeFile, NativeRoundTripRestoresNeuronsAndRegisters) {
  const auto dir = temp_dir();
  Engine e = trained_engine(NetworkShape::software(), 50, 300);
  e.set_context(7);
  e.learn(std::vector<uint8_t>(50, 1), 1);
  e.learn(std::vector<uint8_t>(50, 1), 2);  // the same vector, another category: the first neuron degenerates
  e.set_context(0);
  ASSERT_GT(e.store().degenerated_count(), 0u);
  e.set_classifier(Classifier::kKnn);
  save_knowledge(e, dir / "k.scxk");
  const auto info = read_knowledge_info(dir / "k.scxk");
  EXPECT_EQ(info.neurons, e.committed());
  Engine r(NetworkShape::software());
  load_knowledge(r, dir / "k.scxk");
  expect_same_store(e.store(), r.store(), 50);
  EXPECT_EQ(r.maxif(), 400u);
  EXPECT_EQ(r.classifier(), Classifier::kKnn);
  std::vector<uint8_t> q(50, 20);
  EXPECT_EQ(e.recognize(q, 5).responses, r.recognize(q, 5).responses);
  fs::remove_all(dir);
}

TEST(CogmemKnowledgeFile, DamagedFilesAreRejectedWithTheField) {
  const auto dir = temp_dir();
  Engine e = trained_engine(NetworkShape::cm1k(), 16, 60);
  save_knowledge(e, dir / "k.scxk");
  const auto good = slurp(dir / "k.scxk");
  Engine r;
  auto expect_error = [&](const std::vector<char>& bytes, const std::string& field) {
    spit(dir / "bad.scxk", bytes);
    try {
      load_knowledge(r, dir / "bad.scxk");
      ADD_FAILURE() << "accepted a damaged file, expected an error about " << field;
    } catch (const Error& err) {
      EXPECT_NE(std::string(err.what()).find(field), std::string::npos) << err.what();
      EXPECT_NE(std::string(err.what()).find("bad.scxk"), std::string::npos) << err.what();
    }
  };
  for (size_t cut : {size_t{0}, size_t{10}, size_t{63}, size_t{64}, good.size() / 2, good.size() - 1})
    expect_error({good.begin(), good.begin() + static_cast<long>(cut)}, cut < 64 ? "header" : "truncated");
  auto flipped = good;
  flipped[100] ^= 0x40;
  expect_error(flipped, "payload checksum");
  flipped = good;
  flipped[20] ^= 0x01;
  expect_error(flipped, "header checksum");
  flipped = good;
  flipped[0] = 'X';
  expect_error(flipped, "magic");
  auto longer = good;
  longer.push_back(0);
  expect_error(longer, "trailing");
  // Knowledge that does not fit the network.
  Engine big = trained_engine(NetworkShape::software(), 16, 2000);
  ASSERT_GT(big.committed(), 576u);
  save_knowledge(big, dir / "big.scxk");
  Engine small(NetworkShape::nm500());
  EXPECT_THROW(load_knowledge(small, dir / "big.scxk"), Error);
  EXPECT_EQ(small.committed(), 0u);
  fs::remove_all(dir);
}

TEST(CogmemKnowledgeFile, FailedSaveLeavesNoPartialFile) {
  const auto dir = temp_dir();
  Engine e = trained_engine(NetworkShape::cm1k(), 16, 30);
  save_knowledge(e, dir / "k.kn");
  const auto before = slurp(dir / "k.kn");
  Engine wide(NetworkShape::software());
  wide.learn(std::vector<uint8_t>(300, 1), 1);
  EXPECT_THROW(save_gv_knowledge(wide, dir / "k.kn"), Error);  // rows too long for the GV format
  EXPECT_EQ(slurp(dir / "k.kn"), before);
  EXPECT_THROW(save_knowledge(e, dir / "missing_dir" / "k.scxk"), Error);
  size_t files = 0;
  for (auto& entry : fs::directory_iterator(dir)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temporary left behind
  fs::remove_all(dir);
}

TEST(CogmemKnowledgeFile, GeneralVisionFormatIn16And32BitInts) {
  const auto dir = temp_dir();
  Engine e = trained_engine(NetworkShape::cm1k(), 256, 40);
  save_gv_knowledge(e, dir / "k32.knf");
  EXPECT_EQ(fs::file_size(dir / "k32.knf"), (4 + e.committed() * 260) * 4);
  Engine r32;
  load_gv_knowledge(r32, dir / "k32.knf");
  expect_same_store(e.store(), r32.store(), 256);
  // The same file as an AVR would write it: 16-bit ints.
  const auto b32 = slurp(dir / "k32.knf");
  std::vector<char> b16;
  for (size_t i = 0; i < b32.size(); i += 4) b16.insert(b16.end(), {b32[i], b32[i + 1]});
  spit(dir / "k16.knf", b16);
  Engine r16;
  load_gv_knowledge(r16, dir / "k16.knf");
  expect_same_store(e.store(), r16.store(), 256);
  b16.resize(b16.size() - 2);
  spit(dir / "k16.knf", b16);
  EXPECT_THROW(load_gv_knowledge(r16, dir / "k16.knf"), Error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace scx::cogmem
