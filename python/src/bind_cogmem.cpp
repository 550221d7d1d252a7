// The cognitive memory (NeuroMem CM1K / NM500 rules) in Python: learn and recognise uint8 vectors from numpy
// arrays, one at a time or a batch over threads, and the knowledge files of `silicortex cogmem`.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "silicortex/cogmem/engine.hpp"
#include "silicortex/cogmem/knowledge_file.hpp"
#include "silicortex/core/error.hpp"

namespace scx::py_bind {
namespace {

using cogmem::Classifier;
using cogmem::Norm;
using Bytes = py::array_t<uint8_t, py::array::c_style | py::array::forcecast>;

// Vectors are bytes. Other arrays (a list, int64, float) are taken when every value is an integer in 0..255;
// otherwise an error, never a silent wrap-around or truncation.
Bytes to_bytes(const py::handle& obj, const char* what) {
  py::array a = py::array::ensure(obj);
  if (!a) throw py::type_error(std::string(what) + ": expected an array of bytes");
  if (!a.dtype().is(py::dtype::of<uint8_t>()) && a.size() > 0) {
    const py::module_ np = py::module_::import("numpy");
    const bool whole = np.attr("array_equal")(a, np.attr("round")(a)).cast<bool>();
    const double lo = a.attr("min")().cast<double>(), hi = a.attr("max")().cast<double>();
    if (!whole || lo < 0 || hi > 255)
      throw Error(std::string(what) + ": values must be integers 0..255 (uint8), got " +
                  py::str(a.dtype()).cast<std::string>() + " values in [" +
                  py::repr(py::float_(lo)).cast<std::string>() + ", " +
                  py::repr(py::float_(hi)).cast<std::string>() + "]");
  }
  return Bytes::ensure(a);
}

std::span<const uint8_t> as_vector(const Bytes& v) {
  if (v.ndim() != 1)
    throw Error("cognitive memory: a vector must be one-dimensional, got " + std::to_string(v.ndim()) +
                " dimensions");
  return {v.data(), size_t(v.size())};
}

py::tuple response_tuple(const cogmem::Response& r) {
  return py::make_tuple(r.distance, r.category, r.neuron_id, r.degenerated);
}

py::dict recognition_dict(const cogmem::Recognition& r) {
  py::list responses;
  for (const auto& x : r.responses) responses.append(response_tuple(x));
  return py::dict(py::arg("status") = to_string(r.status), py::arg("firing") = r.firing,
                  py::arg("responses") = responses);
}

}  // namespace

void bind_cogmem(py::module_& m) {
  py::class_<cogmem::Engine>(
      m, "CognitiveMemory",
      "RCE learning and RBF/KNN recognition as a NeuroMem chip does it (docs/cogmem.md)")
      .def(py::init([](const std::string& shape, unsigned threads) {
             return cogmem::Engine(cogmem::parse_shape(shape, "shape"), threads);
           }),
           py::arg("shape") = "cm1k", py::arg("threads") = 1,
           "shape: cm1k, nm500, cm1k:4 (a chain of four chips) or software[:bytes]")
      .def_property(
          "classifier",
          [](const cogmem::Engine& e) { return e.classifier() == Classifier::kKnn ? "knn" : "rbf"; },
          [](cogmem::Engine& e, const std::string& c) {
            e.set_classifier(choice(c, "classifier", "rbf", "knn") ? Classifier::kKnn : Classifier::kRbf);
          })
      .def_property(
          "norm", [](const cogmem::Engine& e) { return e.norm() == Norm::kLsup ? "lsup" : "l1"; },
          [](cogmem::Engine& e, const std::string& n) {
            e.set_norm(choice(n, "norm", "l1", "lsup") ? Norm::kLsup : Norm::kL1);
          })
      .def_property("context", &cogmem::Engine::context, &cogmem::Engine::set_context)
      .def_property("minif", &cogmem::Engine::minif, &cogmem::Engine::set_minif)
      .def_property("maxif", &cogmem::Engine::maxif, &cogmem::Engine::set_maxif)
      .def_property("threads", &cogmem::Engine::threads, &cogmem::Engine::set_threads)
      .def_property_readonly("committed", &cogmem::Engine::committed, "Neurons committed so far")
      .def_property_readonly("full", &cogmem::Engine::full)
      .def(
          "learn",
          [](cogmem::Engine& e, const py::object& vector, uint32_t category) {
            const auto o = e.learn(as_vector(to_bytes(vector, "vector")), category);
            return py::dict(py::arg("committed") = o.committed, py::arg("shrunk") = o.shrunk,
                            py::arg("degenerated") = o.degenerated);
          },
          py::arg("vector"), py::arg("category"), "One RCE learning step (category 0 is a counter-example)")
      .def(
          "learn_many",
          [](cogmem::Engine& e, const py::object& vectors, const std::vector<uint32_t>& categories) {
            const Bytes rows = to_bytes(vectors, "vectors");
            if (rows.ndim() != 2 || size_t(rows.shape(0)) != categories.size())
              throw Error("learn_many: vectors must be [n, length] with one category per row");
            size_t committed = 0;
            for (size_t i = 0; i < categories.size(); ++i)
              committed += e.learn({rows.data(i, 0), size_t(rows.shape(1))}, categories[i]).committed;
            return committed;
          },
          py::arg("vectors"), py::arg("categories"),
          "Learns the rows in order; returns how many committed a neuron")
      .def(
          "recognize",
          [](const cogmem::Engine& e, const py::object& vector, size_t k) {
            return recognition_dict(e.recognize(as_vector(to_bytes(vector, "vector")), k));
          },
          py::arg("vector"), py::arg("k") = 1,
          "{'status': identified|uncertain|unknown, 'firing', 'responses': [(distance, category, neuron_id, "
          "degenerated), ...]}")
      .def(
          "classify",
          [](const cogmem::Engine& e, const py::object& vectors) {
            const Bytes rows = to_bytes(vectors, "vectors");
            if (rows.ndim() != 2) throw Error("classify: vectors must be a [n, length] array");
            const size_t n = size_t(rows.shape(0));
            std::vector<cogmem::Recognition> out(n);
            {
              py::gil_scoped_release unlocked;
              e.recognize_batch(rows.data(), n, size_t(rows.shape(1)), size_t(rows.strides(0)), 1,
                                out.data());
            }
            std::vector<uint16_t> category(n, 0);
            std::vector<uint32_t> distance(n, 0);
            std::vector<uint8_t> status(n, 0);
            for (size_t i = 0; i < n; ++i) {
              status[i] = uint8_t(out[i].status);
              if (!out[i].responses.empty()) {
                category[i] = out[i].responses.front().category;
                distance[i] = out[i].responses.front().distance;
              }
            }
            return py::make_tuple(owned(std::move(category)), owned(std::move(distance)),
                                  owned(std::move(status)));
          },
          py::arg("vectors"),
          "Recognises every row over the engine's threads: (category, distance, status) arrays; category 0 "
          "and "
          "status 0 for unknown, status 4 uncertain, 8 identified (the chip's NSR)")
      .def("forget", &cogmem::Engine::forget)
      .def(
          "save", [](const cogmem::Engine& e, const std::string& path) { cogmem::save_knowledge(e, path); },
          py::arg("path"), "Writes a knowledge file (as `silicortex cogmem learn --save`)")
      .def(
          "load", [](cogmem::Engine& e, const std::string& path) { (void)cogmem::load_knowledge(e, path); },
          py::arg("path"), "Replaces the neurons and registers with a knowledge file's");
}

}  // namespace scx::py_bind
