// Recursive-descent parser for sum-of-products rules. Every sum is kept expanded (a list of products), so
// parentheses and products of sums need no tree; the result is the flat ProductSum the synapse loop
// evaluates.
#include "silicortex/learning/expression.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "silicortex/core/error.hpp"

namespace scx::learning {

namespace {

constexpr const char* kVarNames[kVarCount] = {"x0", "x1", "x2", "y0", "y1", "y2", "y3", "r", "w", "t"};
constexpr size_t kMaxFactors = 16;
constexpr size_t kMaxProducts = 256;

struct Term {
  double coeff;
  std::vector<uint8_t> vars;  // sorted
};
using Sum = std::vector<Term>;

class Parser {
 public:
  Parser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  CompiledExpression parse() {
    CompiledExpression out;
    bool seen_w = false, seen_t = false;
    skip_separators();
    while (pos_ < text_.size()) {
      const size_t at = pos_;
      const std::string target = identifier();
      if (target != "dw" && target != "dt")
        fail_at(at, target.empty() ? fmt::format("expected 'dw =' or 'dt =', got '{}'", peek_text())
                                   : fmt::format("unknown target '{}'; expected dw or dt", target));
      bool& seen = target == "dw" ? seen_w : seen_t;
      if (seen) fail_at(at, fmt::format("{} is given twice", target));
      seen = true;
      skip_blanks();
      if (!accept('=')) fail(fmt::format("expected '=' after {}", target));
      const Sum sum = parse_sum();
      skip_blanks();
      if (pos_ < text_.size() && text_[pos_] != ';' && text_[pos_] != '\n')
        fail(fmt::format("unexpected '{}'; expected an operator or the end of the statement", text_[pos_]));
      store(target == "dw" ? out.dw : out.dt, sum);
      skip_separators();
    }
    if (!seen_w && !seen_t) fail("empty rule; expected 'dw = ...'");
    for (const auto* target : {&out.dw, &out.dt}) {
      out.uses_tag |= target->on_pre.uses(kT) || target->on_post.uses(kT) || target->every_step.uses(kT);
      out.has_every_step |= !target->every_step.empty();
    }
    out.uses_tag |= seen_t;
    return out;
  }

 private:
  static void store(CompiledExpression::Target& target, const Sum& sum) {
    ProductSum all;
    for (const auto& term : sum) all.add(term.coeff, term.vars);
    target.on_pre = all.select(kX0, true);
    const ProductSum rest = all.select(kX0, false);
    target.on_post = rest.select(kY0, true);
    target.every_step = rest.select(kY0, false);
  }

  Sum parse_sum() {
    skip_blanks();
    Sum sum;
    bool negative = false;
    if (accept('-'))
      negative = true;
    else
      accept('+');
    append(sum, parse_product(), negative);
    for (;;) {
      skip_blanks();
      if (accept('+'))
        negative = false;
      else if (accept('-'))
        negative = true;
      else
        break;
      append(sum, parse_product(), negative);
    }
    return sum;
  }

  void append(Sum& sum, Sum part, bool negative) {
    for (auto& term : part) {
      if (negative) term.coeff = -term.coeff;
      sum.push_back(std::move(term));
    }
    if (sum.size() > kMaxProducts) fail(fmt::format("rule expands to more than {} products", kMaxProducts));
  }

  Sum parse_product() {
    Sum acc = parse_factor();
    for (;;) {
      skip_blanks();
      if (!accept('*')) return acc;
      const Sum rhs = parse_factor();
      Sum out;
      for (const auto& a : acc)
        for (const auto& b : rhs) {
          Term t{a.coeff * b.coeff, a.vars};
          t.vars.insert(t.vars.end(), b.vars.begin(), b.vars.end());
          if (t.vars.size() > kMaxFactors)
            fail(fmt::format("a product has more than {} variables", kMaxFactors));
          std::sort(t.vars.begin(), t.vars.end());
          out.push_back(std::move(t));
        }
      if (out.size() > kMaxProducts) fail(fmt::format("rule expands to more than {} products", kMaxProducts));
      acc = std::move(out);
    }
  }

  Sum parse_factor() {
    skip_blanks();
    const size_t at = pos_;
    if (pos_ >= text_.size() || text_[pos_] == ';' || text_[pos_] == '\n')
      fail("expected a variable or number");
    const char c = text_[pos_];
    if (accept('(')) {
      Sum inner = parse_sum();
      skip_blanks();
      if (!accept(')')) fail_at(pos_, "expected ')'");
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      double value = number();
      skip_blanks();
      if (accept('^')) {
        skip_blanks();
        const size_t exp_at = pos_;
        double sign = 1;
        if (accept('-'))
          sign = -1;
        else
          accept('+');
        if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_])))
          fail_at(exp_at, "expected an exponent after '^'");
        value = std::pow(value, sign * number());
        if (!std::isfinite(value)) fail_at(at, "constant is not a finite number");
      }
      return {Term{value, {}}};
    }
    const std::string name = identifier();
    if (name.empty()) fail_at(at, fmt::format("unexpected '{}'; expected a variable or number", c));
    for (uint8_t v = 0; v < kVarCount; ++v)
      if (name == kVarNames[v]) return {Term{1.0, {v}}};
    fail_at(at, fmt::format("unknown variable '{}'; expected one of x0 x1 x2 y0 y1 y2 y3 r w t", name));
  }

  double number() {
    const size_t at = pos_;
    size_t end = pos_;
    while (end < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[end])) || text_[end] == '.'))
      ++end;
    if (end < text_.size() && (text_[end] == 'e' || text_[end] == 'E')) {
      size_t e = end + 1;
      if (e < text_.size() && (text_[e] == '+' || text_[e] == '-')) ++e;
      if (e < text_.size() && std::isdigit(static_cast<unsigned char>(text_[e]))) {
        end = e;
        while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end]))) ++end;
      }
    }
    const std::string s(text_.substr(pos_, end - pos_));
    char* stop = nullptr;
    const double v = std::strtod(s.c_str(), &stop);
    if (s.empty() || stop != s.c_str() + s.size() || !std::isfinite(v))
      fail_at(at, fmt::format("malformed number '{}'", s));
    pos_ = end;
    return v;
  }

  std::string identifier() {
    size_t end = pos_;
    while (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_'))
      ++end;
    std::string s(text_.substr(pos_, end - pos_));
    pos_ = end;
    return s;
  }

  std::string peek_text() const {
    size_t end = pos_;
    while (end < text_.size() && !std::isspace(static_cast<unsigned char>(text_[end]))) ++end;
    return std::string(text_.substr(pos_, end - pos_));
  }

  bool accept(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void skip_blanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r')) ++pos_;
  }
  void skip_separators() {
    while (pos_ < text_.size() &&
           (std::isspace(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == ';'))
      ++pos_;
  }

  [[noreturn]] void fail(const std::string& msg) const { fail_at(pos_, msg); }
  [[noreturn]] void fail_at(size_t at, const std::string& msg) const {
    int line = 1, col = 1;
    for (size_t i = 0; i < at && i < text_.size(); ++i) {
      if (text_[i] == '\n')
        ++line, col = 1;
      else
        ++col;
    }
    throw_error_at(source_, line, col, "", msg);
  }

  std::string_view text_;
  const std::string& source_;
  size_t pos_ = 0;
};

}  // namespace

void ProductSum::add(double coeff, const std::vector<uint8_t>& vars) {
  if (coeff == 0) return;
  coeff_.push_back(coeff);
  vars_.insert(vars_.end(), vars.begin(), vars.end());
  begin_.push_back(static_cast<uint32_t>(vars_.size()));
}

bool ProductSum::uses(Var var) const {
  return std::find(vars_.begin(), vars_.end(), var) != vars_.end();
}

ProductSum ProductSum::select(Var var, bool with_var) const {
  ProductSum out;
  for (size_t p = 0; p < coeff_.size(); ++p) {
    const std::vector<uint8_t> vars(vars_.begin() + begin_[p], vars_.begin() + begin_[p + 1]);
    const bool has = std::find(vars.begin(), vars.end(), var) != vars.end();
    if (has == with_var) out.add(coeff_[p], vars);
  }
  return out;
}

CompiledExpression compile_expression(std::string_view text, const std::string& source) {
  return Parser(text, source).parse();
}

const char* var_name(Var v) {
  return kVarNames[v];
}

}  // namespace scx::learning
