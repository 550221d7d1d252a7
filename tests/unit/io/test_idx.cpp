// IDX reader (plain and gzip) and scikit-learn CSV datasets.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "silicortex/core/error.hpp"
#include "silicortex/io/idx.hpp"
#include "silicortex/io/sklearn_data.hpp"
#include "support/scratch_dir.hpp"

namespace scx::io {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  return test::scratch_dir("idx");
}

std::vector<uint8_t> idx_bytes(std::vector<uint32_t> dims, size_t data_bytes) {
  std::vector<uint8_t> b{0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims)
    b.insert(b.end(), {uint8_t(d >> 24), uint8_t(d >> 16), uint8_t(d >> 8), uint8_t(d)});
  for (size_t i = 0; i < data_bytes; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  return b;
}

void write_plain(const fs::path& p, const std::vector<uint8_t>& b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

void write_gz(const fs::path& p, const std::vector<uint8_t>& b) {
  gzFile f = gzopen(p.c_str(), "wb");
  gzwrite(f, b.data(), static_cast<unsigned>(b.size()));
  gzclose(f);
}

void expect_error_naming(const fs::path& p, const std::string& field) {
  try {
    read_idx(p);
    ADD_FAILURE() << "accepted a bad file, expected an error about " << field;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(p.filename().string()), std::string::npos) << e.what();
  }
}

TEST(IoIdx, ReadsPlainAndGzippedFiles) {
  const auto dir = temp_dir();
  const auto bytes = idx_bytes({3, 2, 5}, 30);
  write_plain(dir / "a.idx", bytes);
  write_gz(dir / "a.idx.gz", bytes);
  for (const char* name : {"a.idx", "a.idx.gz"}) {
    const auto a = read_idx(dir / name);
    EXPECT_EQ(a.dims, (std::vector<uint32_t>{3, 2, 5}));
    EXPECT_EQ(a.items(), 3u);
    EXPECT_EQ(a.item_size(), 10u);
    ASSERT_EQ(a.data.size(), 30u);
    EXPECT_EQ(a.data[29], static_cast<uint8_t>(29 * 7));
  }
  fs::remove_all(dir);
}

TEST(IoIdx, BadFilesNameTheField) {
  const auto dir = temp_dir();
  auto b = idx_bytes({4}, 4);
  b[0] = 1;
  write_plain(dir / "magic.idx", b);
  expect_error_naming(dir / "magic.idx", "magic");
  b = idx_bytes({4}, 4);
  b[2] = 0x0D;  // float
  write_plain(dir / "type.idx", b);
  expect_error_naming(dir / "type.idx", "magic");
  write_plain(dir / "dims.idx", idx_bytes({4, 0}, 0));
  expect_error_naming(dir / "dims.idx", "dims");
  write_gz(dir / "short.idx.gz", idx_bytes({4, 3}, 11));
  expect_error_naming(dir / "short.idx.gz", "count");
  write_plain(dir / "long.idx", idx_bytes({2}, 3));
  expect_error_naming(dir / "long.idx", "count");
  write_plain(dir / "labels.idx", idx_bytes({3}, 3));
  write_plain(dir / "images.idx", idx_bytes({4, 2}, 8));
  EXPECT_THROW(read_idx_pair(dir / "images.idx", dir / "labels.idx"), Error);
  EXPECT_THROW(read_idx(dir / "missing.idx"), Error);
  fs::remove_all(dir);
}

TEST(IoIdx, FashionMnistFromDebianPackage) {
  const fs::path d = "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(d / "t10k-images-idx3-ubyte.gz")) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const auto t = read_idx_pair(d / "t10k-images-idx3-ubyte.gz", d / "t10k-labels-idx1-ubyte.gz");
  EXPECT_EQ(t.images.dims, (std::vector<uint32_t>{10000, 28, 28}));
  EXPECT_EQ(*std::max_element(t.labels.data.begin(), t.labels.data.end()), 9);
}

TEST(IoSklearnData, BundledSetsHaveTheirDocumentedShapes) {
  if (!fs::exists(default_sklearn_data_dir() / "iris.csv"))
    GTEST_SKIP() << "python3-sklearn is not installed";
  struct Want {
    const char* name;
    size_t samples, features, classes;
  };
  for (const Want& w : {Want{"iris", 150, 4, 3}, Want{"wine", 178, 13, 3}, Want{"breast-cancer", 569, 30, 2},
                        Want{"digits", 1797, 64, 10}}) {
    const auto d = load_sklearn_dataset(w.name);
    EXPECT_EQ(d.samples, w.samples) << w.name;
    EXPECT_EQ(d.features, w.features) << w.name;
    EXPECT_EQ(d.classes(), w.classes) << w.name;
    EXPECT_EQ(d.x.size(), w.samples * w.features) << w.name;
  }
  EXPECT_DOUBLE_EQ(load_sklearn_dataset("iris").x[0], 5.1);  // first row of iris.csv
}

TEST(IoSklearnData, MissingPackageOrBadNameIsAClearError) {
  try {
    load_sklearn_dataset("iris", "/nonexistent/sklearn/data");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("python3-sklearn"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_sklearn_dataset("mnist"), Error);
  const auto dir = temp_dir();
  std::ofstream(dir / "iris.csv") << "3,2,a,b\n1.0,2.0,0\n1.5,x,1\n";
  try {
    load_sklearn_dataset("iris", dir);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("iris.csv:3"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace scx::io
