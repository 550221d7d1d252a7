#pragma once
// A grayscale PNG encoder (zlib), and base64 for embedding it in an SVG as a data URI: receptive-field grids
// and other images too large to draw as one rectangle per pixel.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace scx::io {

// 8-bit grayscale, row-major, width * height bytes.
std::string encode_png_gray(uint32_t width, uint32_t height, const std::vector<uint8_t>& pixels);
std::string base64(std::string_view bytes);

}  // namespace scx::io
