#include "silicortex/io/sklearn_data.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

#include "io/gz_file.hpp"
#include "silicortex/core/error.hpp"

namespace scx::io {
namespace {

struct Source {
  const char* name;
  const char* file;
  bool header;  // "samples,features,class names..." first line
};
constexpr Source kSources[] = {{"iris", "iris.csv", true},
                               {"wine", "wine_data.csv", true},
                               {"breast-cancer", "breast_cancer.csv", true},
                               {"digits", "digits.csv.gz", false}};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  return out;
}

double number(const std::string& cell, const std::string& file, int line, int column) {
  double v = 0;
  const char* b = cell.data();
  const char* e = b + cell.size();
  while (b < e && *b == ' ') ++b;
  const auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || ptr != e)
    throw_error_at(file, line, column, "value", "'" + cell + "' is not a number");
  return v;
}

}  // namespace

size_t TabularDataset::classes() const {
  return y.empty() ? 0 : static_cast<size_t>(*std::max_element(y.begin(), y.end())) + 1;
}

std::filesystem::path default_sklearn_data_dir() {
  return "/usr/lib/python3/dist-packages/sklearn/datasets/data";
}

const std::vector<std::string>& sklearn_dataset_names() {
  static const std::vector<std::string> names{"iris", "wine", "breast-cancer", "digits"};
  return names;
}

TabularDataset load_sklearn_dataset(const std::string& name, const std::filesystem::path& dir) {
  const Source* src = nullptr;
  for (const auto& s : kSources)
    if (name == s.name) src = &s;
  if (src == nullptr)
    throw_error_at("", 0, 0, "dataset", "'" + name + "' is not one of iris, wine, breast-cancer, digits");
  const auto path = dir / src->file;
  if (!std::filesystem::exists(path))
    throw_error_at(
        path.string(), 0, 0, "",
        "scikit-learn's bundled dataset is missing: install Debian's python3-sklearn (scripts/setup.sh)");
  const auto bytes = read_maybe_gzipped(path);
  std::stringstream text(std::string(bytes.begin(), bytes.end()));
  const std::string file = path.string();
  TabularDataset d;
  d.name = name;
  std::string line;
  int line_no = 0;
  size_t expected_samples = 0;
  if (src->header) {
    std::getline(text, line);
    line_no = 1;
    const auto cells = split(line);
    if (cells.size() < 3) throw_error_at(file, 1, 0, "header", "expected samples,features,class names");
    expected_samples = static_cast<size_t>(number(cells[0], file, 1, 1));
    d.features = static_cast<size_t>(number(cells[1], file, 1, 2));
    d.class_names.assign(cells.begin() + 2, cells.end());
  }
  while (std::getline(text, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto cells = split(line);
    if (d.features == 0) d.features = cells.size() - 1;
    if (cells.size() != d.features + 1)
      throw_error_at(file, line_no, 0, "columns",
                     std::to_string(cells.size()) + " columns, expected " + std::to_string(d.features + 1));
    for (size_t c = 0; c < d.features; ++c)
      d.x.push_back(number(cells[c], file, line_no, static_cast<int>(c + 1)));
    const double label = number(cells.back(), file, line_no, static_cast<int>(cells.size()));
    if (label < 0 || label != static_cast<int>(label))
      throw_error_at(file, line_no, static_cast<int>(cells.size()), "label",
                     "must be a non-negative integer");
    d.y.push_back(static_cast<int>(label));
  }
  d.samples = d.y.size();
  if (src->header && d.samples != expected_samples)
    throw_error_at(file, 1, 1, "samples",
                   "header announces " + std::to_string(expected_samples) + " rows, file has " +
                       std::to_string(d.samples));
  if (d.samples == 0) throw_error_at(file, 0, 0, "", "no samples");
  if (d.class_names.empty())
    for (size_t c = 0; c < d.classes(); ++c) d.class_names.push_back(std::to_string(c));
  return d;
}

}  // namespace scx::io
