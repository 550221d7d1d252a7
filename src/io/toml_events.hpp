#pragma once
// model = "events": a source population that replays an event-camera recording.
#include "silicortex/model/neuron_models.hpp"
#include "toml_reader.hpp"

namespace scx::io::toml_detail {

// Reads `params` (file, start_ms, duration_ms, time_scale, downsample, polarity) and the recording it names
// (relative to the TOML file), and returns one spike train per pixel and polarity: neuron
// (p * height + y) * width + x, with p = 0 for ON and 1 for OFF (with polarity = "both"), after pooling
// downsample x downsample pixels. The population's size must equal that count.
model::NeuronParams read_events_source(TableReader& population);

}  // namespace scx::io::toml_detail
