#include "toml_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "silicortex/core/error.hpp"

namespace scx::io::toml_detail {

toml::table parse_document(std::string_view text, const std::string& source_name) {
  try {
    return toml::parse(text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    // toml++ says "Error while parsing string: ..."; keep its detail without doubling "error".
    std::string_view what = e.description();
    const std::string_view prefix = "Error while ";
    const std::string message = what.starts_with(prefix)
                                    ? fmt::format("TOML syntax error while {}", what.substr(prefix.size()))
                                    : fmt::format("TOML syntax error: {}", what);
    const auto& at = e.source().begin;
    throw_error_at(source_name, static_cast<int>(at.line), static_cast<int>(at.column), "", message);
  }
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions ("wieght" -> "weight" is 1).
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

bool before(const toml::source_position& a, const toml::source_position& b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

}  // namespace

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date/time";
  }
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string w = lower(word);
  const std::string* best = nullptr;
  size_t best_d = std::numeric_limits<size_t>::max();
  for (const auto& c : candidates) {
    const std::string lc = lower(c);
    const size_t d = edit_distance(w, lc);
    // Close in spelling, or the word is a truncation of the candidate ("dt" for "dt_ms").
    const bool close = d <= std::max<size_t>(2, c.size() / 3) || (w.size() >= 2 && lc.starts_with(w));
    if (close && d < best_d) best = &c, best_d = d;
  }
  return best ? fmt::format(" (did you mean '{}'?)", *best) : std::string();
}

void fail_at(const toml::source_region& where, const std::string& file, const std::string& field,
             const std::string& message) {
  throw_error_at(file, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column), field,
                 message);
}

// ---- Field ----

Field::Field(const toml::node& node, const std::string& file, std::string name)
    : node_(&node), file_(&file), name_(std::move(name)) {}

void Field::fail(const std::string& message) const {
  fail_at(node_->source(), *file_, name_, message);
}

double Field::number() const {
  double v = 0;
  if (auto i = node_->as_integer())
    v = static_cast<double>(i->get());
  else if (auto f = node_->as_floating_point())
    v = f->get();
  else
    fail(fmt::format("expected a number, got {}", type_name(*node_)));
  if (!std::isfinite(v)) fail("must be a finite number");
  return v;
}

double Field::non_negative() const {
  const double v = number();
  if (v < 0) fail(fmt::format("must not be negative, got {}", v));
  return v;
}

double Field::positive() const {
  const double v = number();
  if (v <= 0) fail(fmt::format("must be positive, got {}", v));
  return v;
}

int64_t Field::integer() const {
  auto i = node_->as_integer();
  if (!i) fail(fmt::format("expected an integer, got {}", type_name(*node_)));
  return i->get();
}

uint32_t Field::index() const {
  const int64_t v = integer();
  if (v < 0) fail(fmt::format("must not be negative, got {}", v));
  if (v > std::numeric_limits<uint32_t>::max()) fail(fmt::format("{} does not fit in 32 bits", v));
  return static_cast<uint32_t>(v);
}

uint32_t Field::positive_count() const {
  const int64_t v = integer();
  if (v <= 0) fail(fmt::format("must be a positive integer, got {}", v));
  return index();
}

bool Field::boolean() const {
  auto b = node_->as_boolean();
  if (!b) fail(fmt::format("expected true or false, got {}", type_name(*node_)));
  return b->get();
}

std::string Field::string() const {
  auto s = node_->as_string();
  if (!s) fail(fmt::format("expected a string, got {}", type_name(*node_)));
  return s->get();
}

std::vector<Field> Field::elements() const {
  auto a = node_->as_array();
  if (!a) fail(fmt::format("expected an array, got {}", type_name(*node_)));
  std::vector<Field> out;
  out.reserve(a->size());
  for (size_t i = 0; i < a->size(); ++i) out.emplace_back((*a)[i], *file_, fmt::format("{}[{}]", name_, i));
  return out;
}

TableReader Field::table() const {
  auto t = node_->as_table();
  if (!t) fail(fmt::format("expected a table, got {}", type_name(*node_)));
  return TableReader(*t, *file_, name_);
}

// ---- TableReader ----

TableReader::TableReader(const toml::table& table, const std::string& file, std::string name)
    : table_(&table), file_(&file), name_(std::move(name)) {}

model::Origin TableReader::origin() const {
  return {*file_, static_cast<int>(table_->source().begin.line)};
}

void TableReader::fail(const std::string& message) const {
  fail_at(table_->source(), *file_, name_, message);
}

std::string TableReader::child_name(std::string_view key) const {
  return name_.empty() ? std::string(key) : fmt::format("{}.{}", name_, key);
}

std::optional<Field> TableReader::get(std::string_view key) {
  known_.emplace_back(key);
  if (const toml::node* n = table_->get(key)) return Field(*n, *file_, child_name(key));
  return std::nullopt;
}

Field TableReader::require(std::string_view key) {
  if (auto f = get(key)) return *f;
  fail_at(table_->source(), *file_, child_name(key), "missing required field");
}

void TableReader::expect(std::initializer_list<std::string_view> keys) {
  for (auto k : keys) known_.emplace_back(k);
}

std::vector<std::pair<const toml::key*, Field>> TableReader::entries() {
  std::vector<std::pair<const toml::key*, Field>> out;
  for (const auto& [key, node] : *table_) {
    known_.emplace_back(key.str());
    out.emplace_back(&key, Field(node, *file_, child_name(key.str())));
  }
  return out;
}

void TableReader::finish() const {
  const toml::key* first = nullptr;
  const toml::node* first_node = nullptr;
  for (const auto& [key, node] : *table_) {
    if (std::find(known_.begin(), known_.end(), key.str()) != known_.end()) continue;
    if (!first || before(key.source().begin, first->source().begin)) first = &key, first_node = &node;
  }
  if (!first) return;
  const bool is_table = first_node->is_table() || first_node->is_array_of_tables();
  fail_at(first->source(), *file_, child_name(first->str()),
          fmt::format("unknown {}{}", is_table ? "table" : "field", did_you_mean(first->str(), known_)));
}

std::vector<TableReader> tables_of(TableReader& parent, std::string_view key) {
  std::vector<TableReader> out;
  auto f = parent.get(key);
  if (!f) return out;
  if (f->node().is_table()) f->fail(fmt::format("must be an array of tables: write [[{}]]", key));
  for (const auto& e : f->elements()) out.push_back(e.table());
  return out;
}

}  // namespace scx::io::toml_detail
