#include "silicortex/io/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace scx::io::svg {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
  return out;
}

void append_num(std::string& out, double v) {
  if (!std::isfinite(v)) v = 0;
  const double r = std::round(v * 10) / 10 + 0.0;  // + 0.0 turns -0 into 0
  if (r == std::trunc(r) && std::fabs(r) < 1e15)
    fmt::format_to(std::back_inserter(out), "{}", static_cast<long long>(r));
  else
    fmt::format_to(std::back_inserter(out), "{:.1f}", r);
}

std::string num(double v) {
  std::string s;
  append_num(s, v);
  return s;
}

std::vector<Tick> nice_ticks(double lo, double hi, int target) {
  if (lo > hi) std::swap(lo, hi);
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (hi == lo) return {{lo, fmt::format("{:g}", lo)}};
  const double raw = (hi - lo) / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double r = raw / mag;
  const double step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  std::vector<Tick> ticks;
  const double first = std::ceil(lo / step - 1e-9);
  for (double k = first; k * step <= hi + step * 1e-9; ++k) {
    const double v = k * step + 0.0;
    ticks.push_back({v, fmt::format("{:.{}f}", v, decimals)});
  }
  return ticks;
}

const char* colour(size_t i) {
  static constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                             "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kPalette[i % std::size(kPalette)];
}

// ---- Figure ----

Figure::Figure(double width_px, double height_px) : width_(width_px), height_(height_px) {}

void Figure::title(std::string_view s) {
  text(width_ / 2, 22, s, R"(text-anchor="middle" font-size="15" font-weight="bold")");
}

void Figure::text(double x, double y, std::string_view s, std::string_view extra) {
  body_ += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
  if (!extra.empty()) (body_ += ' ') += extra;
  body_ += '>' + escape(s) + "</text>\n";
}

void Figure::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width) {
  body_ += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
           "\" stroke=\"" + escape(stroke) + "\" stroke-width=\"" + fmt::format("{:g}", width) + "\"/>\n";
}

void Figure::rect(double x, double y, double w, double h, std::string_view fill, std::string_view extra) {
  body_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(w, 0.0)) +
           "\" height=\"" + num(std::max(h, 0.0)) + "\" fill=\"" + escape(fill) + "\"";
  if (!extra.empty()) (body_ += ' ') += extra;
  body_ += "/>\n";
}

std::string Figure::str() const {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{2}</svg>\n",
      num(width_), num(height_), body_);
}

// ---- Axes ----

Axes::Axes(Box box, double x_lo, double x_hi, double y_lo, double y_hi)
    : box_(box), x_lo_(x_lo), x_hi_(x_hi), y_lo_(y_lo), y_hi_(y_hi) {
  // A zero-width range would divide by zero: widen it around its value.
  if (x_hi_ == x_lo_) x_lo_ -= 0.5, x_hi_ += 0.5;
  if (y_hi_ == y_lo_) y_lo_ -= 0.5, y_hi_ += 0.5;
  x_scale_ = box_.w / (x_hi_ - x_lo_);
  y_scale_ = box_.h / (y_hi_ - y_lo_);
}

void Axes::draw(Figure& fig, std::string_view xlabel, std::string_view ylabel, std::string_view title) const {
  constexpr double kTick = 5;
  const double bottom = box_.y + box_.h;
  for (const Tick& t : nice_ticks(x_lo_, x_hi_)) {
    const double x = px(t.value);
    fig.line(x, bottom, x, bottom + kTick, "black");
    fig.text(x, bottom + kTick + 11, t.label, R"(text-anchor="middle")");
  }
  for (const Tick& t : nice_ticks(y_lo_, y_hi_, 5)) {
    const double y = py(t.value);
    fig.line(box_.x - kTick, y, box_.x, y, "black");
    fig.text(box_.x - kTick - 3, y + 4, t.label, R"(text-anchor="end")");
  }
  fig.rect(box_.x, box_.y, box_.w, box_.h, "none", R"(stroke="black")");
  if (!xlabel.empty()) fig.text(box_.x + box_.w / 2, bottom + 36, xlabel, R"(text-anchor="middle")");
  if (!ylabel.empty()) {
    const double x = box_.x - 48, y = box_.y + box_.h / 2;
    fig.text(x, y, ylabel, "text-anchor=\"middle\" transform=\"rotate(-90 " + num(x) + " " + num(y) + ")\"");
  }
  if (!title.empty()) fig.text(box_.x, box_.y - 6, title, R"(font-weight="bold")");
}

void Axes::polyline(Figure& fig, std::span<const double> xs, std::span<const double> ys,
                    std::string_view stroke, double width) const {
  if (xs.empty()) return;
  std::string& out = fig.body();
  out += "<polyline fill=\"none\" stroke=\"" + escape(stroke) + "\" stroke-width=\"" +
         fmt::format("{:g}", width) + "\" points=\"";
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (i > 0) out += ' ';
    append_num(out, px(xs[i]));
    out += ',';
    append_num(out, py(ys[i]));
  }
  out += "\"/>\n";
}

void Axes::legend(Figure& fig, const std::vector<std::pair<std::string, std::string>>& entries) const {
  const double x = box_.x + box_.w + 12;
  double y = box_.y + 4;
  for (const auto& [label, fill] : entries) {
    fig.rect(x, y, 10, 10, fill);
    fig.text(x + 15, y + 9, label);
    y += 16;
  }
}

}  // namespace scx::io::svg
