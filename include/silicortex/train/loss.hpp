#pragma once
// Losses on the output layer: softmax cross-entropy on logits that are the spike counts, or the maximum or
// mean over time of the membrane potential (before reset), times LossSpec::scale.
#include <cstdint>
#include <vector>

#include "silicortex/train/network.hpp"

namespace scx::train {

struct LossResult {
  double loss = 0;  // summed over the chunk's samples (unweighted)
  int correct = 0;  // argmax of the logits equals the label (ties go to the lower class)
};

// Uses the last forward on ws. Writes dL/d(output spikes) and dL/d(output membrane), each multiplied by
// `weight` (1 / batch size, so that chunk gradients add up to the batch mean).
LossResult output_loss(const LossSpec& loss, const Workspace& ws, int classes, const uint8_t* labels,
                       float weight, std::vector<float>& g_spikes, std::vector<float>& g_vpre);

// The logits of sample b of the last forward.
std::vector<double> output_logits(const LossSpec& loss, const Workspace& ws, int classes, int b);

}  // namespace scx::train
