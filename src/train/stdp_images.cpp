#include "silicortex/train/stdp_images.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <sstream>

#include "silicortex/core/error.hpp"
#include "silicortex/model/network.hpp"
#include "silicortex/sim/engine.hpp"
#include "train/ops.hpp"

namespace scx::train {
namespace {

constexpr const char* kInputWeights = "input->exc";

// Diehl & Cook's network (their Brian code's parameters). Their membrane equations divide every conductance
// by the leak conductance, so g_l = 1 nS and c_m = tau_m * g_l make the weights the paper's dimensionless
// ones.
model::Network make_network(const StdpImageConfig& c) {
  model::Network net;
  net.name = "diehl-cook";
  net.sim = {c.dt_ms, c.present_ms, c.seed, c.threads};
  model::PoissonSource input;
  input.rate_hz = 0;
  net.add_population("input", c.inputs, input);

  model::LifCondExp exc;
  exc.c_m_pf = 100, exc.g_l_ns = 1;  // tau_m 100 ms
  exc.e_l_mv = -65, exc.v_reset_mv = -65, exc.v_th_mv = -52;
  exc.e_exc_mv = 0, exc.e_inh_mv = -100;
  exc.tau_syn_exc_ms = 1, exc.tau_syn_inh_ms = 2, exc.t_ref_ms = 5;
  net.add_population("exc", c.neurons, exc).adaptive_threshold =
      model::AdaptiveThreshold{c.theta_plus_mv, c.tau_theta_ms};

  model::LifCondExp inh;
  inh.c_m_pf = 10, inh.g_l_ns = 1;  // tau_m 10 ms
  inh.e_l_mv = -60, inh.v_reset_mv = -45, inh.v_th_mv = -40;
  inh.e_exc_mv = 0, inh.e_inh_mv = -85;
  inh.tau_syn_exc_ms = 1, inh.tau_syn_inh_ms = 2, inh.t_ref_ms = 2;
  net.add_population("inh", c.neurons, inh);

  // STDP of their code: at a pre spike w -= nu_pre * post1; at a post spike w += nu_post * pre * post2 (post2
  // read before the spike); nearest-spike traces with 20, 20 and 40 ms. That is triplet STDP with only
  // a2_minus and a3_plus.
  model::TripletStdp stdp;
  stdp.a2_plus = 0, stdp.a3_plus = c.nu_post, stdp.a2_minus = c.nu_pre, stdp.a3_minus = 0;
  stdp.tau_plus_ms = 20, stdp.tau_minus_ms = 20, stdp.tau_x_ms = 20, stdp.tau_y_ms = 40;
  stdp.pairing = model::Pairing::Nearest;
  stdp.w_min = 0, stdp.w_max = 1;
  const model::Constant one_step{c.dt_ms};
  net.connect("input", "exc", model::AllToAll{}, model::Uniform{0, c.w_init_max}, one_step).plasticity = stdp;
  net.connect("exc", "inh", model::OneToOne{}, model::Constant{c.w_exc_inh}, one_step);
  net.connect("inh", "exc", model::AllToAll{false}, model::Constant{c.w_inh_exc}, one_step,
              model::Receptor::Inhibitory);
  net.record("exc");
  return net;
}

// [class][neuron]: the mean over each class's images of what add(image, row) adds into a row of neurons.
template <class AddResponse>
std::vector<double> mean_per_class(const std::vector<int>& labels, uint32_t neurons, int classes,
                                   AddResponse add) {
  std::vector<double> mean(size_t(classes) * neurons, 0.0);
  std::vector<size_t> per_class(classes, 0);
  for (size_t img = 0; img < labels.size(); ++img) {
    ++per_class[labels[img]];
    add(img, mean.data() + size_t(labels[img]) * neurons);
  }
  for (int c = 0; c < classes; ++c)
    for (uint32_t n = 0; n < neurons; ++n)
      if (per_class[c]) mean[size_t(c) * neurons + n] /= double(per_class[c]);
  return mean;
}

// The L2 length of each row of a row-major matrix with `width` columns.
std::vector<double> row_lengths(const std::vector<double>& rows, size_t width) {
  std::vector<double> length(rows.size() / width);
  for (size_t r = 0; r < length.size(); ++r) {
    const auto row = rows.begin() + r * width;
    length[r] = std::sqrt(std::inner_product(row, row + width, row, 0.0));
  }
  return length;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

void check_config(const StdpImageConfig& c) {
  auto require = [](bool ok, const char* field, double value, const char* rule) {
    if (ok) return;
    std::ostringstream shown;
    shown << value;  // 0, -1, 0.5: as the user wrote it
    throw Error(std::string("stdp images: ") + field + " = " + shown.str() + ": must be " + rule);
  };
  auto non_negative = [&](double v, const char* field) {
    require(std::isfinite(v) && v >= 0, field, v, "finite and non-negative");
  };
  require(c.inputs >= 1, "inputs", c.inputs, "at least 1");
  require(c.neurons >= 1, "neurons", c.neurons, "at least 1");
  require(std::isfinite(c.dt_ms) && c.dt_ms > 0, "dt_ms", c.dt_ms, "finite and positive");
  require(std::isfinite(c.present_ms) && c.present_ms >= c.dt_ms, "present_ms", c.present_ms,
          "at least one step (dt_ms)");
  require(c.eval_present_ms == 0 || (std::isfinite(c.eval_present_ms) && c.eval_present_ms >= c.dt_ms),
          "eval_present_ms", c.eval_present_ms, "0 (present_ms) or at least one step");
  non_negative(c.rate_per_intensity_hz, "rate_per_intensity_hz");
  require(std::isfinite(c.intensity) && c.intensity > 0, "intensity", c.intensity, "finite and positive");
  non_negative(c.eval_intensity, "eval_intensity");
  // No higher than the intensity is allowed: each image is then presented once.
  require(std::isfinite(c.max_intensity) && c.max_intensity > 0, "max_intensity", c.max_intensity,
          "finite and positive");
  non_negative(c.input_sum, "input_sum");
  non_negative(c.weight_sum, "weight_sum");
  non_negative(c.w_init_max, "w_init_max");
  non_negative(c.nu_pre, "nu_pre");
  non_negative(c.nu_post, "nu_post");
  non_negative(c.final_rate, "final_rate");
  non_negative(c.theta_plus_mv, "theta_plus_mv");
  require(std::isfinite(c.tau_theta_ms) && c.tau_theta_ms > 0, "tau_theta_ms", c.tau_theta_ms,
          "finite and positive");
  non_negative(c.w_exc_inh, "w_exc_inh");
  non_negative(c.w_inh_exc, "w_inh_exc");
  require(c.threads >= 1, "threads", c.threads, "at least 1");
}

StdpImageNetwork::StdpImageNetwork(const StdpImageConfig& config)
    : config_((check_config(config), config)),
      engine_(std::make_unique<sim::Engine>(make_network(config))),
      rates_(config.inputs, 0.0) {}

StdpImageNetwork::~StdpImageNetwork() = default;

std::vector<uint32_t> StdpImageNetwork::present(std::span<const float> image, bool learn) {
  if (image.size() != config_.inputs)
    throw Error("stdp images: an image of " + std::to_string(image.size()) + " pixels, the network has " +
                std::to_string(config_.inputs) + " inputs");
  sim::Engine& e = *engine_;
  if (learn) e.normalize_weights(kInputWeights, config_.weight_sum);
  e.set_learning(learn);
  double scale = 1;
  if (config_.input_sum > 0) {
    const double sum = std::accumulate(image.begin(), image.end(), 0.0);
    if (sum > 0) scale = config_.input_sum / sum;
  }
  const double first = !learn && config_.eval_intensity > 0 ? config_.eval_intensity : config_.intensity;
  for (double intensity = first;; intensity += 1) {
    for (size_t i = 0; i < image.size(); ++i)
      rates_[i] = image[i] * scale * config_.rate_per_intensity_hz * intensity;
    e.set_rates("input", rates_);
    const sim::RunResult r = e.run();
    e.reset_state();
    ++presentations_;
    std::vector<uint32_t> counts = r.spikes[1].counts();  // populations: input, exc, inh
    const uint64_t total = std::accumulate(counts.begin(), counts.end(), uint64_t{0});
    if (total >= config_.min_spikes || intensity + 1 > config_.max_intensity) return counts;
  }
}

uint64_t StdpImageNetwork::steps() const {
  return uint64_t(engine_->step());
}

void StdpImageNetwork::set_steps(uint64_t steps) {
  engine_->set_step(int64_t(steps));
}

void StdpImageNetwork::set_state(const std::vector<double>& weights, const std::vector<double>& theta_mv) {
  if (weights.size() != size_t(config_.neurons) * config_.inputs || theta_mv.size() != config_.neurons)
    throw Error("stdp images: a saved state of " + std::to_string(theta_mv.size()) + " neurons and " +
                std::to_string(weights.size()) + " weights does not fit a network of " +
                std::to_string(config_.neurons) + " neurons x " + std::to_string(config_.inputs) + " inputs");
  // weights() lists the all-to-all synapses by (pre, post); the state is [post][pre].
  std::vector<double> by_pre(weights.size());
  for (uint32_t n = 0; n < config_.neurons; ++n)
    for (uint32_t i = 0; i < config_.inputs; ++i)
      by_pre[size_t(i) * config_.neurons + n] = weights[size_t(n) * config_.inputs + i];
  engine_->set_weights(kInputWeights, by_pre);
  engine_->set_thresholds("exc", theta_mv);
}

void StdpImageNetwork::equalize_neurons() {
  std::vector<double> w = weights(), theta = thresholds();
  const size_t inputs = config_.inputs;
  const std::vector<double> length = row_lengths(w, inputs);
  const double mean_length = std::accumulate(length.begin(), length.end(), 0.0) / config_.neurons;
  for (uint32_t n = 0; n < config_.neurons; ++n)
    if (length[n] > 0)
      for (size_t i = 0; i < inputs; ++i) w[n * inputs + i] *= mean_length / length[n];
  const double mean_theta = std::accumulate(theta.begin(), theta.end(), 0.0) / config_.neurons;
  set_state(w, std::vector<double>(config_.neurons, mean_theta));
}

void StdpImageNetwork::set_presentation_ms(double ms) {
  engine_->set_duration_ms(ms);
}

void StdpImageNetwork::set_learning_rate(double scale) {
  engine_->set_learning_rate(scale);
}

std::vector<double> StdpImageNetwork::weights() const {
  const sim::ProjectionWeights w = engine_->weights(kInputWeights);
  std::vector<double> out(size_t(config_.neurons) * config_.inputs, 0.0);
  for (size_t k = 0; k < w.weight.size(); ++k)
    out[size_t(w.post[k]) * config_.inputs + w.pre[k]] = w.weight[k];
  return out;
}

std::vector<double> StdpImageNetwork::thresholds() const {
  return engine_->thresholds("exc");
}

std::vector<double> class_rates(const std::vector<uint32_t>& responses, const std::vector<int>& labels,
                                uint32_t neurons, int classes) {
  SCX_ASSERT(responses.size() == labels.size() * neurons);
  return mean_per_class(labels, neurons, classes, [&](size_t img, double* row) {
    for (uint32_t n = 0; n < neurons; ++n) row[n] += responses[img * neurons + n];
  });
}

std::vector<int> assign_labels(const std::vector<uint32_t>& responses, const std::vector<int>& labels,
                               uint32_t neurons, int classes) {
  return best_classes(class_rates(responses, labels, neurons, classes), neurons, classes);
}

std::vector<int> best_classes(const std::vector<double>& mean, uint32_t neurons, int classes) {
  std::vector<int> out(neurons, -1);
  for (uint32_t n = 0; n < neurons; ++n) {
    double best = 0;
    for (int c = 0; c < classes; ++c)
      if (mean[size_t(c) * neurons + n] > best) best = mean[size_t(c) * neurons + n], out[n] = c;
  }
  return out;
}

int classify_weighted(std::span<const uint32_t> counts, const std::vector<double>& rates, int classes) {
  const size_t neurons = counts.size();
  std::vector<double> score(size_t(classes), 0.0);
  for (size_t n = 0; n < neurons; ++n) {
    if (counts[n] == 0) continue;
    double total = 0;
    for (int c = 0; c < classes; ++c) total += rates[size_t(c) * neurons + n];
    if (total == 0) continue;
    for (int c = 0; c < classes; ++c) score[size_t(c)] += counts[n] * rates[size_t(c) * neurons + n] / total;
  }
  int best = -1;
  double best_score = 0;
  for (int c = 0; c < classes; ++c)
    if (score[size_t(c)] > best_score) best_score = score[size_t(c)], best = c;
  return best;
}

std::vector<uint32_t> nearest_prototypes(const std::vector<double>& weights, const ImageSet& images) {
  const size_t inputs = images.pixels_per_image();
  SCX_ASSERT(inputs > 0 && weights.size() % inputs == 0);
  const size_t neurons = weights.size() / inputs;
  // Unit-length prototypes in float: the cosines of a block of images are then one GEMM (a neuron without
  // weights keeps a zero row and loses to any that has some).
  std::vector<float> unit(weights.size(), 0.0f);
  const std::vector<double> length = row_lengths(weights, inputs);
  for (size_t n = 0; n < neurons; ++n) {
    const double inv = length[n] > 0 ? 1 / length[n] : 0;
    for (size_t i = 0; i < inputs; ++i)
      unit[n * inputs + i] = static_cast<float>(weights[n * inputs + i] * inv);
  }
  constexpr size_t kBlock = 256;
  std::vector<float> cosine(kBlock * neurons);
  std::vector<uint32_t> out(images.count(), 0);
  for (size_t first = 0; first < images.count(); first += kBlock) {
    const size_t rows = std::min(kBlock, images.count() - first);
    ops::gemm(false, true, int(rows), int(neurons), int(inputs), 1.0f, images.image(first).data(),
              unit.data(), 0.0f, cosine.data());
    for (size_t r = 0; r < rows; ++r) {
      const float* row = cosine.data() + r * neurons;
      out[first + r] = static_cast<uint32_t>(std::max_element(row, row + neurons) - row);
    }
  }
  return out;
}

int classify_top(std::span<const uint32_t> counts, const std::vector<int>& assignment) {
  SCX_ASSERT(counts.size() == assignment.size());
  const auto top = std::max_element(counts.begin(), counts.end());
  return top == counts.end() || *top == 0 ? -1 : assignment[size_t(top - counts.begin())];
}

int classify(std::span<const uint32_t> counts, const std::vector<int>& assignment, int classes) {
  std::vector<double> sum(classes, 0.0);
  std::vector<size_t> members(classes, 0);
  for (size_t n = 0; n < counts.size(); ++n)
    if (assignment[n] >= 0) sum[assignment[n]] += counts[n], ++members[assignment[n]];
  int best = -1;
  double best_mean = 0;
  for (int c = 0; c < classes; ++c) {
    const double mean = members[c] ? sum[c] / double(members[c]) : 0.0;
    if (mean > best_mean) best_mean = mean, best = c;
  }
  return best;
}

StdpImageReport train_and_test(const StdpImageConfig& config, const ImageSet& train,
                               const ImageSet& label_set, const ImageSet& test, const StdpSchedule& schedule,
                               const StdpProgress& progress) {
  for (const ImageSet* s : {&train, &label_set, &test})
    if (s->count() > 0 && s->pixels_per_image() != config.inputs)
      throw Error("stdp images: images have " + std::to_string(s->pixels_per_image()) +
                  " pixels, the network " + std::to_string(config.inputs) + " inputs");
  int classes = 0;
  for (const ImageSet* s : {&train, &label_set, &test})
    for (int l : s->labels) classes = std::max(classes, l + 1);
  auto report = [&](const char* phase, size_t done, size_t total) {
    if (progress) progress(phase, done, total);
  };

  StdpImageNetwork net(config);
  if (!schedule.start_weights.empty()) net.set_state(schedule.start_weights, schedule.start_theta_mv);
  if (schedule.start_steps > 0) net.set_steps(schedule.start_steps);
  StdpImageReport rep;
  auto t0 = std::chrono::steady_clock::now();
  const size_t train_total = train.count() * schedule.epochs;
  for (unsigned ep = 0; ep < schedule.epochs; ++ep) {
    for (size_t i = 0; i < train.count(); ++i) {
      if (config.final_rate != 1)
        net.set_learning_rate(1 - (1 - config.final_rate) * double(rep.trained) / double(train_total));
      net.present(train.image(i), true);
      report("train", ++rep.trained, train_total);
    }
    if (schedule.after_epoch) schedule.after_epoch(ep + 1, net);
  }
  rep.train_wall_s = seconds_since(t0);
  rep.weights = net.weights();  // as learned, whatever the read-out does to them
  rep.theta = net.thresholds();
  if (config.eval_present_ms > 0) net.set_presentation_ms(config.eval_present_ms);
  if (config.eval_equalize) net.equalize_neurons();

  t0 = std::chrono::steady_clock::now();
  std::vector<uint32_t> responses;
  responses.reserve(label_set.count() * config.neurons);
  for (size_t i = 0; i < label_set.count(); ++i) {
    const auto counts = net.present(label_set.image(i), false);
    responses.insert(responses.end(), counts.begin(), counts.end());
    report("label", ++rep.labelled, label_set.count());
  }
  const std::vector<double> rates = class_rates(responses, label_set.labels, config.neurons, classes);
  rep.assignment = best_classes(rates, config.neurons, classes);
  rep.label_wall_s = seconds_since(t0);

  t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < test.count(); ++i) {
    const auto counts = net.present(test.image(i), false);
    rep.correct += classify(counts, rep.assignment, classes) == test.labels[i];
    rep.correct_weighted += classify_weighted(counts, rates, classes) == test.labels[i];
    rep.correct_top += classify_top(counts, rep.assignment) == test.labels[i];
    report("test", ++rep.tested, test.count());
  }
  rep.test_wall_s = seconds_since(t0);
  rep.presentations = net.presentations();

  // The weights as prototypes, labelled as the neurons are, by one-hot responses (added without building
  // images x neurons of them: 384 MB for 60,000 labelling images and 1,600 neurons).
  const std::vector<uint32_t> label_nearest = nearest_prototypes(rep.weights, label_set);
  const std::vector<int> prototype_class =
      best_classes(mean_per_class(label_set.labels, config.neurons, classes,
                                  [&](size_t img, double* row) { row[label_nearest[img]] += 1; }),
                   config.neurons, classes);
  const std::vector<uint32_t> test_nearest = nearest_prototypes(rep.weights, test);
  for (size_t i = 0; i < test.count(); ++i)
    rep.correct_prototype += prototype_class[test_nearest[i]] == test.labels[i];
  return rep;
}

}  // namespace scx::train
