// Training in Python: surrogate-gradient training of the trainer's networks (docs/training.md) on datasets
// read from IDX files or given as numpy arrays, checkpoints, trained-network files, NIR export, and a trained
// network classifying images on an emulated chip. The same library as `silicortex train` and `app image`.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <memory>

#include "bindings.hpp"
#include "silicortex/core/data_dir.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/hw/chip_profile.hpp"
#include "silicortex/hw/energy_meter.hpp"
#include "silicortex/io/nir_graph.hpp"
#include "silicortex/train/config.hpp"
#include "silicortex/train/image_app.hpp"
#include "silicortex/train/loihi_deploy.hpp"
#include "silicortex/train/nir_export.hpp"
#include "silicortex/train/trainer.hpp"
#include "silicortex/train/truenorth_deploy.hpp"

namespace scx::py_bind {
namespace {

using train::Dataset;
using train::TrainConfig;

py::tuple shape_tuple(const train::Shape& s) {
  return py::make_tuple(s.c, s.h, s.w);
}

train::Shape shape_from(const std::vector<int>& dims) {
  if (dims.size() != 3 || std::any_of(dims.begin(), dims.end(), [](int d) { return d < 1; }))
    throw Error("input_shape: expected (channels, rows, cols), each at least 1");
  return {dims[0], dims[1], dims[2]};
}

// An integer array's values as bytes, each checked to lie in 0..255. A uint8 array is copied as it is; others
// are read as int64 (without converting a large uint8 image set to eight times its size first).
std::vector<uint8_t> bytes_of(const py::array& a, const char* what) {
  if (a.dtype().kind() != 'u' && a.dtype().kind() != 'i')
    throw Error(std::string("Dataset: ") + what + " must be integer arrays (values 0..255), not " +
                py::cast<std::string>(py::str(a.dtype())));
  if (a.dtype().is(py::dtype::of<uint8_t>())) {
    const auto u8 = py::array_t<uint8_t, py::array::c_style | py::array::forcecast>::ensure(a);
    return {u8.data(), u8.data() + u8.size()};
  }
  const auto wide = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
  std::vector<uint8_t> out(size_t(wide.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t v = wide.data()[i];
    if (v < 0 || v > 255)
      throw Error(std::string("Dataset: ") + what + "[" + std::to_string(i) + "] = " + std::to_string(v) +
                  " is outside 0..255");
    out[i] = uint8_t(v);
  }
  return out;
}

// A dataset from numpy: images [N, features], [N, rows, cols] or [N, channels, rows, cols] of 0..255 and one
// label per image, as the IDX files hold them.
Dataset dataset_from(const py::object& images_in, const py::object& labels_in) {
  const py::object asarray = py::module_::import("numpy").attr("asarray");
  const auto images = asarray(images_in).cast<py::array>(), labels = asarray(labels_in).cast<py::array>();
  Dataset d;
  if (images.ndim() == 4)
    d.shape = {int(images.shape(1)), int(images.shape(2)), int(images.shape(3))};
  else if (images.ndim() == 3)
    d.shape = {1, int(images.shape(1)), int(images.shape(2))};
  else if (images.ndim() == 2)
    d.shape = {int(images.shape(1)), 1, 1};
  else
    throw Error("Dataset: images must be [N, features], [N, rows, cols] or [N, channels, rows, cols]");
  if (labels.ndim() != 1 || labels.shape(0) != images.shape(0))
    throw Error("Dataset: labels must be one-dimensional, one per image (" + std::to_string(images.shape(0)) +
                " images)");
  if (images.shape(0) == 0 || d.shape.size() == 0) throw Error("Dataset: no images");
  d.count = size_t(images.shape(0));
  d.images = bytes_of(images, "images (flattened)");
  d.labels = bytes_of(labels, "labels");
  for (uint8_t y : d.labels) d.classes = std::max(d.classes, int(y) + 1);
  return d;
}

// The trainer indexes its outputs by label and reads shape.size() pixels per image: check both first.
void check_fits(const Dataset& d, const TrainConfig& cfg, const char* what) {
  if (d.shape.size() != cfg.input.size())
    throw Error(std::string(what) + ": " + std::to_string(d.shape.size()) +
                " values per image, but the network takes " + std::to_string(cfg.input.size()));
  if (d.classes > cfg.classes)
    throw Error(std::string(what) + ": label " + std::to_string(d.classes - 1) + " is out of range for " +
                std::to_string(cfg.classes) + " classes");
  if (d.count == 0) throw Error(std::string(what) + ": no images");
}

void bind_config(py::module_& m) {
  py::class_<TrainConfig>(m, "TrainConfig",
                          "A training configuration (docs/training.md): network, encoding, loss, optimiser, "
                          "quantisation and data. The training knobs can be changed before building a "
                          "Trainer.")
      .def_readonly("source", &TrainConfig::source)
      .def_readonly("text", &TrainConfig::text, "The TOML text it was read from")
      .def_property(
          "input_shape", [](const TrainConfig& c) { return shape_tuple(c.input); },
          [](TrainConfig& c, const std::vector<int>& dims) { c.input = shape_from(dims); },
          "(channels, rows, cols); a Trainer built with a dataset takes it from the data")
      .def_readwrite("classes", &TrainConfig::classes)
      .def_property(
          "epochs", [](const TrainConfig& c) { return c.train.epochs; },
          [](TrainConfig& c, int v) {
            if (v < 1) throw Error("epochs: must be at least 1");
            c.train.epochs = v;
          })
      .def_property(
          "batch_size", [](const TrainConfig& c) { return c.train.batch_size; },
          [](TrainConfig& c, int v) {
            if (v < 1) throw Error("batch_size: must be at least 1");
            c.train.batch_size = v;
          })
      .def_property(
          "threads", [](const TrainConfig& c) { return c.train.threads; },
          [](TrainConfig& c, int v) {
            if (v < 1) throw Error("threads: must be at least 1");
            c.train.threads = v;
          },
          "Worker threads; the trained weights do not depend on it")
      .def_property(
          "seed", [](const TrainConfig& c) { return c.train.seed; },
          [](TrainConfig& c, uint64_t v) { c.train.seed = v; })
      .def_property(
          "lr", [](const TrainConfig& c) { return c.adam.lr; },
          [](TrainConfig& c, float v) {
            if (!(v > 0)) throw Error("lr: must be positive");
            c.adam.lr = v;
          })
      .def_property_readonly(
          "steps", [](const TrainConfig& c) { return c.encoding.steps; }, "Time steps per sample")
      .def_property_readonly("layers", [](const TrainConfig& c) { return c.layers.size(); })
      .def_property_readonly(
          "data",
          [](const TrainConfig& c) {
            return py::dict(
                py::arg("train_images") = c.data.train_images, py::arg("train_labels") = c.data.train_labels,
                py::arg("test_images") = c.data.test_images, py::arg("test_labels") = c.data.test_labels,
                py::arg("train_limit") = c.data.train_limit, py::arg("test_limit") = c.data.test_limit,
                py::arg("validation") = c.data.validation);
          },
          "The [data] table, paths resolved")
      .def("__repr__", [](const TrainConfig& c) {
        return "<TrainConfig '" + c.source + "': " + std::to_string(c.layers.size()) + " layers, " +
               std::to_string(c.train.epochs) + " epochs>";
      });

  m.def(
      "read_train_config", [](const std::string& path) { return train::read_train_config(path); },
      py::arg("path"), "A training configuration file; data paths are resolved relative to it");
  m.def(
      "parse_train_config",
      [](const std::string& text, const std::string& source, const std::string& base_dir) {
        return train::parse_train_config(text, source, base_dir);
      },
      py::arg("text"), py::arg("source") = "<string>", py::arg("base_dir") = ".",
      "A training configuration from TOML text; data paths are resolved relative to base_dir");
}

void bind_dataset(py::module_& m) {
  py::class_<Dataset>(m, "Dataset", "Labelled images: [N, features], [N, rows, cols] or [N, c, rows, cols]")
      .def(py::init(&dataset_from), py::arg("images"), py::arg("labels"),
           "From integer numpy arrays (or sequences) of values 0..255, copied")
      .def("__len__", [](const Dataset& d) { return d.count; })
      .def_property_readonly(
          "shape", [](const Dataset& d) { return shape_tuple(d.shape); },
          "(channels, rows, cols) of one image")
      .def_readonly("classes", &Dataset::classes, "The largest label + 1")
      .def_property_readonly(
          "images",
          [](py::object self) {
            const auto& d = py::cast<const Dataset&>(self);
            return view(d.images, self).reshape({py::ssize_t(d.count), py::ssize_t(d.shape.size())});
          },
          "[N, values per image], read-only")
      .def_property_readonly("labels", view_of(&Dataset::labels))
      .def(
          "split_off",
          [](Dataset& d, size_t n) {
            if (n == 0 || n >= d.count)
              throw Error("split_off: " + std::to_string(n) + " items must leave some of the " +
                          std::to_string(d.count));
            return train::split_off(d, n);
          },
          py::arg("n"), "Moves the last n items into a new dataset (a validation split) and returns it")
      .def("__repr__", [](const Dataset& d) {
        return "<Dataset: " + std::to_string(d.count) + " images of " + std::to_string(d.shape.c) + "x" +
               std::to_string(d.shape.h) + "x" + std::to_string(d.shape.w) + ", " +
               std::to_string(d.classes) + " classes>";
      });

  m.def(
      "load_dataset",
      [](const std::string& images, const std::string& labels, size_t limit) {
        return train::load_dataset(images, labels, limit);
      },
      py::arg("images"), py::arg("labels"), py::arg("limit") = 0,
      "IDX images and labels (.gz too), e.g. Debian's Fashion-MNIST; the first `limit` items (0: all)");
}

void bind_trainer(py::module_& m) {
  py::class_<train::BatchStats>(m, "TrainStats", "Loss and accuracy over the samples of a pass")
      .def_property_readonly("loss", &train::BatchStats::loss)
      .def_property_readonly("accuracy", &train::BatchStats::accuracy)
      .def_readonly("correct", &train::BatchStats::correct)
      .def_readonly("samples", &train::BatchStats::samples)
      .def("__repr__", [](const train::BatchStats& s) {
        return "<TrainStats: loss " + std::to_string(s.loss()) + ", accuracy " +
               std::to_string(s.accuracy()) + " over " + std::to_string(s.samples) + " samples>";
      });

  py::class_<train::Trainer>(m, "Trainer",
                             "Mini-batch BPTT with surrogate gradients; the same seed gives the same weights "
                             "for any thread count")
      .def(py::init([](TrainConfig cfg, const Dataset* data, int classes) {
             if (data) {
               cfg.input = data->shape;
               cfg.classes = data->classes;
             }
             if (classes > 0) cfg.classes = classes;
             return std::make_unique<train::Trainer>(std::move(cfg));
           }),
           py::arg("config"), py::arg("data") = nullptr, py::arg("classes") = 0,
           "With `data` (the training set), the input shape and the number of classes come from it, as "
           "`silicortex train` takes them; `classes` overrides (a test set may hold more)")
      .def_property_readonly("config", &train::Trainer::config, py::return_value_policy::copy)
      .def_property_readonly("epochs_done", &train::Trainer::epochs_done)
      .def_property_readonly("param_count", [](const train::Trainer& t) { return t.network().param_count(); })
      .def_property(
          "params", [](const train::Trainer& t) { return owned(std::vector<float>(t.params())); },
          [](train::Trainer& t, const std::vector<float>& p) {
            if (p.size() != t.params().size())
              throw Error("params: expected " + std::to_string(t.params().size()) + " values, got " +
                          std::to_string(p.size()));
            t.params() = p;
          },
          "The trained float weights (a copy)")
      .def(
          "effective_params", [](const train::Trainer& t) { return owned(t.effective_params()); },
          "The weights evaluation and the written network use (moving average, quantised with QAT)")
      .def_property(
          "threads", [](const train::Trainer& t) { return t.config().train.threads; },
          [](train::Trainer& t, int n) {
            if (n < 1) throw Error("threads: must be at least 1");
            t.set_threads(n);
          })
      .def(
          "train_epoch",
          [](train::Trainer& t, const Dataset& d, const py::object& progress) {
            check_fits(d, t.config(), "train_epoch");
            // The trainer calls progress between batches, from this thread with no worker running, so an
            // exception in it (Ctrl-C included) can stop the epoch there.
            struct Stop {};
            GuardedCallback call(progress);
            train::BatchStats s;
            try {
              py::gil_scoped_release unlocked;
              s = t.train_epoch(d, [&](size_t done, const train::BatchStats& st) {
                call(done, st);
                if (call.failed()) throw Stop{};
              });
            } catch (const Stop&) {
            }
            call.rethrow_if_failed();
            return s;
          },
          py::arg("data"), py::arg("progress") = py::none(),
          "One epoch in the seeded shuffle order; progress(samples_done, stats) after each batch. An "
          "exception "
          "in progress (Ctrl-C included) stops the epoch after that batch and is raised: the batches done "
          "stay "
          "trained, epochs_done does not count the epoch")
      .def(
          "evaluate",
          [](train::Trainer& t, const Dataset& d) {
            check_fits(d, t.config(), "evaluate");
            py::gil_scoped_release unlocked;
            return t.evaluate(d);
          },
          py::arg("data"), "Loss and accuracy with the effective weights (fixed encoding, no dropout)")
      .def(
          "save_checkpoint", [](const train::Trainer& t, const std::string& p) { t.save_checkpoint(p); },
          py::arg("path"))
      .def(
          "load_checkpoint", [](train::Trainer& t, const std::string& p) { t.load_checkpoint(p); },
          py::arg("path"), "Continues bit-exactly from a checkpoint of the same configuration")
      .def(
          "save_network",
          [](const train::Trainer& t, const std::string& p, double test_accuracy) {
            t.save_network(p, test_accuracy);
          },
          py::arg("path"), py::arg("test_accuracy") = -1.0,
          "The trained network file (.scxnet) that `silicortex app image`, `nir export` and "
          "classify_on_chip read")
      .def(
          "write_nir",
          [](const train::Trainer& t, const std::string& path) {
            std::vector<std::string> warnings;
            io::nir::write_nir(path, train::trained_to_nir(t.config(), t.effective_params(), warnings));
            return warnings;
          },
          py::arg("path"), "The trained network as NIR; returns the export's warnings");
}

py::dict image_result(const train::ImageAppResult& r, const hw::ChipProfile& profile, uint64_t neurons,
                      int ticks_per_sample, int cores_used) {
  const size_t k = r.confusion.size();
  py::array_t<uint32_t> confusion({k, k});
  for (size_t a = 0; a < k; ++a)
    for (size_t b = 0; b < k; ++b) confusion.mutable_at(a, b) = r.confusion[a][b];
  return py::dict(
      py::arg("images") = r.images, py::arg("accuracy") = r.accuracy(),
      py::arg("float_accuracy") = r.float_accuracy(),
      py::arg("agreement") = r.images ? double(r.agree) / double(r.images) : 0.0,
      py::arg("confusion") = confusion, py::arg("ticks_per_sample") = ticks_per_sample,
      py::arg("cores_used") = cores_used, py::arg("wall_s") = r.wall_s,
      py::arg("counters") = counters_dict(r.counters),
      py::arg("energy") = energy_dict(hw::compute_energy(profile, r.counters, neurons, r.images)));
}

void bind_deployment(py::module_& m) {
  py::class_<train::TrainedNetwork>(m, "TrainedNetwork", "A trained network file (.scxnet)")
      .def_readonly("config", &train::TrainedNetwork::config)
      .def_property_readonly("params", view_of(&train::TrainedNetwork::params));
  m.def(
      "read_trained_network", [](const std::string& p) { return train::read_trained_network(p); },
      py::arg("path"));

  m.def(
      "classify_on_chip",
      [](const train::TrainedNetwork& net, const Dataset& data, const std::string& chip, int threads,
         const py::object& progress) {
        if (threads < 1) throw Error("threads: must be at least 1");
        check_fits(data, net.config, "classify_on_chip");
        const hw::ChipProfile profile =
            hw::read_chip_profile(hw::find_chip_profile(chip, data_dir() / "chips"));
        GuardedCallback call(progress);
        auto run = [&](const auto& dep) {
          train::ImageAppResult r;
          {
            py::gil_scoped_release unlocked;
            r = train::run_image_app(net, dep, data, threads, [&](size_t done) { call(done, data.count); });
          }
          call.rethrow_if_failed();
          return image_result(r, profile, dep.neurons_used(), dep.ticks_per_sample(), dep.cores_used());
        };
        if (profile.neuron_kind == hw::NeuronKind::kTrueNorth)
          return run(train::TrueNorthDeployment(net.config, net.params, profile));
        return run(train::LoihiDeployment(net.config, net.params, profile));
      },
      py::arg("network"), py::arg("data"), py::arg("chip") = "loihi", py::arg("threads") = 1,
      py::arg("progress") = py::none(),
      "Deploys a trained network onto a chip profile (loihi, truenorth, ...) and classifies the images, as "
      "`silicortex app image`: accuracy on the chip and of the float trainer, confusion matrix, event "
      "counters and energy. The result does not depend on `threads`.");
}

}  // namespace

void bind_train(py::module_& m) {
  bind_config(m);
  bind_dataset(m);
  bind_trainer(m);
  bind_deployment(m);
}

}  // namespace scx::py_bind
