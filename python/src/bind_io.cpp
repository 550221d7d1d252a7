// Event-camera recordings in Python: any format io::read_events reads, as numpy columns.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "silicortex/io/events.hpp"

namespace scx::py_bind {
namespace {

// The recording in columns, the layout numpy code wants (io::Event is one struct per event).
struct EventColumns {
  std::string format, sensor;
  uint32_t width = 0, height = 0;
  std::vector<int64_t> t_us;
  std::vector<uint16_t> x, y;
  std::vector<uint8_t> on;
};

EventColumns read_columns(const std::string& path) {
  const io::EventRecording rec = io::read_events(path);
  EventColumns c{rec.format, rec.sensor, rec.width, rec.height, {}, {}, {}, {}};
  const size_t n = rec.events.size();
  c.t_us.resize(n);
  c.x.resize(n);
  c.y.resize(n);
  c.on.resize(n);
  for (size_t i = 0; i < n; ++i) {
    c.t_us[i] = rec.events[i].t_us;
    c.x[i] = rec.events[i].x;
    c.y[i] = rec.events[i].y;
    c.on[i] = rec.events[i].on;
  }
  return c;
}

}  // namespace

void bind_io(py::module_& m) {
  py::class_<EventColumns>(
      m, "EventRecording",
      "Polarity events of an event camera: t_us, x, y (0, 0 = top left) and on, as arrays")
      .def_readonly("format", &EventColumns::format)
      .def_readonly("sensor", &EventColumns::sensor)
      .def_readonly("width", &EventColumns::width)
      .def_readonly("height", &EventColumns::height)
      .def_property_readonly("t_us", view_of(&EventColumns::t_us))
      .def_property_readonly("x", view_of(&EventColumns::x))
      .def_property_readonly("y", view_of(&EventColumns::y))
      .def_property_readonly("on",
                             [](py::object self) {
                               return view(self.cast<const EventColumns&>().on, self).attr("view")("bool");
                             })
      .def("__len__", [](const EventColumns& c) { return c.t_us.size(); })
      .def("__repr__", [](const EventColumns& c) {
        return "<EventRecording " + c.format + (c.sensor.empty() ? "" : " (" + c.sensor + ")") + ", " +
               std::to_string(c.width) + "x" + std::to_string(c.height) + ", " +
               std::to_string(c.t_us.size()) + " events>";
      });
  m.def(
      "read_events",
      [](const std::string& path) {
        py::gil_scoped_release unlocked;
        return read_columns(path);
      },
      py::arg("path"),
      "Reads AEDAT 2.0/3.1/4.0, N-MNIST .bin or Prophesee .dat (docs/events.md); damaged files raise Error");
}

}  // namespace scx::py_bind
