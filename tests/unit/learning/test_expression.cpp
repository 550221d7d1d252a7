// Sum-of-products rules: parsing, expansion, splitting by trigger, and errors that point at the column.
#include <gtest/gtest.h>

#include <cmath>

#include "silicortex/core/error.hpp"
#include "silicortex/learning/expression.hpp"

namespace scx::learning {
namespace {

VarValues values() {
  VarValues v{};
  for (int k = 0; k < kVarCount; ++k) v[k] = 0.3 + 0.17 * k;  // distinct, non-trivial values
  return v;
}

double total(const CompiledExpression::Target& t, const VarValues& v) {
  return t.on_pre.evaluate(v) + t.on_post.evaluate(v) + t.every_step.evaluate(v);
}

TEST(Expression, LoihiPairStdpExample) {
  const auto e = compile_expression("dw = 2^-2*x1*y0 - 2^-2*y1*x0");
  const VarValues v = values();
  EXPECT_DOUBLE_EQ(total(e.dw, v), 0.25 * v[kX1] * v[kY0] - 0.25 * v[kY1] * v[kX0]);
  EXPECT_EQ(e.dw.on_pre.size(), 1u);   // the x0 product runs at pre spikes
  EXPECT_EQ(e.dw.on_post.size(), 1u);  // the y0 product at post spikes
  EXPECT_TRUE(e.dw.every_step.empty());
  EXPECT_FALSE(e.has_every_step);
  EXPECT_FALSE(e.uses_tag);
  EXPECT_TRUE(e.dt.on_pre.empty());
}

TEST(Expression, ParenthesesPowersAndTwoStatements) {
  const auto e = compile_expression("dt = (x1 + 2)*(y0 - 1.5e-1) - 3^2*t\n dw = -r*t*2^+1 ; ");
  const VarValues v = values();
  EXPECT_NEAR(total(e.dt, v), (v[kX1] + 2) * (v[kY0] - 0.15) - 9 * v[kT], 1e-15);
  EXPECT_NEAR(total(e.dw, v), -2 * v[kR] * v[kT], 1e-15);
  EXPECT_TRUE(e.uses_tag);
  EXPECT_TRUE(e.has_every_step);  // -9 t and -2 r t need a visit every step
  EXPECT_EQ(e.dw.every_step.size(), 1u);
}

TEST(Expression, ProductWithBothSpikeBitsRunsAtPreSpikes) {
  const auto e = compile_expression("dw = 0.5*x0*y0");
  EXPECT_EQ(e.dw.on_pre.size(), 1u);
  EXPECT_TRUE(e.dw.on_post.empty());
}

std::string error_of(const std::string& text) {
  try {
    compile_expression(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Expression, ErrorsPointAtTheColumn) {
  EXPECT_EQ(error_of("dw = x1*y0 - x9"),
            "rule:1:14: unknown variable 'x9'; expected one of x0 x1 x2 y0 y1 y2 y3 r w t");
  EXPECT_EQ(error_of("dw = 2^-2*x1*y0 - 2^-2*y1*x9").substr(0, 12), "rule:1:27: u");
  EXPECT_EQ(error_of("dw x1"), "rule:1:4: expected '=' after dw");
  EXPECT_EQ(error_of("dq = x1"), "rule:1:1: unknown target 'dq'; expected dw or dt");
  EXPECT_EQ(error_of("dw = x1 *"), "rule:1:10: expected a variable or number");
  EXPECT_EQ(error_of("dw = (x1 + y0"), "rule:1:14: expected ')'");
  EXPECT_EQ(error_of("dw = x1 y0"),
            "rule:1:9: unexpected 'y'; expected an operator or the end of the statement");
  EXPECT_EQ(error_of("dw = x1*y0\ndt = x1 + $"), "rule:2:11: unexpected '$'; expected a variable or number");
  EXPECT_EQ(error_of("dw = 2^x1"), "rule:1:8: expected an exponent after '^'");
  EXPECT_EQ(error_of("dw = x1; dw = y1"), "rule:1:10: dw is given twice");
  EXPECT_EQ(error_of("  "), "rule:1:3: empty rule; expected 'dw = ...'");
  EXPECT_EQ(error_of("dw = 1.2.3"), "rule:1:6: malformed number '1.2.3'");
}

}  // namespace
}  // namespace scx::learning
