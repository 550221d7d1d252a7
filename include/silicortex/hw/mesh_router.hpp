#pragma once
// Spike routing on a 2-D mesh of cores spanning a board of chips. Packets (dx, dy, axon, delay) travel with
// dimension-order routing: first along x, then along y. A hop that crosses from one chip to the next is a
// chip crossing and is costed separately from an on-chip hop.
#include <cstdint>
#include <string>
#include <vector>

namespace scx::hw {

// The RANC / TrueNorth packet: 9-bit signed dx and dy, 8-bit axon, 4-bit delay (30 bits on the wire).
struct SpikePacket {
  int32_t dx = 0, dy = 0;
  int32_t axon = 0;
  int32_t delay_ticks = 1;
};

class MeshGeometry {
 public:
  MeshGeometry() = default;
  MeshGeometry(int64_t cores_x, int64_t cores_y, int64_t chips_x, int64_t chips_y);
  int32_t width() const { return width_; }  // cores across the whole board
  int32_t height() const { return height_; }
  int32_t cores() const { return width_ * height_; }
  int32_t x(int32_t core) const { return core % width_; }
  int32_t y(int32_t core) const { return core / width_; }
  int32_t core_at(int32_t x, int32_t y) const { return y * width_ + x; }
  bool contains(int32_t x, int32_t y) const { return x >= 0 && y >= 0 && x < width_ && y < height_; }
  int32_t chip_of(int32_t core) const { return (y(core) / chip_h_) * (width_ / chip_w_) + x(core) / chip_w_; }
  // Destination core of a packet sent from `core`, or -1 if it would leave the board.
  int32_t destination(int32_t core, int32_t dx, int32_t dy) const;
  // Hops of the x-then-y route and how many of them cross a chip boundary.
  int32_t hops(int32_t dx, int32_t dy) const { return (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy); }
  int32_t chip_crossings(int32_t from_core, int32_t to_core) const;

 private:
  int32_t width_ = 0, height_ = 0, chip_w_ = 1, chip_h_ = 1;
};

// Traffic per directed link, accumulated with difference arrays so that recording a packet costs O(1)
// whatever its length. Links: east/west between (x, y) and (x + 1, y); north/south between (x, y) and (x, y +
// 1).
class LinkTraffic {
 public:
  enum Direction { kEast = 0, kWest = 1, kNorth = 2, kSouth = 3 };
  struct Link {
    int32_t x, y;
    Direction dir;
    uint64_t packets;
    bool crosses_chip;
  };
  LinkTraffic() = default;
  explicit LinkTraffic(const MeshGeometry& mesh);
  void record(int32_t from_core, int32_t to_core);  // the x-then-y route
  // The same from mesh coordinates; inline because the chip records every packet.
  void record(int32_t xs, int32_t ys, int32_t xd, int32_t yd, int64_t packets = 1) {
    if (xd > xs) {  // horizontal leg in row ys; link index i joins x = i and x = i + 1
      diff(kEast, ys, xs) += packets;
      diff(kEast, ys, xd) -= packets;
    } else if (xd < xs) {
      diff(kWest, ys, xd) += packets;
      diff(kWest, ys, xs) -= packets;
    }
    if (yd > ys) {  // vertical leg in column xd
      diff(kNorth, xd, ys) += packets;
      diff(kNorth, xd, yd) -= packets;
    } else if (yd < ys) {
      diff(kSouth, xd, yd) += packets;
      diff(kSouth, xd, ys) -= packets;
    }
  }
  void merge(const LinkTraffic& other);
  // Every link with its total, in (direction, y, x) order.
  std::vector<Link> links() const;
  uint64_t packets_on(int32_t x, int32_t y, Direction dir) const;

 private:
  int64_t& diff(Direction dir, int32_t row, int32_t index) {
    return diff_[(static_cast<size_t>(dir) * rows_ + row) * stride_ + index];
  }
  MeshGeometry mesh_;
  size_t rows_ = 0, stride_ = 0;  // rows = max(width, height); stride = max(width, height) + 1
  std::vector<int64_t> diff_;
};

// A readable summary: total packets*hops, busiest links, mean load, chip-boundary links.
std::string format_traffic_report(const LinkTraffic& traffic, const MeshGeometry& mesh, double ticks,
                                  size_t top_n);
// All links as CSV: x,y,direction,packets,crosses_chip.
std::string format_traffic_csv(const LinkTraffic& traffic);

}  // namespace scx::hw
