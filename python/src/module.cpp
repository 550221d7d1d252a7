// The `silicortex._core` extension module. scx::Error (bad input, named file:line and field) becomes
// silicortex.Error, a ValueError: the one translator the bindings need.
#include "bindings.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/version.hpp"

namespace scx::py_bind {

int choice(const std::string& value, const char* field, const char* first, const char* second) {
  if (value == first) return 0;
  if (value == second) return 1;
  throw Error(std::string(field) + ": '" + value + "' is not '" + first + "' or '" + second + "'");
}

}  // namespace scx::py_bind

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  m.doc() =
      "Silicortex: spiking networks, neuromorphic chip emulation, cognitive memory and event-camera input";
  static py::exception<scx::Error> error(m, "Error", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const scx::Error& e) {
      error(e.what());
    }
  });
  m.attr("__version__") = scx::kVersion;
  scx::py_bind::bind_plasticity(m);
  scx::py_bind::bind_model(m);
  scx::py_bind::bind_sim(m);
  scx::py_bind::bind_chip(m);
  scx::py_bind::bind_io(m);
  scx::py_bind::bind_cogmem(m);
  scx::py_bind::bind_nir(m);
  scx::py_bind::bind_train(m);
  scx::py_bind::bind_learning(m);
  scx::py_bind::bind_stdp(m);
}
