#pragma once
// Shared pieces of the Python module (docs/python.md): one bind_* function per area, and numpy views that
// keep their C++ owner alive instead of copying.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <utility>
#include <vector>

#include "silicortex/core/error.hpp"
#include "silicortex/hw/energy_meter.hpp"

namespace scx::py_bind {

namespace py = pybind11;

void bind_plasticity(py::module_& m);  // before bind_model, whose Network takes its classes
void bind_model(py::module_& m);
void bind_sim(py::module_& m);
void bind_chip(py::module_& m);
void bind_io(py::module_& m);
void bind_cogmem(py::module_& m);
void bind_nir(py::module_& m);
void bind_train(py::module_& m);
void bind_learning(py::module_& m);
void bind_stdp(py::module_& m);

// Which of two spellings `value` is (0 or 1), as the file formats write them; otherwise scx::Error naming
// the field, e.g. "norm: 'l2' is not 'l1' or 'lsup'".
int choice(const std::string& value, const char* field, const char* first, const char* second);

// A library callback that calls a Python function (or nothing, for None) with the GIL held, from whichever
// thread the library calls it. An exception in the function (Ctrl-C included) is kept as Python's pending
// error and later calls are skipped; rethrow_if_failed() raises it once the library call has returned, so it
// never unwinds through the library's threads.
class GuardedCallback {
 public:
  explicit GuardedCallback(py::object fn) : fn_(std::move(fn)) {}
  template <class... Args>
  void operator()(const Args&... args) {
    if (fn_.is_none()) return;
    py::gil_scoped_acquire locked;
    if (failed_) return;
    try {
      fn_(args...);
    } catch (py::error_already_set& e) {
      failed_ = true;
      e.restore();
    }
  }
  bool failed() const { return failed_; }
  void rethrow_if_failed() const {
    if (failed_) throw py::error_already_set();
  }

 private:
  py::object fn_;
  bool failed_ = false;
};

// Event counters and the energy model's figures as dicts (bind_chip.cpp).
py::dict counters_dict(const hw::EventCounters& c);
py::dict energy_dict(const hw::EnergyReport& e);

// Keyword construction through the class's own attributes (def_readwrite or def_property), so a keyword
// converts as an assignment would; an unknown keyword is a TypeError that lists the known ones.
template <class T>
void keyword_init(py::class_<T>& c, const char* name) {
  c.def(py::init([name](const py::kwargs& kw) {
    py::object obj = py::cast(T{});
    for (const auto& [key, value] : kw) {
      if (!py::hasattr(obj, key)) {
        std::string known;
        for (const auto& [attr, member] : py::cast<py::dict>(py::type::of(obj).attr("__dict__")))
          if (py::isinstance(member, py::module_::import("builtins").attr("property")))
            known += (known.empty() ? "" : ", ") + py::cast<std::string>(attr);
        throw py::type_error(std::string(name) + "() has no parameter '" + py::cast<std::string>(key) +
                             "'; it takes " + known);
      }
      try {
        py::setattr(obj, key, value);
      } catch (py::error_already_set& e) {
        if (!e.matches(PyExc_TypeError)) throw;
        throw py::type_error(std::string(name) + "(): " + py::cast<std::string>(key) + " cannot be " +
                             py::cast<std::string>(py::repr(value)));
      }
    }
    return py::cast<T>(obj);
  }));
}

// A C-contiguous numpy array of T from any array-like (numpy.asarray, then a checked conversion): scx::Error
// naming `what` for anything that is not numbers (an unchecked conversion would leave a null array).
template <class T>
py::array_t<T, py::array::c_style | py::array::forcecast> numeric_array(const py::object& in,
                                                                        const std::string& what) {
  auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(
      py::module_::import("numpy").attr("asarray")(in));
  if (!a) throw Error(what + ": expected numbers");
  return a;
}

// A read-only 1-D numpy array over v; `owner` (the Python object that holds v) lives as long as the array.
template <class T>
py::array_t<T> view(const std::vector<T>& v, py::handle owner) {
  py::array_t<T> a({v.size()}, {sizeof(T)}, v.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

// A property getter for a vector member of C: its read-only view, kept alive by the object.
template <class C, class T>
auto view_of(std::vector<T> C::*member) {
  return [member](py::object self) { return view(py::cast<const C&>(self).*member, self); };
}

// A numpy array that owns a moved-in vector (no copy).
template <class T>
py::array_t<T> owned(std::vector<T>&& v) {
  auto* p = new std::vector<T>(std::move(v));
  py::capsule free_it(p, [](void* q) { delete static_cast<std::vector<T>*>(q); });
  return py::array_t<T>({p->size()}, {sizeof(T)}, p->data(), free_it);
}

}  // namespace scx::py_bind
