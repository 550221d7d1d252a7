#pragma once
// A small SVG builder shared by every figure (rasters, rates, traces; later chips, learning curves, confusion
// matrices): a Figure collects elements, an Axes maps data to pixels and draws its frame, ticks and labels.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scx::io::svg {

// Escapes text for use inside an element or a quoted attribute; drops control characters XML cannot hold.
std::string escape(std::string_view text);

// Appends a coordinate with one decimal ("12.5", "3", "-0.4"): enough for screen pixels, compact for big
// paths.
void append_num(std::string& out, double v);
std::string num(double v);

struct Tick {
  double value;
  std::string label;
};
// About `target` round-numbered ticks (1, 2 or 5 times a power of ten) covering [lo, hi].
std::vector<Tick> nice_ticks(double lo, double hi, int target = 6);

// Categorical colours (Tableau 10), cycling.
const char* colour(size_t i);

struct Box {
  double x = 0, y = 0, w = 0, h = 0;  // pixels, y downwards
};

class Figure {
 public:
  Figure(double width_px, double height_px);
  double width() const { return width_; }
  double height() const { return height_; }

  void title(std::string_view text);
  // `extra` is appended inside the element as raw attributes, e.g. R"(text-anchor="end")".
  void text(double x, double y, std::string_view s, std::string_view extra = {});
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1);
  void rect(double x, double y, double w, double h, std::string_view fill, std::string_view extra = {});
  void raw(std::string_view element) { body_ += element; }
  // For figures that stream many marks into one element.
  std::string& body() { return body_; }

  std::string str() const;  // the complete SVG document

 private:
  double width_, height_;
  std::string body_;
};

// Linear data-to-pixel mapping inside `box`. A reversed range (lo > hi) flips the axis.
class Axes {
 public:
  Axes(Box box, double x_lo, double x_hi, double y_lo, double y_hi);
  double px(double x) const { return box_.x + (x - x_lo_) * x_scale_; }
  double py(double y) const { return box_.y + box_.h - (y - y_lo_) * y_scale_; }
  const Box& box() const { return box_; }
  double x_lo() const { return x_lo_; }
  double x_hi() const { return x_hi_; }

  // Frame, ticks, tick labels, axis labels and an optional title above the box.
  void draw(Figure& fig, std::string_view xlabel, std::string_view ylabel, std::string_view title = {}) const;
  // A polyline through data points.
  void polyline(Figure& fig, std::span<const double> xs, std::span<const double> ys, std::string_view stroke,
                double width = 1.2) const;
  // (label, colour) swatches to the right of the box.
  void legend(Figure& fig, const std::vector<std::pair<std::string, std::string>>& entries) const;

 private:
  Box box_;
  double x_lo_, x_hi_, y_lo_, y_hi_;
  double x_scale_, y_scale_;
};

}  // namespace scx::io::svg
