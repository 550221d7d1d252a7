// The grayscale PNG encoder and base64, checked by decoding: chunk layout and CRCs, inflated rows, and
// base64 against RFC 4648's test vectors.
#include <gtest/gtest.h>
#include <zlib.h>

#include "silicortex/io/png.hpp"

namespace scx::io {
namespace {

uint32_t be32(const std::string& s, size_t at) {
  return uint32_t(uint8_t(s[at])) << 24 | uint32_t(uint8_t(s[at + 1])) << 16 |
         uint32_t(uint8_t(s[at + 2])) << 8 | uint8_t(s[at + 3]);
}

TEST(Png, ChunksAndPixelsDecode) {
  const std::vector<uint8_t> px{0, 50, 100, 150, 200, 250};  // 3 wide, 2 high
  const std::string png = encode_png_gray(3, 2, px);
  ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n"));
  size_t at = 8;
  std::string idat;
  std::vector<std::string> types;
  while (at < png.size()) {
    const uint32_t len = be32(png, at);
    const std::string type = png.substr(at + 4, 4), data = png.substr(at + 8, len);
    const uint32_t crc = be32(png, at + 8 + len);
    const std::string body = type + data;
    EXPECT_EQ(crc, crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
    if (type == "IHDR") {
      EXPECT_EQ(be32(data, 0), 3u);
      EXPECT_EQ(be32(data, 4), 2u);
      EXPECT_EQ(data[8], 8);  // bit depth
      EXPECT_EQ(data[9], 0);  // grayscale
    }
    if (type == "IDAT") idat += data;
    types.push_back(type);
    at += 12 + len;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  std::vector<uint8_t> raw(8);
  uLongf raw_size = raw.size();
  ASSERT_EQ(uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()), idat.size()),
            Z_OK);
  EXPECT_EQ(raw_size, 8u);
  EXPECT_EQ(raw, (std::vector<uint8_t>{0, 0, 50, 100, 0, 150, 200, 250}));  // filter byte 0 per row
}

TEST(Png, Base64MatchesRfc4648) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xff\x00\x80", 3)), "/wCA");
}

}  // namespace
}  // namespace scx::io
