#include "toml_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace scx::io::toml_detail {

namespace {

double bounded(const Field& f, Bound bound) {
  return bound == Bound::NonNegative ? f.non_negative() : f.number();
}

std::string one_of(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

model::ValueSpec read_distribution(const Field& f, Bound bound) {
  TableReader t = f.table();
  const Field dist = t.require("dist");
  const std::string kind = dist.string();
  model::ValueSpec spec;
  if (kind == "uniform") {
    const double low = bounded(t.require("low"), bound);
    const Field high_f = t.require("high");
    const double high = high_f.number();
    if (high < low) high_f.fail(fmt::format("must not be below low ({})", low));
    spec = model::Uniform{low, high};
  } else if (kind == "normal") {
    const double mean = bounded(t.require("mean"), bound);
    spec = model::Normal{mean, t.require("sd").non_negative()};
  } else {
    const std::vector<std::string> kinds{"uniform", "normal"};
    dist.fail(fmt::format("unknown distribution '{}'{}; expected one of {}", kind, did_you_mean(kind, kinds),
                          one_of(kinds)));
  }
  t.finish();
  return spec;
}

template <class C>
C with_allow_self(TableReader& t, C c) {
  if (auto f = t.get("allow_self")) c.allow_self = f->boolean();
  return c;
}

}  // namespace

model::ValueSpec read_value_spec(const Field& f, Bound bound) {
  const toml::node& n = f.node();
  if (n.is_table()) return read_distribution(f, bound);
  if (n.is_array()) {
    model::ValueArray a;
    for (const auto& e : f.elements()) a.values.push_back(bounded(e, bound));
    return a;
  }
  if (!n.is_number())
    f.fail(fmt::format("expected a number, an array of numbers or a table {{ dist = ... }}, got {}",
                       type_name(n)));
  return model::Constant{bounded(f, bound)};
}

model::Connector read_connector(const Field& f) {
  static const std::vector<std::string> kTypes{"all_to_all",     "one_to_one",      "fixed_probability",
                                               "fixed_indegree", "fixed_outdegree", "from_list"};
  const bool plain = f.node().is_string();
  std::optional<TableReader> t;
  std::optional<Field> type_f;
  if (plain) {
    type_f = f;
  } else {
    t = f.table();
    type_f = t->require("type");
  }
  const std::string type = type_f->string();
  const bool known = std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
  if (!known)
    type_f->fail(fmt::format("unknown connector type '{}'{}; expected one of {}", type,
                             did_you_mean(type, kTypes), one_of(kTypes)));
  if (plain) {
    if (type == "all_to_all") return model::AllToAll{};
    if (type == "one_to_one") return model::OneToOne{};
    f.fail(
        fmt::format("connector '{}' has required fields; write it as {{ type = \"{}\", ... }}", type, type));
  }
  model::Connector c;
  if (type == "all_to_all") {
    c = with_allow_self(*t, model::AllToAll{});
  } else if (type == "one_to_one") {
    c = model::OneToOne{};
  } else if (type == "fixed_probability") {
    const Field p_f = t->require("p");
    const double p = p_f.number();
    if (p < 0 || p > 1) p_f.fail(fmt::format("must be in [0, 1], got {}", p));
    c = with_allow_self(*t, model::FixedProbability{p, true});
  } else if (type == "fixed_indegree") {
    c = with_allow_self(*t, model::FixedInDegree{t->require("n").index(), true});
  } else if (type == "fixed_outdegree") {
    c = with_allow_self(*t, model::FixedOutDegree{t->require("n").index(), true});
  } else {
    model::FromList list{read_indices(t->require("pre")), {}};
    const Field post_f = t->require("post");
    list.post = read_indices(post_f);
    if (list.post.size() != list.pre.size())
      post_f.fail(fmt::format("has {} entries but pre has {}", list.post.size(), list.pre.size()));
    c = std::move(list);
  }
  t->finish();
  return c;
}

std::vector<uint32_t> read_indices(const Field& f) {
  std::vector<uint32_t> out;
  for (const auto& e : f.elements()) out.push_back(e.index());
  return out;
}

const model::Population& find_population(const model::Network& net, const Field& name) {
  const std::string wanted = name.string();
  if (const model::Population* p = net.find_population(wanted)) return *p;
  std::vector<std::string> names;
  for (const auto& p : net.populations) names.push_back(p.name);
  name.fail(fmt::format("no population named '{}'{}", wanted, did_you_mean(wanted, names)));
}

}  // namespace scx::io::toml_detail
