#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "silicortex/io/svg.hpp"
#include "xml_check.hpp"

namespace scx::io::svg {
namespace {

std::vector<std::string> labels(const std::vector<Tick>& ticks) {
  std::vector<std::string> out;
  for (const auto& t : ticks) out.push_back(t.label);
  return out;
}

TEST(Svg, NiceTicksAreRoundAndCoverTheRange) {
  EXPECT_THAT(labels(nice_ticks(0, 100)), ::testing::ElementsAre("0", "20", "40", "60", "80", "100"));
  EXPECT_THAT(labels(nice_ticks(0, 1, 5)), ::testing::ElementsAre("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"));
  EXPECT_THAT(labels(nice_ticks(-70, -50, 4)), ::testing::ElementsAre("-70", "-65", "-60", "-55", "-50"));
  EXPECT_THAT(labels(nice_ticks(1000, 0, 4)),
              ::testing::ElementsAre("0", "200", "400", "600", "800", "1000"));
  for (auto [lo, hi] : {std::pair{0.013, 0.987}, {3.0, 1e7}, {-1e-6, 2e-6}, {12.5, 12.75}}) {
    const auto t = nice_ticks(lo, hi);
    ASSERT_GE(t.size(), 3u) << lo << " " << hi;
    EXPECT_LE(t.size(), 13u) << lo << " " << hi;
    EXPECT_GE(t.front().value, lo - 1e-12);
    EXPECT_LE(t.back().value, hi + 1e-12);
    for (size_t i = 1; i < t.size(); ++i) EXPECT_NE(t[i].label, t[i - 1].label);
  }
  EXPECT_EQ(nice_ticks(5, 5).size(), 1u);
}

TEST(Svg, EscapeAndNumbers) {
  EXPECT_EQ(escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  EXPECT_EQ(escape(std::string("bell\x07"
                               "end")),
            "bellend");
  EXPECT_EQ(num(12.0), "12");
  EXPECT_EQ(num(12.34), "12.3");
  EXPECT_EQ(num(-0.04), "0");
  EXPECT_EQ(num(-2.25), "-2.3");
}

TEST(Svg, AxesMapDataToTheBox) {
  const Axes ax({100, 50, 400, 200}, 0, 10, -1, 1);
  EXPECT_DOUBLE_EQ(ax.px(0), 100);
  EXPECT_DOUBLE_EQ(ax.px(10), 500);
  EXPECT_DOUBLE_EQ(ax.py(-1), 250);  // y grows upwards
  EXPECT_DOUBLE_EQ(ax.py(1), 50);
  const Axes flipped({0, 0, 10, 100}, 0, 1, 100, 0);
  EXPECT_DOUBLE_EQ(flipped.py(0), 0);
  EXPECT_DOUBLE_EQ(flipped.py(100), 100);
}

TEST(Svg, FigureIsWellFormed) {
  Figure fig(300, 200);
  fig.title("a <title> & more");
  const Axes ax({40, 30, 200, 120}, 0, 5, 0, 1);
  ax.draw(fig, "x", "y", "panel");
  const std::vector<double> xs{0, 1, 2}, ys{0, 0.5, 1};
  ax.polyline(fig, xs, ys, colour(0));
  ax.legend(fig, {{"one & two", colour(1)}});
  const std::string s = fig.str();
  EXPECT_EQ(testing::tag_balance_error(s), "");
  EXPECT_THAT(s, ::testing::HasSubstr("a &lt;title&gt; &amp; more"));
  EXPECT_EQ(testing::attribute_values(s, "<polyline", "points"),
            std::vector<std::string>{"40,150 80,90 120,30"});
}

TEST(Svg, TagBalanceCheckerCatchesErrors) {
  EXPECT_NE(testing::tag_balance_error("<svg><g></svg>"), "");
  EXPECT_NE(testing::tag_balance_error("<svg><text>a</text>"), "");
  EXPECT_NE(testing::tag_balance_error("<svg/><svg/>"), "");
  EXPECT_EQ(testing::tag_balance_error("<?xml version=\"1.0\"?><svg a=\"x>y\"><g/></svg>"), "");
}

}  // namespace
}  // namespace scx::io::svg
