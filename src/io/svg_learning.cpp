#include "silicortex/io/svg_learning.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "silicortex/io/svg.hpp"

namespace scx::io {

std::string svg_learning_curves(const std::vector<LearningCurve>& curves, const std::string& title,
                                size_t window, double target) {
  size_t episodes = 1;
  double hi = target;
  for (const auto& c : curves) {
    episodes = std::max(episodes, c.returns.size());
    for (double r : c.returns) hi = std::max(hi, r);
  }
  svg::Figure fig(820, 460);
  fig.title(title);
  const svg::Axes ax({70, 50, 600, 350}, 0, double(episodes), 0, hi * 1.05);
  std::vector<std::pair<std::string, std::string>> legend;
  std::vector<double> xs, ys;
  for (size_t i = 0; i < curves.size(); ++i) {
    const auto& r = curves[i].returns;
    xs.clear(), ys.clear();
    double sum = 0;
    for (size_t e = 0; e < r.size(); ++e) {
      sum += r[e];
      if (e >= window) sum -= r[e - window];
      xs.push_back(double(e + 1));
      ys.push_back(sum / double(std::min(e + 1, window)));
    }
    ax.polyline(fig, xs, ys, svg::colour(i));
    legend.emplace_back(curves[i].label, svg::colour(i));
  }
  if (target > 0)  // dashed black, unlike any curve colour
    fig.raw(fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="black" stroke-dasharray="6,4"/>)",
                        svg::num(ax.px(0)), svg::num(ax.py(target)), svg::num(ax.px(double(episodes))),
                        svg::num(ax.py(target))));
  ax.draw(fig, "episode", fmt::format("mean return of the last {} episodes", window));
  ax.legend(fig, legend);
  return fig.str();
}

}  // namespace scx::io
