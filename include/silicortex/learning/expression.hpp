#pragma once
// Learning rules in Loihi's sum-of-products form, parsed and checked once and compiled into flat lists of
// products:
//   dw = 2^-2*x1*y0 - 2^-2*y1*x0
//   dt = x1*y0 - y1*x0 - 2^-6*t; dw = r*t
// Variables: x0, y0 (pre/post spike of this step, 0 or 1), x1, x2 (pre traces), y1, y2, y3 (post traces), r
// (reward), w (weight), t (tag). A factor is a variable, a number (with an optional power "2^-3") or a
// parenthesised sum; products of sums are expanded. Statements are separated by ';' or new lines; targets are
// dw and dt.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace scx::learning {

enum Var : uint8_t { kX0, kX1, kX2, kY0, kY1, kY2, kY3, kR, kW, kT, kVarCount };

using VarValues = std::array<double, kVarCount>;

// A sum of coefficient * product of variables, stored flat: never re-parsed per synapse.
class ProductSum {
 public:
  void add(double coeff, const std::vector<uint8_t>& vars);
  bool empty() const { return coeff_.empty(); }
  size_t size() const { return coeff_.size(); }
  double evaluate(const VarValues& v) const {
    double sum = 0;
    for (size_t p = 0; p < coeff_.size(); ++p) {
      double prod = coeff_[p];
      for (uint32_t k = begin_[p]; k < begin_[p + 1]; ++k) prod *= v[vars_[k]];
      sum += prod;
    }
    return sum;
  }
  bool uses(Var var) const;
  // The products that contain `var` (with_var) or not; used to split a rule by what triggers it.
  ProductSum select(Var var, bool with_var) const;

 private:
  std::vector<double> coeff_;
  std::vector<uint32_t> begin_{0};
  std::vector<uint8_t> vars_;
};

// A compiled rule, split by trigger: products with x0 run at pre spikes, the rest with y0 at post spikes, the
// rest every step. Evaluating all three every step gives the same result, since x0 and y0 are 0 off their
// spikes.
struct CompiledExpression {
  struct Target {
    ProductSum on_pre, on_post, every_step;
  };
  Target dw, dt;
  bool uses_tag = false;        // t appears anywhere or dt is given
  bool has_every_step = false;  // some product runs every step
};

// Parses and checks `text`; throws scx::Error "<source>:line:column: message" at the first mistake.
CompiledExpression compile_expression(std::string_view text, const std::string& source = "rule");

// "x1", "y0", ... for messages and documentation.
const char* var_name(Var v);

}  // namespace scx::learning
