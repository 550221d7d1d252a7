// The `plasticity` table of a projection: every rule and field read, defaults kept, mistakes named with their
// place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "silicortex/core/error.hpp"
#include "silicortex/io/toml_model.hpp"

namespace scx::io {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using namespace scx::model;

std::string network(const std::string& plasticity) {
  return "[[population]]\nname = \"in\"\nsize = 2\nmodel = \"poisson_source\"\n\n"
         "[[population]]\nname = \"out\"\nsize = 2\nmodel = \"lif_curr_exp\"\n\n"
         "[[projection]]\npre = \"in\"\npost = \"out\"\nconnector = \"all_to_all\"\n"
         "[projection.plasticity]\n" +
         plasticity;
}

const PlasticityRule& rule_of(const Network& net) {
  EXPECT_TRUE(net.projections.at(0).plasticity.has_value());
  return *net.projections.at(0).plasticity;
}

// A call that parses text, for ThrowsMessage.
auto parsing(const std::string& text) {
  return [text] { parse_network_toml(text, "net.toml"); };
}

TEST(TomlPlasticity, PairStdpFieldsAndDefaults) {
  const auto net = parse_network_toml(
      network("rule = \"pair_stdp\"\na_plus = 0.5\ntau_minus_ms = 30\nmultiplicative = true\n"
              "pairing = \"nearest\"\nw_max = 8\n"),
      "net.toml");
  const auto& r = std::get<PairStdp>(rule_of(net));
  EXPECT_EQ(r.a_plus, 0.5);
  EXPECT_EQ(r.a_minus, PairStdp{}.a_minus);
  EXPECT_EQ(r.tau_minus_ms, 30);
  EXPECT_TRUE(r.multiplicative);
  EXPECT_EQ(r.pairing, Pairing::Nearest);
  EXPECT_EQ(r.w_max, 8);
}

TEST(TomlPlasticity, TripletRewardAndExpressionRules) {
  const auto t = parse_network_toml(network("rule = \"triplet_stdp\"\ntau_x_ms = 101\n"), "net.toml");
  EXPECT_EQ(std::get<TripletStdp>(rule_of(t)).tau_x_ms, 101);
  const auto r =
      parse_network_toml(network("rule = \"reward_stdp\"\ntau_c_ms = 500\ntau_d_ms = 0\n"), "net.toml");
  EXPECT_EQ(std::get<RewardStdp>(rule_of(r)).tau_c_ms, 500);
  EXPECT_EQ(std::get<RewardStdp>(rule_of(r)).tau_d_ms, 0);
  const auto e = parse_network_toml(
      network("rule = \"expression\"\nexpression = \"dw = 2^-2*x1*y0 - 2^-2*y1*x0\"\ntau_y1_ms = 40\n"),
      "net.toml");
  EXPECT_EQ(std::get<ExpressionRule>(rule_of(e)).text, "dw = 2^-2*x1*y0 - 2^-2*y1*x0");
  EXPECT_EQ(std::get<ExpressionRule>(rule_of(e)).tau_y1_ms, 40);
  EXPECT_FALSE(parse_network_toml(network("rule = \"pair_stdp\"\n"), "net.toml").projections.empty());
}

TEST(TomlPlasticity, MistakesAreNamedWithTheirPlace) {
  const std::pair<const char*, const char*> cases[] = {
      {"rule = \"pair_stpd\"\n",
       "net.toml:16:8: projection[0].plasticity.rule: unknown plasticity rule 'pair_stpd' (did you mean "
       "'pair_stdp'?)"},
      {"rule = \"pair_stdp\"\na_pluss = 1\n",
       "projection[0].plasticity.a_pluss: unknown field (did you mean 'a_plus'?)"},
      {"rule = \"pair_stdp\"\ntau_plus_ms = -1\n",
       "net.toml:11: projection 'in->out'.plasticity.tau_plus_ms: must be a positive time constant"},
      {"rule = \"pair_stdp\"\nw_min = 2\nw_max = 1\n",
       "plasticity.w_max: must be a finite number not below w_min"},
      {"rule = \"pair_stdp\"\npairing = \"closest\"\n",
       "plasticity.pairing: expected \"all_to_all\" or \"nearest\", got 'closest'"},
      {"rule = \"expression\"\nexpression = \"dw = x1*y0 - x9\"\n",
       "net.toml:17:14: projection[0].plasticity.expression: rule:1:14: unknown variable 'x9'"},
      {"rule = \"expression\"\n", "projection[0].plasticity.expression: missing required field"},
      {"a_plus = 1\n", "projection[0].plasticity.rule: missing required field"},
  };
  for (const auto& [plasticity, message] : cases)
    EXPECT_THAT(parsing(network(plasticity)), ThrowsMessage<Error>(HasSubstr(message))) << plasticity;
}

}  // namespace
}  // namespace scx::io
