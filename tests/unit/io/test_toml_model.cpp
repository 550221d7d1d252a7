#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "silicortex/core/error.hpp"
#include "silicortex/io/toml_model.hpp"
#include "support/scratch_dir.hpp"

namespace scx::io {
namespace {

using ::testing::HasSubstr;
using namespace scx::model;

// Raw strings start with a newline so that the first line of the document is the line after R"(.
std::string doc(std::string_view raw) {
  return std::string(raw.substr(raw.starts_with('\n') ? 1 : 0));
}

// 1-based line of the n-th (0-based) occurrence of needle, counted independently of the reader.
int line_of(const std::string& text, std::string_view needle, int occurrence = 0) {
  size_t pos = text.find(needle);
  for (int i = 0; i < occurrence; ++i) pos = text.find(needle, pos + 1);
  EXPECT_NE(pos, std::string::npos) << needle;
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

std::string error_of(const std::string& text) {
  try {
    parse_network_toml(text, "net.toml");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

const std::string kComplete = doc(R"(
[network]
name = "all_features"

[simulation]
dt_ms = 0.05
duration_ms = 250
seed = 42
threads = 2

[[population]]
name = "curr"
size = 4
model = "lif_curr_exp"
[population.params]
c_m_pf = 200.0
tau_m_ms = 20
i_e_pa = 376.0
[population.initial]
v = { dist = "uniform", low = -70.0, high = -55.0 }
i_exc = [1.0, 2.0, 3.0, 4]

[[population]]
name = "cond"
size = 4
model = "lif_cond_exp"
params = { g_l_ns = 10.0, e_inh_mv = -80.0 }
initial = { v = { dist = "normal", mean = -60.0, sd = 2.5 }, g_exc = 0.5 }

[[population]]
name = "izh"
size = 2
model = "izhikevich"
params.a = 0.1
params.d = 2

[[population]]
name = "adex"
size = 3
model = "adex"
[population.params]
a_ns = 2.0
b_pa = 0.0
tau_w_ms = 300

[[population]]
name = "noise"
size = 5
model = "poisson_source"
params = { rate_hz = 20, start_ms = 5.0 }

[[population]]
name = "shared_times"
size = 3
model = "spike_times"
params = { spike_times_ms = [5.0, 1, 2.5] }

[[population]]
name = "own_times"
size = 2
model = "spike_times"
params.spike_times_ms = [[2.0, 1.0], []]

[[projection]]
pre = "noise"
post = "curr"
connector = "all_to_all"
weight = 10

[[projection]]
name = "loop"
pre = "curr"
post = "curr"
receptor = "inhibitory"
connector = { type = "all_to_all", allow_self = false }
weight = { dist = "uniform", low = -5.0, high = -1 }
delay_ms = { dist = "normal", mean = 1.5, sd = 0.25 }

[[projection]]
pre = "curr"
post = "cond"
connector = "one_to_one"
weight = [0.5, 1.0, 1.5, 2]
delay_ms = [0.1, 0.2, 0.3, 4]

[[projection]]
pre = "cond"
post = "cond"
connector = { type = "one_to_one" }
delay_ms = 2

[[projection]]
pre = "noise"
post = "adex"
connector = { type = "fixed_probability", p = 0.25 }

[[projection]]
pre = "izh"
post = "izh"
connector = { type = "fixed_indegree", n = 1, allow_self = false }

[[projection]]
pre = "adex"
post = "izh"
connector = { type = "fixed_outdegree", n = 2 }
receptor = "excitatory"

[[projection]]
pre = "shared_times"
post = "adex"
[projection.connector]
type = "from_list"
pre = [0, 1, 2]
post = [2, 1, 0]

[[current_step]]
population = "cond"
amplitude_pa = 100
start_ms = 10.0
stop_ms = 50.0
neurons = [0, 3]

[[current_step]]
population = "curr"
amplitude_pa = -20.5

[[probe]]
population = "curr"

[[probe]]
population = "cond"
variable = "g_exc"
interval_ms = 0.5
neurons = [1, 2]
)");

TEST(TomlModel, CompleteFileGivesExpectedNetwork) {
  const Network net = parse_network_toml(kComplete, "models/all.toml");
  EXPECT_EQ(net.name, "all_features");
  EXPECT_EQ(net.sim.dt_ms, 0.05);
  EXPECT_EQ(net.sim.duration_ms, 250.0);
  EXPECT_EQ(net.sim.seed, 42u);
  EXPECT_EQ(net.sim.threads, 2u);

  ASSERT_EQ(net.populations.size(), 7u);
  const auto& curr = net.populations[0];
  EXPECT_EQ(curr.name, "curr");
  EXPECT_EQ(curr.size, 4u);
  EXPECT_EQ(curr.origin.file, "models/all.toml");
  EXPECT_EQ(curr.origin.line, line_of(kComplete, "[[population]]", 0));
  const auto& lif = std::get<LifCurrExp>(curr.params);
  EXPECT_EQ(lif.c_m_pf, 200.0);
  EXPECT_EQ(lif.tau_m_ms, 20.0);
  EXPECT_EQ(lif.i_e_pa, 376.0);
  EXPECT_EQ(lif.v_th_mv, LifCurrExp{}.v_th_mv);  // untouched fields keep their defaults
  ASSERT_EQ(curr.initial.size(), 2u);
  // Tables have no inherent order; look the initial values up by name.
  for (const auto& init : curr.initial) {
    if (init.variable == "v") {
      const auto& u = std::get<Uniform>(init.value);
      EXPECT_EQ(u.low, -70.0);
      EXPECT_EQ(u.high, -55.0);
    } else {
      EXPECT_EQ(init.variable, "i_exc");
      EXPECT_EQ(std::get<ValueArray>(init.value).values, (std::vector<double>{1, 2, 3, 4}));
    }
  }

  const auto& cond = net.populations[1];
  const auto& lc = std::get<LifCondExp>(cond.params);
  EXPECT_EQ(lc.g_l_ns, 10.0);
  EXPECT_EQ(lc.e_inh_mv, -80.0);
  EXPECT_EQ(lc.c_m_pf, LifCondExp{}.c_m_pf);
  EXPECT_EQ(cond.origin.line, line_of(kComplete, "[[population]]", 1));
  ASSERT_EQ(cond.initial.size(), 2u);
  for (const auto& init : cond.initial) {
    if (init.variable == "v") {
      EXPECT_EQ(std::get<Normal>(init.value).mean, -60.0);
      EXPECT_EQ(std::get<Normal>(init.value).sd, 2.5);
    } else {
      EXPECT_EQ(init.variable, "g_exc");
      EXPECT_EQ(std::get<Constant>(init.value).value, 0.5);
    }
  }

  const auto& izh = std::get<Izhikevich>(net.populations[2].params);
  EXPECT_EQ(izh.a, 0.1);
  EXPECT_EQ(izh.d, 2.0);
  EXPECT_EQ(izh.b, Izhikevich{}.b);
  const auto& adex = std::get<AdEx>(net.populations[3].params);
  EXPECT_EQ(adex.a_ns, 2.0);
  EXPECT_EQ(adex.b_pa, 0.0);
  EXPECT_EQ(adex.tau_w_ms, 300.0);
  const auto& poisson = std::get<PoissonSource>(net.populations[4].params);
  EXPECT_EQ(poisson.rate_hz, 20.0);
  EXPECT_EQ(poisson.start_ms, 5.0);
  EXPECT_EQ(poisson.stop_ms, PoissonSource{}.stop_ms);
  EXPECT_EQ(std::get<SpikeTimesSource>(net.populations[5].params).times_ms,
            (std::vector<std::vector<double>>{{1.0, 2.5, 5.0}}));  // sorted on reading
  EXPECT_EQ(std::get<SpikeTimesSource>(net.populations[6].params).times_ms,
            (std::vector<std::vector<double>>{{1.0, 2.0}, {}}));

  ASSERT_EQ(net.projections.size(), 8u);
  const auto& p0 = net.projections[0];
  EXPECT_EQ(p0.name, "noise->curr");
  EXPECT_EQ(p0.pre, "noise");
  EXPECT_EQ(p0.post, "curr");
  EXPECT_TRUE(std::get<AllToAll>(p0.connector).allow_self);
  EXPECT_EQ(std::get<Constant>(p0.weight).value, 10.0);
  EXPECT_EQ(std::get<Constant>(p0.delay_ms).value, 0.1);  // default
  EXPECT_EQ(p0.receptor, Receptor::Excitatory);
  EXPECT_EQ(p0.origin.line, line_of(kComplete, "[[projection]]", 0));

  const auto& p1 = net.projections[1];
  EXPECT_EQ(p1.name, "loop");
  EXPECT_EQ(p1.receptor, Receptor::Inhibitory);
  EXPECT_FALSE(std::get<AllToAll>(p1.connector).allow_self);
  EXPECT_EQ(std::get<Uniform>(p1.weight).low, -5.0);
  EXPECT_EQ(std::get<Uniform>(p1.weight).high, -1.0);
  EXPECT_EQ(std::get<Normal>(p1.delay_ms).mean, 1.5);
  EXPECT_EQ(std::get<Normal>(p1.delay_ms).sd, 0.25);

  const auto& p2 = net.projections[2];
  EXPECT_TRUE(std::holds_alternative<OneToOne>(p2.connector));
  EXPECT_EQ(std::get<ValueArray>(p2.weight).values, (std::vector<double>{0.5, 1.0, 1.5, 2.0}));
  EXPECT_EQ(std::get<ValueArray>(p2.delay_ms).values, (std::vector<double>{0.1, 0.2, 0.3, 4.0}));
  EXPECT_TRUE(std::holds_alternative<OneToOne>(net.projections[3].connector));
  EXPECT_EQ(std::get<Constant>(net.projections[3].delay_ms).value, 2.0);

  const auto& fp = std::get<FixedProbability>(net.projections[4].connector);
  EXPECT_EQ(fp.p, 0.25);
  EXPECT_TRUE(fp.allow_self);
  const auto& fi = std::get<FixedInDegree>(net.projections[5].connector);
  EXPECT_EQ(fi.n, 1u);
  EXPECT_FALSE(fi.allow_self);
  const auto& fo = std::get<FixedOutDegree>(net.projections[6].connector);
  EXPECT_EQ(fo.n, 2u);
  EXPECT_TRUE(fo.allow_self);
  EXPECT_EQ(net.projections[6].receptor, Receptor::Excitatory);
  const auto& fl = std::get<FromList>(net.projections[7].connector);
  EXPECT_EQ(fl.pre, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(fl.post, (std::vector<uint32_t>{2, 1, 0}));
  EXPECT_EQ(net.projections[7].origin.line, line_of(kComplete, "[[projection]]", 7));

  ASSERT_EQ(net.stimuli.size(), 2u);
  EXPECT_EQ(net.stimuli[0].population, "cond");
  EXPECT_EQ(net.stimuli[0].amplitude_pa, 100.0);
  EXPECT_EQ(net.stimuli[0].start_ms, 10.0);
  EXPECT_EQ(net.stimuli[0].stop_ms, 50.0);
  EXPECT_EQ(net.stimuli[0].neurons, (std::vector<uint32_t>{0, 3}));
  EXPECT_EQ(net.stimuli[0].origin.line, line_of(kComplete, "[[current_step]]", 0));
  EXPECT_EQ(net.stimuli[1].amplitude_pa, -20.5);
  EXPECT_EQ(net.stimuli[1].start_ms, 0.0);
  EXPECT_EQ(net.stimuli[1].stop_ms, CurrentStep{}.stop_ms);
  EXPECT_TRUE(net.stimuli[1].neurons.empty());

  ASSERT_EQ(net.probes.size(), 2u);
  EXPECT_EQ(net.probes[0].population, "curr");
  EXPECT_EQ(net.probes[0].variable, "spikes");
  EXPECT_EQ(net.probes[0].interval_ms, 0.0);
  EXPECT_EQ(net.probes[1].variable, "g_exc");
  EXPECT_EQ(net.probes[1].interval_ms, 0.5);
  EXPECT_EQ(net.probes[1].neurons, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(net.probes[1].origin.line, line_of(kComplete, "[[probe]]", 1));
}

TEST(TomlModel, DefaultsForAnOtherwiseEmptyFile) {
  const Network net =
      parse_network_toml("[[population]]\nname = \"a\"\nsize = 1\nmodel = \"adex\"\n", "dir/my_net.toml");
  EXPECT_EQ(net.name, "my_net");  // file stem
  const SimulationConfig defaults;
  EXPECT_EQ(net.sim.dt_ms, defaults.dt_ms);
  EXPECT_EQ(net.sim.duration_ms, defaults.duration_ms);
  EXPECT_EQ(net.sim.seed, defaults.seed);
  EXPECT_EQ(net.sim.threads, defaults.threads);
  EXPECT_TRUE(std::holds_alternative<AdEx>(net.populations[0].params));
  EXPECT_EQ(std::get<AdEx>(net.populations[0].params).c_m_pf, AdEx{}.c_m_pf);
}

TEST(TomlModel, ReadsFromDiskAndNamesUnreadablePath) {
  const auto dir = test::scratch_dir("toml_model");
  const auto path = dir / "disk.toml";
  std::ofstream(path) << kComplete;
  const Network net = read_network_toml(path);
  EXPECT_EQ(net.populations.size(), 7u);
  EXPECT_EQ(net.populations[0].origin.file, path.string());

  const auto missing = dir / "does_not_exist.toml";
  try {
    read_network_toml(missing);
    ADD_FAILURE() << "no error for a missing file";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(missing.string()));
    EXPECT_THAT(e.what(), HasSubstr("cannot open"));
  }
  try {
    read_network_toml(dir);
    ADD_FAILURE() << "no error for a directory";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(dir.string() + ": is a directory"));
  }
  std::filesystem::remove_all(dir);
}

// ---- errors: each must name net.toml, the line (and column) and the field ----

// Nine lines, so that text appended to it starts on line 10.
const std::string kBase = doc(R"(
[[population]]
name = "exc"
size = 10
model = "lif_curr_exp"

[[population]]
name = "inh"
size = 5
model = "lif_cond_exp"
)");
// A projection whose connector goes on line 13.
const std::string kProj = kBase + "[[projection]]\npre = \"exc\"\npost = \"inh\"\n";
// A complete projection; text appended to it starts on line 14.
const std::string kProjAll = kProj + "connector = \"all_to_all\"\n";

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  return text.replace(text.find(from), from.size(), to);
}
std::string without_line(const std::string& text, const std::string& line) {
  return replaced(text, line + "\n", "");
}

struct ErrorCase {
  std::string name;
  std::string text;
  std::string expected;  // substring of the message
};

std::vector<ErrorCase> error_cases() {
  const std::string three_projections = kBase + doc(R"(
[[projection]]
pre = "exc"
post = "inh"
connector = "all_to_all"
[[projection]]
pre = "inh"
post = "exc"
connector = "all_to_all"
[[projection]]
pre = "exc"
post = "exc"
connector = "all_to_all"
wieght = 2.0
)");
  const std::string spike_source =
      kBase + "[[population]]\nname = \"src\"\nsize = 2\nmodel = \"spike_times\"\n";
  return {
      // TOML syntax
      {"Syntax", kProj + "connector = \"all_to_all\n",
       "net.toml:13:24: TOML syntax error while parsing string"},
      // unknown top-level tables and keys, with suggestions
      {"UnknownTopLevelTable", kBase + "[[populations]]\nname = \"x\"\n",
       "net.toml:10:3: populations: unknown table (did you mean 'population'?)"},
      {"UnknownTopLevelKey", "dt_ms = 0.1\n" + kBase, "net.toml:1:1: dt_ms: unknown field"},
      {"UnknownField", three_projections,
       "net.toml:22:1: projection[2].wieght: unknown field (did you mean 'weight'?)"},
      {"UnknownParam", kBase + "[population.params]\nc_m = 200.0\n",
       "net.toml:11:1: population[1].params.c_m: unknown field (did you mean 'c_m_pf'?)"},
      {"UnknownSimulationField", kBase + "[simulation]\ndt = 0.1\n",
       "net.toml:11:1: simulation.dt: unknown field (did you mean 'dt_ms'?)"},
      {"UnknownConnectorField",
       kProj + "connector = { type = \"fixed_probability\", p = 0.1, allow_slef = true }\n",
       "net.toml:13:52: projection[0].connector.allow_slef: unknown field (did you mean 'allow_self'?)"},
      {"UnknownProbeField", kBase + "[[probe]]\npopulation = \"exc\"\nvariabel = \"v\"\n",
       "net.toml:12:1: probe[0].variabel: unknown field (did you mean 'variable'?)"},
      {"UnknownInitialVariable", kBase + "[population.initial]\ngexc = -1.0\n",
       "net.toml:11:1: population[1].initial.gexc: model lif_cond_exp has no state variable 'gexc' "
       "(did you mean 'g_exc'?)"},
      {"UnknownProbeVariable", kBase + "[[probe]]\npopulation = \"inh\"\nvariable = \"i_exc\"\n",
       "net.toml:12:12: probe[0].variable: population 'inh' (lif_cond_exp) has no variable 'i_exc'"},
      // unknown model, connector type, distribution, receptor
      {"UnknownModel", replaced(kBase, "lif_cond_exp", "lif_cond"),
       "net.toml:9:9: population[1].model: unknown model 'lif_cond' (did you mean 'lif_cond_exp'?)"},
      {"UnknownConnectorString", kProj + "connector = \"one_to_won\"\n",
       "net.toml:13:13: projection[0].connector: unknown connector type 'one_to_won' (did you mean "
       "'one_to_one'?)"},
      {"UnknownConnectorTable", kProj + "connector = { type = \"fixed_prob\", p = 0.1 }\n",
       "net.toml:13:22: projection[0].connector.type: unknown connector type 'fixed_prob'"},
      {"ConnectorStringWithRequiredFields", kProj + "connector = \"fixed_indegree\"\n",
       "net.toml:13:13: projection[0].connector: connector 'fixed_indegree' has required fields"},
      {"UnknownDistribution", kProjAll + "weight = { dist = \"gauss\", mean = 1, sd = 1 }\n",
       "net.toml:14:19: projection[0].weight.dist: unknown distribution 'gauss'"},
      {"UnknownReceptor", kProjAll + "receptor = \"inhibitary\"\n",
       "net.toml:14:12: projection[0].receptor: expected \"excitatory\" or \"inhibitory\", got 'inhibitary' "
       "(did you mean 'inhibitory'?)"},
      // wrong value types
      {"StringForValueSpec", kProjAll + "weight = \"heavy\"\n",
       "net.toml:14:10: projection[0].weight: expected a number, an array of numbers or a table { dist = ... "
       "}, "
       "got a string"},
      {"StringInValueArray", kProjAll + "weight = [1.0, \"x\"]\n",
       "net.toml:14:16: projection[0].weight[1]: expected a number, got a string"},
      {"IntegerForString", kProjAll + "receptor = 1\n",
       "net.toml:14:12: projection[0].receptor: expected a string, got an integer"},
      {"StringForParam", kBase + "[population.params]\nv_th_mv = \"high\"\n",
       "net.toml:11:11: population[1].params.v_th_mv: expected a number, got a string"},
      {"FloatForInteger", kBase + "[simulation]\nthreads = 2.0\n",
       "net.toml:11:11: simulation.threads: expected an integer, got a float"},
      {"TableForArrays", kBase + "[population]\nname = \"x\"\n", "net.toml:10:1: TOML syntax error"},
      {"SingleTableForArray", "[population]\nname = \"x\"\n",
       "net.toml:1:1: population: must be an array of tables: write [[population]]"},
      {"MixedSpikeTimes", spike_source + "params.spike_times_ms = [[1.0], 2.0]\n",
       "net.toml:14:33: population[2].params.spike_times_ms[1]: expected an array, got a float"},
      {"InfiniteParam", kBase + "[population.params]\nv_th_mv = inf\n",
       "net.toml:11:11: population[1].params.v_th_mv: must be a finite number"},
      // sizes
      {"SizeZero", replaced(kBase, "size = 5", "size = 0"),
       "net.toml:8:8: population[1].size: must be a positive integer, got 0"},
      {"SizeNegative", replaced(kBase, "size = 5", "size = -3"),
       "net.toml:8:8: population[1].size: must be a positive integer, got -3"},
      {"SizeFloat", replaced(kBase, "size = 5", "size = 2.5"),
       "net.toml:8:8: population[1].size: expected an integer, got a float"},
      {"SizeString", replaced(kBase, "size = 5", "size = \"5\""),
       "net.toml:8:8: population[1].size: expected an integer, got a string"},
      {"SizeOver32Bits", replaced(kBase, "size = 5", "size = 4294967296"),
       "net.toml:8:8: population[1].size: 4294967296 does not fit in 32 bits"},
      // negative delays, in every form
      {"NegativeDelay", kProjAll + "delay_ms = -0.5\n",
       "net.toml:14:12: projection[0].delay_ms: must not be negative, got -0.5"},
      {"NegativeDelayInArray", kProjAll + "delay_ms = [0.1, -2]\n",
       "net.toml:14:18: projection[0].delay_ms[1]: must not be negative"},
      {"NegativeUniformDelay", kProjAll + "delay_ms = { dist = \"uniform\", low = -1.0, high = 1.0 }\n",
       "net.toml:14:38: projection[0].delay_ms.low: must not be negative"},
      // other ranges
      {"ProbabilityAboveOne", kProj + "connector = { type = \"fixed_probability\", p = 1.5 }\n",
       "net.toml:13:47: projection[0].connector.p: must be in [0, 1], got 1.5"},
      {"FromListLengths", kProj + "connector = { type = \"from_list\", pre = [0, 1], post = [1] }\n",
       "net.toml:13:56: projection[0].connector.post: has 1 entries but pre has 2"},
      {"NegativeSd", kProjAll + "weight = { dist = \"normal\", mean = 1, sd = -1 }\n",
       "net.toml:14:44: projection[0].weight.sd: must not be negative"},
      {"EmptyNeuronList", kBase + "[[probe]]\npopulation = \"exc\"\nneurons = []\n",
       "net.toml:12:11: probe[0].neurons: must not be empty"},
      {"NeuronIndexNegative",
       kBase + "[[current_step]]\npopulation = \"exc\"\namplitude_pa = 1\nneurons = [-1]\n",
       "net.toml:13:12: current_step[0].neurons[0]: must not be negative, got -1"},
      {"InitialArrayLength", kBase + "[population.initial]\nv = [-60.0, -61.0]\n",
       "net.toml:11:5: population[1].initial.v: has 2 values for 5 neurons"},
      {"ZeroDt", kBase + "[simulation]\ndt_ms = 0\n", "net.toml:11:9: simulation.dt_ms: must be positive"},
      // references to populations that do not exist
      {"UnknownPre", replaced(kProjAll, "pre = \"exc\"", "pre = \"exk\""),
       "net.toml:11:7: projection[0].pre: no population named 'exk' (did you mean 'exc'?)"},
      {"UnknownPost", replaced(kProjAll, "post = \"inh\"", "post = \"nope\""),
       "net.toml:12:8: projection[0].post: no population named 'nope'"},
      {"UnknownStimulusTarget", kBase + "[[current_step]]\npopulation = \"inhh\"\namplitude_pa = 1.0\n",
       "net.toml:11:14: current_step[0].population: no population named 'inhh' (did you mean 'inh'?)"},
      {"UnknownProbeTarget", kBase + "[[probe]]\npopulation = \"all\"\n",
       "net.toml:11:14: probe[0].population: no population named 'all'"},
      // missing required fields, reported at the table that lacks them
      {"MissingName", without_line(kBase, "name = \"inh\""),
       "net.toml:6:1: population[1].name: missing required field"},
      {"MissingSize", without_line(kBase, "size = 10"),
       "net.toml:1:1: population[0].size: missing required field"},
      {"MissingModel", without_line(kBase, "model = \"lif_cond_exp\""),
       "net.toml:6:1: population[1].model: missing required field"},
      {"MissingPre", without_line(kProjAll, "pre = \"exc\""),
       "net.toml:10:1: projection[0].pre: missing required field"},
      {"MissingPost", without_line(kProjAll, "post = \"inh\""),
       "net.toml:10:1: projection[0].post: missing required field"},
      {"MissingConnector", kProj, "net.toml:10:1: projection[0].connector: missing required field"},
      {"MissingConnectorField", kProj + "connector = { type = \"fixed_indegree\" }\n",
       "net.toml:13:13: projection[0].connector.n: missing required field"},
      {"MissingSpikeTimes", spike_source, "net.toml:10:1: population[2].params: missing required field"},
      // checks done by validate() after reading name the line of the object's table
      {"ValidateParams", kBase + "[population.params]\nv_reset_mv = -40.0\nv_th_mv = -50.0\n",
       "net.toml:6: population 'inh'.v_reset_mv: must be below v_th_mv"},
      {"ValidateDuplicateName", kBase + "[[population]]\nname = \"exc\"\nsize = 1\nmodel = \"adex\"\n",
       "net.toml:10: population 'exc': is defined twice"},
      {"ValidateOneToOneSizes", kProj + "connector = \"one_to_one\"\n",
       "net.toml:10: projection 'exc->inh'.connector: one_to_one needs equal sizes"},
      {"ValidateThreads", kBase + "[simulation]\nthreads = 1000\n",
       "net.toml: simulation.threads: must be in 1..256"},
      {"ValidateEmpty", "[network]\nname = \"empty\"\n", "net.toml: network: has no populations"},
  };
}

void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.name;
}

class TomlModelError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(TomlModelError, NamesFileLineAndField) {
  EXPECT_THAT(error_of(GetParam().text), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(Cases, TomlModelError, ::testing::ValuesIn(error_cases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& p) { return p.param.name; });

}  // namespace
}  // namespace scx::io
