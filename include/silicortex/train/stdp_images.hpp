#pragma once
// Unsupervised image learning with STDP (Diehl & Cook 2015, "Unsupervised learning of digit recognition using
// spike-timing-dependent plasticity"): Poisson-rate input, an excitatory layer of conductance-based LIF
// neurons with adaptive thresholds, a 1:1 inhibitory layer that inhibits every other excitatory neuron, and
// STDP on the input weights with per-neuron weight normalisation. Neurons are labelled by the class they
// answer most on training images (learning frozen); an image is classified by the class whose neurons answer
// most. One long-lived sim::Engine presents every image (set_rates, run, reset_state), see
// docs/learning-apps.md.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace scx::sim {
class Engine;
}

namespace scx::train {

// Images with pixel values in [0, 1], row-major, and a class per image.
struct ImageSet {
  uint32_t rows = 0, cols = 0;
  std::vector<float> pixels;  // count() x rows x cols
  std::vector<int> labels;
  size_t pixels_per_image() const { return size_t(rows) * cols; }
  size_t count() const { return labels.size(); }
  std::span<const float> image(size_t i) const {
    return {pixels.data() + i * pixels_per_image(), pixels_per_image()};
  }
};

struct StdpImageConfig {
  uint32_t inputs = 784;
  uint32_t neurons = 100;
  double dt_ms = 0.5;
  double present_ms = 350;     // one presentation; the 150 ms rest is replaced by Engine::reset_state
  double eval_present_ms = 0;  // a presentation while labelling and testing (0: present_ms)
  double rate_per_intensity_hz = 255.0 / 8;  // a pixel of 1.0 fires at this times the intensity
  double intensity = 2;                      // Diehl & Cook: pixel/4 Hz for 0..255 pixels
  double eval_intensity = 0;                 // the first intensity while labelling and testing (0: intensity)
  bool eval_equalize = false;                // StdpImageNetwork::equalize_neurons before labelling
  double max_intensity = 16;                 // give up raising the intensity beyond this
  double input_sum = 0;     // > 0: each image scaled so its pixels sum to this before the rates (0: as given)
  uint32_t min_spikes = 5;  // fewer excitatory spikes: present again, intensity + 1
  double weight_sum = 78;   // per excitatory neuron, restored before every image (0.1 per MNIST pixel)
  double w_init_max = 0.3;  // initial input weights uniform in [0, w_init_max]
  double nu_pre = 1e-4, nu_post = 1e-2;  // STDP: depression at pre spikes, potentiation at post spikes
  // Both rates fall linearly from nu to final_rate * nu over the training images (1: constant, the paper's).
  double final_rate = 1;
  double theta_plus_mv = 0.05, tau_theta_ms = 1e7;
  double w_exc_inh = 10.4, w_inh_exc = 17.0;
  unsigned threads = 1;
  uint64_t seed = 1;
};

// Throws scx::Error naming the first field out of range (sizes of at least 1, a positive step, non-negative
// rates, weights and intensities, at least one thread).
void check_config(const StdpImageConfig& config);

class StdpImageNetwork {
 public:
  explicit StdpImageNetwork(const StdpImageConfig& config);  // check_config first
  ~StdpImageNetwork();

  // Presents one image (config.inputs values in [0, 1]; another size throws) until the excitatory layer fires
  // at least min_spikes (raising the intensity) and returns the spike count of each excitatory neuron in the
  // last presentation.
  // With `learn`, STDP and the thresholds adapt; weights are normalised before the image.
  std::vector<uint32_t> present(std::span<const float> image, bool learn);

  // Starts from saved weights ([neuron][input]) and thresholds; throws for wrong sizes.
  void set_state(const std::vector<double>& weights, const std::vector<double>& theta_mv);
  // Readies a learned network for a read-out by neurons on equal terms: every neuron's input weights scaled
  // to one length (the mean L2 norm) and every threshold set to the mean. The neuron driven hardest is then
  // the one whose weights point most nearly the image's way (the cosine of nearest_prototypes), not the one
  // whose threshold training happened to leave lowest; learning should stay off afterwards.
  void equalize_neurons();
  // The length of every presentation from the next one on.
  void set_presentation_ms(double ms);
  // Multiplies the STDP rates (sim::Engine::set_learning_rate) from the next presentation on.
  void set_learning_rate(double scale);
  std::vector<double> weights() const;     // [neuron][input]
  std::vector<double> thresholds() const;  // theta (mV) per excitatory neuron
  const StdpImageConfig& config() const { return config_; }
  uint64_t presentations() const { return presentations_; }
  // The simulation clock (sim::Engine::step): saved with the weights, it lets a resumed run draw the same
  // Poisson input as an uninterrupted one.
  uint64_t steps() const;
  void set_steps(uint64_t steps);

 private:
  StdpImageConfig config_;
  std::unique_ptr<sim::Engine> engine_;
  std::vector<double> rates_;
  uint64_t presentations_ = 0;
};

// Class per neuron: the class with the highest mean response (responses [image][neuron]); -1 for neurons that
// never fired.
std::vector<int> assign_labels(const std::vector<uint32_t>& responses, const std::vector<int>& labels,
                               uint32_t neurons, int classes);
// The class whose assigned neurons have the highest mean spike count; -1 if none fired.
int classify(std::span<const uint32_t> counts, const std::vector<int>& assignment, int classes);

// Mean response of each neuron to each class on the labelling images: [class][neuron].
std::vector<double> class_rates(const std::vector<uint32_t>& responses, const std::vector<int>& labels,
                                uint32_t neurons, int classes);
// assign_labels from class_rates' result.
std::vector<int> best_classes(const std::vector<double>& rates, uint32_t neurons, int classes);
// Every neuron votes for every class with its spikes times the share of its labelling response that class
// drew (rates[c][n] / sum over classes): the graded form of the paper's vote, still labels from responses
// only (no trained read-out). -1 if no neuron that fired has a response on record.
int classify_weighted(std::span<const uint32_t> counts, const std::vector<double>& rates, int classes);

// The label of the neuron that fired most (the first of equals); -1 if none fired or it has no label. The
// spiking counterpart of the prototype read-out: the winner of the competition names the class.
int classify_top(std::span<const uint32_t> counts, const std::vector<int>& assignment);

// For each image, the neuron whose input weights point most nearly its way (largest cosine): the learned
// weights read as prototypes, with no spikes. weights is [neuron][input].
std::vector<uint32_t> nearest_prototypes(const std::vector<double>& weights, const ImageSet& images);

struct StdpImageReport {
  size_t trained = 0, labelled = 0, tested = 0, correct = 0;
  size_t correct_weighted = 0;  // by classify_weighted
  size_t correct_top = 0;       // by classify_top
  // The weights alone as a nearest-prototype classifier (nearest_prototypes, each prototype labelled by the
  // labelling images nearest it): separates what learning found from the noise of reading it out by spikes.
  size_t correct_prototype = 0;
  double accuracy() const { return tested ? double(correct) / double(tested) : 0.0; }
  double accuracy_weighted() const { return tested ? double(correct_weighted) / double(tested) : 0.0; }
  double accuracy_top() const { return tested ? double(correct_top) / double(tested) : 0.0; }
  double accuracy_prototype() const { return tested ? double(correct_prototype) / double(tested) : 0.0; }
  double train_wall_s = 0, label_wall_s = 0, test_wall_s = 0;
  uint64_t presentations = 0;  // including repeats at a higher intensity
  std::vector<int> assignment;
  std::vector<double> weights, theta;
};

// Where training starts and what happens after each epoch.
struct StdpSchedule {
  unsigned epochs = 1;
  // Saved state to start from (StdpImageNetwork::set_state); empty: random weights, thresholds 0.
  std::vector<double> start_weights, start_theta_mv;
  uint64_t start_steps = 0;  // the saved clock (StdpImageNetwork::steps); 0: from the start
  // Called after every training epoch (1-based), e.g. to save the state.
  std::function<void(unsigned, const StdpImageNetwork&)> after_epoch;
};

// Progress: (phase "train" / "label" / "test", images done, images in the phase).
using StdpProgress = std::function<void(const char*, size_t, size_t)>;

// Trains for schedule.epochs passes over `train`, labels neurons on `label_set` and classifies `test`, all
// with pixels in the order given.
StdpImageReport train_and_test(const StdpImageConfig& config, const ImageSet& train,
                               const ImageSet& label_set, const ImageSet& test, const StdpSchedule& schedule,
                               const StdpProgress& progress = {});

}  // namespace scx::train
