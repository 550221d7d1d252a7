#pragma once
// Shared pieces of the Python module (docs/python.md): one bind_* function per area, and numpy views that
// keep their C++ owner alive instead of copying.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <vector>

namespace scx::py_bind {

namespace py = pybind11;

void bind_plasticity(py::module_& m);  // before bind_model, whose Network takes its classes
void bind_model(py::module_& m);
void bind_sim(py::module_& m);
void bind_chip(py::module_& m);
void bind_io(py::module_& m);
void bind_cogmem(py::module_& m);
void bind_nir(py::module_& m);

// A read-only 1-D numpy array over v; `owner` (the Python object that holds v) lives as long as the array.
template <class T>
py::array_t<T> view(const std::vector<T>& v, py::handle owner) {
  py::array_t<T> a({v.size()}, {sizeof(T)}, v.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

// A numpy array that owns a moved-in vector (no copy).
template <class T>
py::array_t<T> owned(std::vector<T>&& v) {
  auto* p = new std::vector<T>(std::move(v));
  py::capsule free_it(p, [](void* q) { delete static_cast<std::vector<T>*>(q); });
  return py::array_t<T>({p->size()}, {sizeof(T)}, p->data(), free_it);
}

}  // namespace scx::py_bind
