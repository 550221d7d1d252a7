#pragma once
// Typed access to a parsed TOML document. Every getter names its field ("projection[2].weight") and the
// file:line:column it came from when the value is missing, of the wrong type or out of range, and a
// TableReader remembers which keys were asked for so that finish() can reject the rest as typos.
#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silicortex/model/network.hpp"

namespace scx::io::toml_detail {

// " (did you mean 'x'?)" for the candidate closest to word within a small edit distance, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a string", "an integer", ... for error messages.
const char* type_name(const toml::node& n);

// "file:line:column: field: message" at the start of the region.
[[noreturn]] void fail_at(const toml::source_region& where, const std::string& file, const std::string& field,
                          const std::string& message);

// Parses TOML text; a syntax error becomes an scx::Error at file:line:column.
toml::table parse_document(std::string_view text, const std::string& source_name);

class TableReader;

// One value of the document together with its dotted name, for error messages.
class Field {
 public:
  Field(const toml::node& node, const std::string& file, std::string name);

  const toml::node& node() const { return *node_; }
  const std::string& name() const { return name_; }
  [[noreturn]] void fail(const std::string& message) const;

  double number() const;  // integer or float, finite
  double non_negative() const;
  double positive() const;
  int64_t integer() const;
  uint32_t index() const;           // 0 .. 2^32-1
  uint32_t positive_count() const;  // 1 .. 2^32-1
  bool boolean() const;
  std::string string() const;
  std::vector<Field> elements() const;  // of an array, named name[i]
  TableReader table() const;

 private:
  const toml::node* node_;
  const std::string* file_;
  std::string name_;
};

class TableReader {
 public:
  TableReader(const toml::table& table, const std::string& file, std::string name);

  const std::string& name() const { return name_; }
  const std::string& file() const { return *file_; }  // the document's path, for files it names
  const toml::table& table() const { return *table_; }
  model::Origin origin() const;
  [[noreturn]] void fail(const std::string& message) const;  // located at the table itself

  std::optional<Field> get(std::string_view key);
  Field require(std::string_view key);                        // "missing required field" if absent
  void expect(std::initializer_list<std::string_view> keys);  // known keys that are read later
  // All entries as (key, value); used for tables whose keys are names (initial values).
  std::vector<std::pair<const toml::key*, Field>> entries();
  std::string child_name(std::string_view key) const;
  // Throws for the first (in file order) key that was never asked for, suggesting the closest known one.
  void finish() const;

 private:
  const toml::table* table_;
  const std::string* file_;
  std::string name_;
  std::vector<std::string> known_;
};

// The tables of an array of tables ([[key]]), each named key[i]; empty when the key is absent.
std::vector<TableReader> tables_of(TableReader& parent, std::string_view key);

}  // namespace scx::io::toml_detail
