#pragma once
// The `plasticity` table of a projection: `rule` names the rule, the other keys are the C++ field names of
// model/plasticity.hpp; any subset may be given, the rest keep their defaults.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "silicortex/model/plasticity.hpp"
#include "toml_reader.hpp"

namespace scx::io::toml_detail {

// Rule names accepted in files, in documentation order.
std::vector<std::string> rule_names();

// Reads and checks a plasticity table; an expression rule is compiled here so that its errors name the file.
model::PlasticityRule read_plasticity(const Field& f);

// A population's `adaptive_threshold` table (theta_plus_mv, tau_theta_ms; both optional).
model::AdaptiveThreshold read_adaptive_threshold(const Field& f);

// (name, default) of every numeric parameter of a rule. Used to check the docs.
std::vector<std::pair<std::string, double>> rule_parameter_defaults(std::string_view rule);

}  // namespace scx::io::toml_detail
