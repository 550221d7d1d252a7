#pragma once
// The `model` and `[population.params]` of a population: parameter names are the C++ field names of
// neuron_models.hpp, and any subset may be given; the rest keep the struct's defaults.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "silicortex/model/neuron_models.hpp"
#include "toml_reader.hpp"

namespace scx::io::toml_detail {

// Model names accepted in files ("lif_curr_exp", ...), in documentation order.
std::vector<std::string> model_names();

// Reads `params` (and, for spike_times, its required spike_times_ms) of the population table for the model
// named by the `model` field.
model::NeuronParams read_neuron_params(const Field& model, TableReader& population);

// (name, default) of every numeric parameter of a model; empty for spike_times. Used to check the docs.
std::vector<std::pair<std::string, double>> parameter_defaults(std::string_view model);

}  // namespace scx::io::toml_detail
