#include "silicortex/hw/mesh_router.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "silicortex/core/error.hpp"

namespace scx::hw {

MeshGeometry::MeshGeometry(int64_t cores_x, int64_t cores_y, int64_t chips_x, int64_t chips_y)
    : width_(static_cast<int32_t>(cores_x * chips_x)),
      height_(static_cast<int32_t>(cores_y * chips_y)),
      chip_w_(static_cast<int32_t>(cores_x)),
      chip_h_(static_cast<int32_t>(cores_y)) {
  SCX_ASSERT(cores_x > 0 && cores_y > 0 && chips_x > 0 && chips_y > 0);
}

int32_t MeshGeometry::destination(int32_t core, int32_t dx, int32_t dy) const {
  const int32_t tx = x(core) + dx, ty = y(core) + dy;
  return contains(tx, ty) ? core_at(tx, ty) : -1;
}

int32_t MeshGeometry::chip_crossings(int32_t from_core, int32_t to_core) const {
  const int32_t cx = x(from_core) / chip_w_ - x(to_core) / chip_w_;
  const int32_t cy = y(from_core) / chip_h_ - y(to_core) / chip_h_;
  return (cx < 0 ? -cx : cx) + (cy < 0 ? -cy : cy);
}

LinkTraffic::LinkTraffic(const MeshGeometry& mesh)
    : mesh_(mesh),
      rows_(static_cast<size_t>(std::max(mesh.width(), mesh.height()))),
      stride_(rows_ + 1),
      diff_(4 * rows_ * stride_, 0) {}

void LinkTraffic::record(int32_t from_core, int32_t to_core) {
  record(mesh_.x(from_core), mesh_.y(from_core), mesh_.x(to_core), mesh_.y(to_core));
}

void LinkTraffic::merge(const LinkTraffic& other) {
  SCX_ASSERT(other.diff_.size() == diff_.size());
  for (size_t i = 0; i < diff_.size(); ++i) diff_[i] += other.diff_[i];
}

std::vector<LinkTraffic::Link> LinkTraffic::links() const {
  std::vector<Link> out;
  if (diff_.empty()) return out;
  const int32_t w = mesh_.width(), h = mesh_.height();
  for (int d = 0; d < 4; ++d) {
    const bool horizontal = d < 2;
    const int32_t rows = horizontal ? h : w, len = (horizontal ? w : h) - 1;
    for (int32_t r = 0; r < rows; ++r) {
      int64_t running = 0;
      const int64_t* row = &diff_[(static_cast<size_t>(d) * rows_ + r) * stride_];
      for (int32_t i = 0; i < len; ++i) {
        running += row[i];
        const int32_t x = horizontal ? i : r, y = horizontal ? r : i;
        const int32_t a = mesh_.core_at(x, y);
        const int32_t b = horizontal ? mesh_.core_at(x + 1, y) : mesh_.core_at(x, y + 1);
        out.push_back({x, y, static_cast<Direction>(d), static_cast<uint64_t>(running),
                       mesh_.chip_crossings(a, b) > 0});
      }
    }
  }
  return out;
}

uint64_t LinkTraffic::packets_on(int32_t x, int32_t y, Direction dir) const {
  const bool horizontal = dir == kEast || dir == kWest;
  const int32_t r = horizontal ? y : x, i = horizontal ? x : y;
  const int64_t* row = &diff_[(static_cast<size_t>(dir) * rows_ + r) * stride_];
  int64_t running = 0;
  for (int32_t k = 0; k <= i; ++k) running += row[k];
  return static_cast<uint64_t>(running);
}

namespace {
const char* dir_name(LinkTraffic::Direction d) {
  static const char* names[] = {"east", "west", "north", "south"};
  return names[d];
}
}  // namespace

std::string format_traffic_report(const LinkTraffic& traffic, const MeshGeometry& mesh, double ticks,
                                  size_t top_n) {
  auto links = traffic.links();
  uint64_t total = 0, cross = 0, used = 0;
  for (const auto& l : links) {
    total += l.packets;
    if (l.crosses_chip) cross += l.packets;
    used += l.packets > 0;
  }
  std::string out = fmt::format("links: {} directed links on a {}x{} core mesh, {} carried traffic\n",
                                links.size(), mesh.width(), mesh.height(), used);
  out += fmt::format("link traversals: {} total, {} on chip-boundary links; mean per link per tick {:.4f}\n",
                     total, cross,
                     links.empty() || ticks <= 0 ? 0.0 : double(total) / double(links.size()) / ticks);
  std::partial_sort(links.begin(), links.begin() + std::min(top_n, links.size()), links.end(),
                    [](const auto& a, const auto& b) { return a.packets > b.packets; });
  for (size_t i = 0; i < std::min(top_n, links.size()) && links[i].packets > 0; ++i) {
    const auto& l = links[i];
    out += fmt::format("  busiest #{}: ({},{}) {}{}: {} packets ({:.3f} per tick)\n", i + 1, l.x, l.y,
                       dir_name(l.dir), l.crosses_chip ? " [chip boundary]" : "", l.packets,
                       ticks > 0 ? double(l.packets) / ticks : 0.0);
  }
  return out;
}

std::string format_traffic_csv(const LinkTraffic& traffic) {
  std::string out = "x,y,direction,packets,crosses_chip\n";
  for (const auto& l : traffic.links())
    out += fmt::format("{},{},{},{},{}\n", l.x, l.y, dir_name(l.dir), l.packets, l.crosses_chip ? 1 : 0);
  return out;
}

}  // namespace scx::hw
