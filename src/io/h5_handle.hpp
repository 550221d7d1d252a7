#pragma once
// RAII ownership of an HDF5 identifier (file, group, dataset, attribute, dataspace, datatype, property list):
// the matching H5?close runs exactly once, also when an exception unwinds. Private to scx_io, which alone
// sees the HDF5 headers.
#include <hdf5.h>

#include <utility>

namespace scx::io {

class H5Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  H5Handle() = default;
  H5Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~H5Handle() { close(); }
  H5Handle(H5Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  H5Handle& operator=(H5Handle&& o) noexcept {
    if (this != &o) {
      close();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      closer_ = o.closer_;
    }
    return *this;
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now; returns false when HDF5 reports a failure (for a file: data that could not be flushed).
  bool close() {
    if (id_ < 0) return true;
    const herr_t rc = closer_(std::exchange(id_, H5I_INVALID_HID));
    return rc >= 0;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Turns off HDF5's printing of its error stack to stderr for the guard's lifetime (callers report their own
// one-line errors) and restores the previous setting afterwards.
class H5ErrorSilencer {
 public:
  H5ErrorSilencer() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~H5ErrorSilencer() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  H5ErrorSilencer(const H5ErrorSilencer&) = delete;
  H5ErrorSilencer& operator=(const H5ErrorSilencer&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

}  // namespace scx::io
