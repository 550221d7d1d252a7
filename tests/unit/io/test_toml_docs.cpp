// The format's documentation and example files are checked against the reader, so they cannot drift from it.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/toml_neuron_params.hpp"
#include "io/toml_plasticity.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/toml_model.hpp"

namespace scx::io {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const fs::path kSource = SCX_SOURCE_DIR;

// The lines of the "### `model`" section of docs/model-format.md, up to the next heading.
std::vector<std::string> doc_section(const std::string& doc, const std::string& model) {
  const std::string heading = fmt::format("\n### `{}`\n", model);
  size_t pos = doc.find(heading);
  EXPECT_NE(pos, std::string::npos) << "no section for " << model;
  if (pos == std::string::npos) return {};
  pos += heading.size();
  const size_t end = doc.find("\n#", pos);
  std::vector<std::string> lines;
  std::istringstream in(doc.substr(pos, end - pos));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every (name, default) has a row "| `name` | type | default ..." in the section's table.
void expect_documented(const std::string& doc, const std::string& section,
                       const std::vector<std::pair<std::string, double>>& defaults) {
  const auto lines = doc_section(doc, section);
  for (const auto& [name, value] : defaults) {
    const std::string cell = fmt::format("| `{}` |", name);
    const std::string* row = nullptr;
    for (const auto& l : lines)
      if (l.starts_with(cell)) row = &l;
    ASSERT_NE(row, nullptr) << section << "." << name << " has no row in its table";
    // Third column is the default, written as fmt prints the C++ default.
    std::vector<std::string> cells;
    std::istringstream cs(*row);
    for (std::string c; std::getline(cs, c, '|');) cells.push_back(c);
    ASSERT_GE(cells.size(), 4u) << *row;
    EXPECT_TRUE(cells[3].starts_with(fmt::format(" {}", value))) << section << "." << name << ": " << *row;
  }
}

TEST(TomlDocs, EveryModelParameterIsDocumentedWithItsDefault) {
  const std::string doc = read_text(kSource / "docs/model-format.md");
  for (const auto& model : toml_detail::model_names())
    expect_documented(doc, model, toml_detail::parameter_defaults(model));
}

TEST(TomlDocs, EveryPlasticityParameterIsDocumentedWithItsDefault) {
  const std::string doc = read_text(kSource / "docs/model-format.md");
  for (const auto& rule : toml_detail::rule_names())
    expect_documented(doc, rule, toml_detail::rule_parameter_defaults(rule));
}

TEST(TomlDocs, EveryModelNameReadsAsThatModel) {
  for (const auto& model : toml_detail::model_names()) {
    if (model == "events") continue;  // needs a recording, and reads as spike_times: test_toml_events.cpp
    const std::string params = model == "spike_times" ? "params.spike_times_ms = [1.0]\n" : "";
    const auto net = parse_network_toml(
        fmt::format("[[population]]\nname = \"p\"\nsize = 1\nmodel = \"{}\"\n{}", model, params), "m.toml");
    EXPECT_EQ(model::model_name(net.populations[0].params), model);
  }
}

TEST(TomlDocs, CompleteExamplesInTheDocsParse) {
  const std::string doc = read_text(kSource / "docs/model-format.md");
  int complete = 0;
  for (size_t pos = doc.find("```toml\n"); pos != std::string::npos; pos = doc.find("```toml\n", pos)) {
    pos += 8;
    const std::string block = doc.substr(pos, doc.find("```", pos) - pos);
    if (block.find("[[population]]") == std::string::npos) continue;      // a fragment
    if (block.find("model = \"events\"") != std::string::npos) continue;  // names a recording it lacks
    ++complete;
    EXPECT_NO_THROW(parse_network_toml(block, "docs/model-format.md"));
  }
  EXPECT_GE(complete, 1);
}

TEST(TomlDocs, ModelFilesParseAndValidate) {
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "models")) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    try {
      const auto net = read_network_toml(entry.path());
      EXPECT_FALSE(net.populations.empty()) << entry.path();
    } catch (const Error& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace scx::io
