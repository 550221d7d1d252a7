#pragma once
// The logical network: what the user means, before anything is lowered to arrays. Populations, projections,
// stimuli and probes refer to each other by name. The same structure is built by the C++ API and by the TOML
// reader (io/toml_model.hpp); validate() checks it once and names the offending object.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "silicortex/model/neuron_models.hpp"
#include "silicortex/model/plasticity.hpp"

namespace scx::model {

// Where a description came from, so errors can name it (file:line). Empty for networks built in C++.
struct Origin {
  std::string file;
  int line = 0;
};

// A per-neuron or per-synapse value: a constant, a distribution, or an explicit array.
struct Constant {
  double value = 0;
};
struct Uniform {
  double low = 0, high = 1;
};
struct Normal {
  double mean = 0, sd = 1;
};
struct ValueArray {
  std::vector<double> values;
};
using ValueSpec = std::variant<Constant, Uniform, Normal, ValueArray>;

// Initial value of a state variable, e.g. v = uniform(-60, -50).
struct InitialValue {
  std::string variable;  // "v", "u", "w", "g_exc", ...
  ValueSpec value;
};

struct Population {
  std::string name;
  uint32_t size = 0;
  NeuronParams params;
  std::vector<InitialValue> initial;                    // unspecified variables start at rest
  std::optional<AdaptiveThreshold> adaptive_threshold;  // LIF models only; adds the state variable "theta"
  Origin origin;
};

// Connectors decide which (pre, post) pairs get a synapse.
struct AllToAll {
  bool allow_self = true;
};
struct OneToOne {};
struct FixedProbability {
  double p = 0.1;
  bool allow_self = true;
};
struct FixedInDegree {
  uint32_t n = 1;
  bool allow_self = true;
};  // each post neuron draws n pre neurons
struct FixedOutDegree {
  uint32_t n = 1;
  bool allow_self = true;
};  // each pre neuron draws n post neurons
struct FromList {
  std::vector<uint32_t> pre, post;
};  // explicit pairs, same length
using Connector = std::variant<AllToAll, OneToOne, FixedProbability, FixedInDegree, FixedOutDegree, FromList>;

enum class Receptor { Excitatory, Inhibitory };

struct Projection {
  std::string name;  // defaults to "pre->post"
  std::string pre, post;
  Connector connector;
  ValueSpec weight = Constant{1.0};    // units of the post model: pA (curr), nS (cond), mV (izhikevich)
  ValueSpec delay_ms = Constant{0.1};  // rounded to whole steps; at least one step
  Receptor receptor = Receptor::Excitatory;
  std::optional<PlasticityRule> plasticity;  // empty = static synapses
  Origin origin;
};

// A current step injected into (a subset of) a population for [start_ms, stop_ms).
struct CurrentStep {
  std::string population;
  double amplitude_pa = 0;
  double start_ms = 0, stop_ms = 1e300;
  std::vector<uint32_t> neurons;  // empty = all
  Origin origin;
};

// What to record. variable "spikes" records spike times; any state variable name records a sampled trace.
struct Probe {
  std::string population;
  std::string variable = "spikes";
  double interval_ms = 0;         // 0 = every step (state probes only)
  std::vector<uint32_t> neurons;  // empty = all
  Origin origin;
};

struct SimulationConfig {
  double dt_ms = 0.1;
  double duration_ms = 1000.0;
  uint64_t seed = 1;
  unsigned threads = 1;
};

struct Network {
  std::string name = "network";
  std::vector<Population> populations;
  std::vector<Projection> projections;
  std::vector<CurrentStep> stimuli;
  std::vector<Probe> probes;
  SimulationConfig sim;

  // Builder API for C++ users; returns references that stay valid until the next add.
  Population& add_population(std::string pop_name, uint32_t size, NeuronParams params);
  Projection& connect(std::string pre, std::string post, Connector connector, ValueSpec weight,
                      ValueSpec delay_ms = Constant{0.1}, Receptor receptor = Receptor::Excitatory);
  Probe& record(std::string population, std::string variable = "spikes");

  const Population* find_population(const std::string& pop_name) const;
  uint64_t neuron_count() const;
};

// Checks every object once; throws scx::Error naming file:line (when known) and the object and field.
void validate(const Network& net);

// Names of the state variables each model exposes to probes and initial values.
std::vector<std::string> state_variables(const NeuronParams& p);
// The same plus "theta" for a population with an adaptive threshold (recordable, not initialisable).
std::vector<std::string> state_variables(const Population& pop);

}  // namespace scx::model
