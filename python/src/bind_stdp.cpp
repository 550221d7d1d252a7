// Unsupervised STDP image learning in Python (Diehl & Cook 2015; docs/learning-apps.md): the network that
// `silicortex app stdp-images` trains, image by image or over whole sets, and the read-outs that label its
// neurons and classify by their spikes. The same library as the CLI.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <sstream>

#include "bindings.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/train/stdp_images.hpp"

namespace scx::py_bind {
namespace {

using train::ImageSet;
using train::StdpImageConfig;
using train::StdpImageNetwork;

std::string shown(double v) {  // 256, 1.5: as numpy would print them
  std::ostringstream out;
  out << v;
  return out.str();
}

// Pixels as the network takes them, in [0, 1]: integer arrays are 0..255 and divided by 255 (as the CLI reads
// IDX files), float arrays must already lie in [0, 1].
std::vector<float> unit_pixels(const py::array& a, const char* what) {
  const char kind = a.dtype().kind();
  if (kind != 'u' && kind != 'i' && kind != 'f')
    throw Error(std::string(what) + ": expected a numeric array, not " +
                py::cast<std::string>(py::str(a.dtype())));
  const auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a);
  const double scale = kind == 'f' ? 1.0 : 1.0 / 255;
  const double hi = kind == 'f' ? 1.0 : 255.0;
  std::vector<float> out(size_t(values.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const double v = values.data()[i];
    if (!(v >= 0 && v <= hi))
      throw Error(std::string(what) + "[" + std::to_string(i) + "] = " + shown(v) + " is outside 0.." +
                  (kind == 'f' ? "1 (float pixels)" : "255 (integer pixels)"));
    out[i] = float(v * scale);
  }
  return out;
}

// Images [N, pixels] or [N, rows, cols] and one label per image.
ImageSet image_set(const py::object& images_in, const py::object& labels_in, const char* what) {
  const py::object asarray = py::module_::import("numpy").attr("asarray");
  const auto images = asarray(images_in).cast<py::array>();
  const auto labels = numeric_array<int64_t>(labels_in, std::string(what) + ": labels");
  ImageSet s;
  if (images.ndim() == 3)
    s.rows = uint32_t(images.shape(1)), s.cols = uint32_t(images.shape(2));
  else if (images.ndim() == 2)
    s.rows = 1, s.cols = uint32_t(images.shape(1));
  else
    throw Error(std::string(what) + ": images must be [N, pixels] or [N, rows, cols]");
  if (labels.ndim() != 1 || labels.shape(0) != images.shape(0))
    throw Error(std::string(what) + ": labels must be one-dimensional, one per image (" +
                std::to_string(images.shape(0)) + " images)");
  s.pixels = unit_pixels(images, what);
  for (size_t i = 0; i < size_t(labels.size()); ++i) {
    const int64_t y = labels.data()[i];
    if (y < 0 || y > 1000)
      throw Error(std::string(what) + ": label[" + std::to_string(i) + "] = " + std::to_string(y) +
                  " is outside 0..1000");
    s.labels.push_back(int(y));
  }
  return s;
}

// Spike counts [images, neurons] from numpy, checked against the neuron count.
std::vector<uint32_t> counts_of(const py::object& in, uint32_t neurons, size_t rows, const char* what) {
  const auto a = numeric_array<int64_t>(in, std::string(what) + ": spike counts");
  if (size_t(a.size()) != rows * neurons)
    throw Error(std::string(what) + ": expected " + std::to_string(rows) + " x " + std::to_string(neurons) +
                " spike counts, got " + std::to_string(a.size()));
  std::vector<uint32_t> out(size_t(a.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    if (a.data()[i] < 0) throw Error(std::string(what) + ": spike counts cannot be negative");
    out[i] = uint32_t(a.data()[i]);
  }
  return out;
}

py::array_t<double> matrix(std::vector<double> v, size_t rows, size_t cols) {
  return owned(std::move(v)).attr("reshape")(rows, cols).cast<py::array_t<double>>();
}

void bind_network(py::module_& m) {
  py::class_<StdpImageNetwork>(
      m, "StdpImageNetwork",
      "Diehl & Cook's network: Poisson input, adaptive-threshold excitatory layer, 1:1 "
      "inhibition of every other neuron, STDP on the input weights")
      .def(py::init<const StdpImageConfig&>(), py::arg("config"))
      .def(
          "present",
          [](StdpImageNetwork& n, const py::object& image, bool learn) {
            const std::vector<float> px =
                unit_pixels(py::module_::import("numpy").attr("asarray")(image).cast<py::array>(), "image");
            std::vector<uint32_t> counts;
            {
              py::gil_scoped_release unlocked;
              counts = n.present(std::span<const float>(px), learn);
            }
            return owned(std::move(counts));
          },
          py::arg("image"), py::arg("learn") = false,
          "Presents one image (its pixels in any shape: floats in [0, 1] or integers 0..255) until the "
          "excitatory layer fires min_spikes, raising the intensity; returns each excitatory neuron's spike "
          "count. With learn=True the weights are normalised first and STDP and the thresholds adapt")
      .def_property_readonly("config", &StdpImageNetwork::config, py::return_value_policy::copy)
      .def_property_readonly(
          "weights",
          [](const StdpImageNetwork& n) {
            return matrix(n.weights(), n.config().neurons, n.config().inputs);
          },
          "Input weights [neuron, input] (a copy)")
      .def_property_readonly(
          "thresholds", [](const StdpImageNetwork& n) { return owned(n.thresholds()); },
          "Adaptive threshold theta (mV) per excitatory neuron (a copy)")
      .def(
          "set_state",
          [](StdpImageNetwork& n, const py::object& weights, const std::vector<double>& theta_mv) {
            const auto w = numeric_array<double>(weights, "set_state: weights");
            n.set_state(std::vector<double>(w.data(), w.data() + w.size()), theta_mv);
          },
          py::arg("weights"), py::arg("thresholds"),
          "Starts from saved weights [neuron, input] and thresholds (mV)")
      .def("equalize_neurons", &StdpImageNetwork::equalize_neurons,
           "Every neuron's weights scaled to the mean length and every threshold set to the mean, so the "
           "neuron whose weights point most nearly the image's way answers most (keep learning off after)")
      .def("set_presentation_ms", &StdpImageNetwork::set_presentation_ms, py::arg("ms"))
      .def("set_learning_rate", &StdpImageNetwork::set_learning_rate, py::arg("scale"),
           "Multiplies the STDP rates from the next presentation on")
      .def_property_readonly("presentations", &StdpImageNetwork::presentations,
                             "Presentations so far, repeats at a higher intensity included")
      .def_property("steps", &StdpImageNetwork::steps, &StdpImageNetwork::set_steps,
                    "The simulation clock: restoring it with the weights lets a resumed run draw the same "
                    "Poisson input as an uninterrupted one");
}

void bind_readouts(py::module_& m) {
  m.def(
      "stdp_class_rates",
      [](const py::object& responses, const std::vector<int>& labels, uint32_t neurons, int classes) {
        if (classes < 1) throw Error("stdp_class_rates: classes must be at least 1");
        for (int y : labels)
          if (y < 0 || y >= classes) throw Error("stdp_class_rates: a label outside 0..classes-1");
        const auto r = counts_of(responses, neurons, labels.size(), "stdp_class_rates");
        return matrix(train::class_rates(r, labels, neurons, classes), size_t(classes), neurons);
      },
      py::arg("responses"), py::arg("labels"), py::arg("neurons"), py::arg("classes"),
      "Mean spike count of each neuron per class on labelling images: responses [images, neurons] -> "
      "[classes, neurons]");
  m.def(
      "stdp_assign_labels",
      [](const py::object& rates, uint32_t neurons, int classes) {
        const auto a = numeric_array<double>(rates, "stdp_assign_labels: rates");
        if (classes < 1 || size_t(a.size()) != size_t(classes) * neurons)
          throw Error("stdp_assign_labels: expected rates of shape [classes, neurons]");
        return owned(
            train::best_classes(std::vector<double>(a.data(), a.data() + a.size()), neurons, classes));
      },
      py::arg("rates"), py::arg("neurons"), py::arg("classes"),
      "Each neuron's class: the one it answered most (-1: it never fired)");
  m.def(
      "stdp_classify",
      [](const py::object& counts, const std::vector<int>& assignment, int classes) {
        const auto c = counts_of(counts, uint32_t(assignment.size()), 1, "stdp_classify");
        return train::classify(c, assignment, classes);
      },
      py::arg("counts"), py::arg("assignment"), py::arg("classes"),
      "The paper's vote: the class whose neurons fired most on average (-1 if none fired)");
  m.def(
      "stdp_classify_weighted",
      [](const py::object& counts, const py::object& rates, int classes) {
        const auto r = numeric_array<double>(rates, "stdp_classify_weighted: rates");
        if (classes < 1 || r.size() % classes != 0)
          throw Error("stdp_classify_weighted: expected rates of shape [classes, neurons]");
        const uint32_t neurons = uint32_t(r.size() / classes);
        const auto c = counts_of(counts, neurons, 1, "stdp_classify_weighted");
        return train::classify_weighted(c, std::vector<double>(r.data(), r.data() + r.size()), classes);
      },
      py::arg("counts"), py::arg("rates"), py::arg("classes"),
      "Every neuron votes for every class with its spikes times that class's share of its labelling "
      "response");
  m.def(
      "stdp_nearest_prototypes",
      [](const py::object& weights, const py::object& images) {
        const auto w = numeric_array<double>(weights, "stdp_nearest_prototypes: weights");
        if (w.ndim() != 2) throw Error("stdp_nearest_prototypes: weights must be [neurons, inputs]");
        const py::array im = py::module_::import("numpy").attr("asarray")(images).cast<py::array>();
        const ImageSet s = image_set(im, py::module_::import("numpy").attr("zeros")(im.shape(0), "int64"),
                                     "stdp_nearest_prototypes");
        if (s.pixels_per_image() != size_t(w.shape(1)))
          throw Error("stdp_nearest_prototypes: images of " + std::to_string(s.pixels_per_image()) +
                      " pixels, weights of " + std::to_string(w.shape(1)) + " inputs");
        return owned(train::nearest_prototypes(std::vector<double>(w.data(), w.data() + w.size()), s));
      },
      py::arg("weights"), py::arg("images"),
      "For each image, the neuron whose weights point most nearly its way (largest cosine): no spikes");
}

void bind_train_and_test(py::module_& m) {
  py::class_<train::StdpImageReport>(m, "StdpImageReport", "What stdp_train_and_test measured")
      .def_readonly("trained", &train::StdpImageReport::trained)
      .def_readonly("labelled", &train::StdpImageReport::labelled)
      .def_readonly("tested", &train::StdpImageReport::tested)
      .def_readonly("presentations", &train::StdpImageReport::presentations)
      .def_property_readonly("accuracy", &train::StdpImageReport::accuracy, "The paper's vote")
      .def_property_readonly("accuracy_weighted", &train::StdpImageReport::accuracy_weighted)
      .def_property_readonly("accuracy_top", &train::StdpImageReport::accuracy_top,
                             "The neuron that fired most")
      .def_property_readonly("accuracy_prototype", &train::StdpImageReport::accuracy_prototype,
                             "The learned weights as nearest prototypes (no spikes)")
      .def_readonly("train_wall_s", &train::StdpImageReport::train_wall_s)
      .def_readonly("label_wall_s", &train::StdpImageReport::label_wall_s)
      .def_readonly("test_wall_s", &train::StdpImageReport::test_wall_s)
      .def_property_readonly(
          "assignment", [](const train::StdpImageReport& r) { return owned(std::vector<int>(r.assignment)); })
      .def_property_readonly("weights",
                             [](const train::StdpImageReport& r) {
                               const size_t neurons = r.theta.size();
                               return matrix(r.weights, neurons, neurons ? r.weights.size() / neurons : 0);
                             })
      .def_property_readonly(
          "thresholds", [](const train::StdpImageReport& r) { return owned(std::vector<double>(r.theta)); })
      .def("__repr__", [](const train::StdpImageReport& r) {
        return "StdpImageReport(trained=" + std::to_string(r.trained) +
               ", tested=" + std::to_string(r.tested) + ", accuracy=" + std::to_string(r.accuracy()) + ")";
      });
  m.def(
      "stdp_train_and_test",
      [](const StdpImageConfig& config, const py::object& train_images, const py::object& train_labels,
         const py::object& label_images, const py::object& label_labels, const py::object& test_images,
         const py::object& test_labels, unsigned epochs, const py::object& progress) {
        const ImageSet tr = image_set(train_images, train_labels, "train"),
                       lb = image_set(label_images, label_labels, "label"),
                       te = image_set(test_images, test_labels, "test");
        if (epochs < 1) throw Error("stdp_train_and_test: epochs must be at least 1");
        train::StdpSchedule schedule;
        schedule.epochs = epochs;
        // Progress runs on this thread between presentations: an exception in it (Ctrl-C included) stops
        // the run there and is raised.
        struct Stop {};
        GuardedCallback call(progress);
        train::StdpImageReport report;
        try {
          py::gil_scoped_release unlocked;
          report = train::train_and_test(config, tr, lb, te, schedule,
                                         [&](const char* phase, size_t done, size_t total) {
                                           call(std::string(phase), done, total);
                                           if (call.failed()) throw Stop{};
                                         });
        } catch (const Stop&) {
        }
        call.rethrow_if_failed();
        return report;
      },
      py::arg("config"), py::arg("train_images"), py::arg("train_labels"), py::arg("label_images"),
      py::arg("label_labels"), py::arg("test_images"), py::arg("test_labels"), py::arg("epochs") = 1,
      py::arg("progress") = py::none(),
      "Trains on the training images (epochs passes, in order), labels the neurons on the labelling images "
      "and "
      "classifies the test images, as `silicortex app stdp-images`; progress(phase, done, total) with phase "
      "'train', 'label' or 'test'");
}

}  // namespace

void bind_stdp(py::module_& m) {
  py::class_<StdpImageConfig> cfg(m, "StdpImageConfig",
                                  "Diehl & Cook's network and schedule (defaults: the paper's, MNIST-sized)");
  cfg.def_readwrite("inputs", &StdpImageConfig::inputs)
      .def_readwrite("neurons", &StdpImageConfig::neurons)
      .def_readwrite("dt_ms", &StdpImageConfig::dt_ms)
      .def_readwrite("present_ms", &StdpImageConfig::present_ms)
      .def_readwrite("eval_present_ms", &StdpImageConfig::eval_present_ms)
      .def_readwrite("rate_per_intensity_hz", &StdpImageConfig::rate_per_intensity_hz)
      .def_readwrite("intensity", &StdpImageConfig::intensity)
      .def_readwrite("eval_intensity", &StdpImageConfig::eval_intensity)
      .def_readwrite("eval_equalize", &StdpImageConfig::eval_equalize)
      .def_readwrite("max_intensity", &StdpImageConfig::max_intensity)
      .def_readwrite("input_sum", &StdpImageConfig::input_sum)
      .def_readwrite("min_spikes", &StdpImageConfig::min_spikes)
      .def_readwrite("weight_sum", &StdpImageConfig::weight_sum)
      .def_readwrite("w_init_max", &StdpImageConfig::w_init_max)
      .def_readwrite("nu_pre", &StdpImageConfig::nu_pre)
      .def_readwrite("nu_post", &StdpImageConfig::nu_post)
      .def_readwrite("final_rate", &StdpImageConfig::final_rate)
      .def_readwrite("theta_plus_mv", &StdpImageConfig::theta_plus_mv)
      .def_readwrite("tau_theta_ms", &StdpImageConfig::tau_theta_ms)
      .def_readwrite("w_exc_inh", &StdpImageConfig::w_exc_inh)
      .def_readwrite("w_inh_exc", &StdpImageConfig::w_inh_exc)
      .def_readwrite("threads", &StdpImageConfig::threads)
      .def_readwrite("seed", &StdpImageConfig::seed)
      .def("check", &train::check_config, "Raises silicortex.Error naming the first field out of range");
  keyword_init(cfg, "StdpImageConfig");
  bind_network(m);
  bind_readouts(m);
  bind_train_and_test(m);
}

}  // namespace scx::py_bind
