#pragma once
// Test helpers for SVG text: a tag-balance checker, a parse by Python's xml.etree when available, and
// extraction of attribute values.
#include <string>
#include <vector>

#include "io_test_util.hpp"

namespace scx::io::testing {

// Empty when every element is closed in order; otherwise what went wrong first.
inline std::string tag_balance_error(const std::string& xml) {
  std::vector<std::string> open;
  size_t roots = 0;
  for (size_t i = xml.find('<'); i != std::string::npos; i = xml.find('<', i)) {
    if (xml.compare(i, 2, "<?") == 0) {
      i = xml.find("?>", i);
      if (i == std::string::npos) return "unterminated <?";
      continue;
    }
    if (xml.compare(i, 4, "<!--") == 0) {
      i = xml.find("-->", i);
      if (i == std::string::npos) return "unterminated comment";
      continue;
    }
    // Find the end of the tag, skipping quoted attribute values.
    size_t j = i + 1;
    char quote = 0;
    for (; j < xml.size() && (quote || xml[j] != '>'); ++j) {
      if (quote && xml[j] == quote)
        quote = 0;
      else if (!quote && (xml[j] == '"' || xml[j] == '\''))
        quote = xml[j];
      else if (!quote && xml[j] == '<')
        return "'<' inside a tag at " + std::to_string(j);
    }
    if (j >= xml.size()) return "unterminated tag at " + std::to_string(i);
    const std::string tag = xml.substr(i + 1, j - i - 1);
    const bool closing = tag.starts_with('/');
    const bool self_closing = tag.ends_with('/');
    const std::string name = tag.substr(closing, tag.find_first_of(" \t\n/", closing) - closing);
    if (closing) {
      if (open.empty() || open.back() != name) return "unexpected </" + name + ">";
      open.pop_back();
    } else if (!self_closing) {
      if (open.empty()) ++roots;
      open.push_back(name);
    }
    i = j + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  return roots == 1 ? "" : std::to_string(roots) + " root elements";
}

// Exit status of parsing `path` with Python's xml.etree, or -1 when /usr/bin/python3 is missing.
inline int python_xml_parse(const fs::path& path) {
  if (!fs::exists("/usr/bin/python3")) return -1;
  return shell("/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' '" +
               path.string() + "'");
}

// Values of attribute `attr` of every element that has `marker` (e.g. class="spikes") among its attributes.
inline std::vector<std::string> attribute_values(const std::string& xml, const std::string& marker,
                                                 const std::string& attr) {
  std::vector<std::string> out;
  for (size_t i = xml.find(marker); i != std::string::npos; i = xml.find(marker, i + 1)) {
    const size_t start = xml.rfind('<', i), end = xml.find('>', i);
    const std::string tag = xml.substr(start, end - start);
    const size_t a = tag.find(" " + attr + "=\"");
    if (a == std::string::npos) continue;
    const size_t v = a + attr.size() + 3;
    out.push_back(tag.substr(v, tag.find('"', v) - v));
  }
  return out;
}

}  // namespace scx::io::testing
