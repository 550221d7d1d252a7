// NIR graphs in Python: read one as a runnable network (docs/nir.md), run it on input spikes given as numpy
// arrays, and write a network out as NIR. The same conversions as `silicortex nir run` and `nir export`.
#include <pybind11/stl.h>

#include <algorithm>

#include "bindings.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/nir_model.hpp"

namespace scx::py_bind {
namespace {

namespace nir = io::nir;

nir::Options options_from(double dt_s, const std::string& reset, const std::string& spikes) {
  nir::Options o;
  o.dt_s = dt_s;
  o.reset = choice(reset, "reset", "to_value", "subtract") ? model::NirNeuron::Reset::Subtract
                                                           : model::NirNeuron::Reset::ToValue;
  o.spikes =
      choice(spikes, "spikes", "unit", "dirac") ? nir::Options::Spikes::Dirac : nir::Options::Spikes::Unit;
  return o;
}

py::list ports(const std::vector<nir::Port>& ps) {
  py::list out;
  for (const auto& p : ps)
    out.append(py::dict(py::arg("node") = p.node, py::arg("population") = p.population,
                        py::arg("shape") = p.shape, py::arg("size") = p.size,
                        py::arg("variable") = p.variable));
  return out;
}

// One Input node's spikes: a [steps, size] array of 0/1 (any nonzero is a spike), or a (steps, neurons) pair
// of index arrays. `length` grows to the dense array's steps.
nir::SpikeTrain spike_train(const py::handle& obj, const nir::Port& port, int64_t& length) {
  nir::SpikeTrain t;
  if (py::isinstance<py::tuple>(obj) && py::len(obj) == 2) {
    const auto pair = obj.cast<py::tuple>();
    t.steps = pair[0].cast<std::vector<int64_t>>();
    t.neurons = pair[1].cast<std::vector<uint32_t>>();
    if (t.steps.size() != t.neurons.size())
      throw Error("input '" + port.node + "': the steps and neurons arrays differ in length");
    return t;
  }
  const auto dense = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(obj);
  if (!dense || dense.ndim() != 2 || size_t(dense.shape(1)) != port.size)
    throw Error("input '" + port.node + "': expected a [steps, " + std::to_string(port.size) +
                "] array of 0/1 or a (steps, neurons) pair of arrays");
  for (py::ssize_t s = 0; s < dense.shape(0); ++s)
    for (py::ssize_t n = 0; n < dense.shape(1); ++n)
      if (dense.at(s, n) != 0) {
        t.steps.push_back(s);
        t.neurons.push_back(uint32_t(n));
      }
  length = std::max<int64_t>(length, dense.shape(0));
  return t;
}

}  // namespace

void bind_nir(py::module_& m) {
  py::class_<nir::Converted>(m, "NirNetwork", "A NIR graph lowered to a network of the reference engine")
      .def_property_readonly(
          "network", [](const nir::Converted& c) { return c.net; },
          "A copy of the lowered network (NirNeuron populations, FromList projections)")
      .def_property_readonly("inputs", [](const nir::Converted& c) { return ports(c.inputs); })
      .def_property_readonly("outputs", [](const nir::Converted& c) { return ports(c.outputs); })
      .def_readonly("warnings", &nir::Converted::warnings)
      .def(
          "run",
          [](nir::Converted& c, const py::sequence& inputs, int64_t steps, unsigned threads) {
            if (py::len(inputs) != c.inputs.size())
              throw Error("run: the graph has " + std::to_string(c.inputs.size()) + " input nodes, got " +
                          std::to_string(py::len(inputs)) + " spike trains");
            std::vector<nir::SpikeTrain> trains;
            int64_t length = 0;
            for (size_t i = 0; i < c.inputs.size(); ++i)
              trains.push_back(spike_train(inputs[i], c.inputs[i], length));
            if (steps <= 0) steps = length;
            if (steps <= 0) throw Error("run: give steps (the inputs are index pairs, or empty)");
            py::gil_scoped_release unlocked;
            return nir::run(c, trains, steps, threads);
          },
          py::arg("inputs"), py::arg("steps") = 0, py::arg("threads") = 1,
          "Runs NIR steps on one spike train per Input node: [steps, size] arrays of 0/1 or (steps, neurons) "
          "pairs. Times in the result are NIR times (step * dt)");

  m.def(
      "read_nir",
      [](const std::string& path, double dt_s, const std::string& reset, const std::string& spikes) {
        return nir::to_network(nir::read_nir(path), options_from(dt_s, reset, spikes));
      },
      py::arg("path"), py::arg("dt_s") = 1e-4, py::arg("reset") = "to_value", py::arg("spikes") = "unit",
      "Reads a NIR file (HDF5) as a runnable network; docs/nir.md has the semantics of each option");
  m.def(
      "describe_nir", [](const std::string& path) { return nir::describe(nir::read_nir(path)); },
      py::arg("path"), "The graph, shapes and parameters (`silicortex nir info`)");
  m.def(
      "write_nir",
      [](const model::Network& net, const std::string& path) {
        std::vector<std::string> warnings;
        nir::write_nir(path, nir::from_network(net, warnings));
        return warnings;
      },
      py::arg("network"), py::arg("path"),
      "Writes a network as NIR (atomically); returns the conversion's warnings");
}

}  // namespace scx::py_bind
