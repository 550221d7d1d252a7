#include "io/h5_file.hpp"

#include <algorithm>

#include "silicortex/core/error.hpp"

namespace scx::io {
namespace {

// Chunks of 256-512 KiB: cheap partial reads, good compression. Smaller datasets stay contiguous and
// uncompressed. Deflate level 1 is fast, and spike data compresses well even at that level.
constexpr hsize_t kChunkElems = 65536;
constexpr hsize_t kCompressMinElems = 4096;
constexpr unsigned kDeflateLevel = 1;

// The innermost message on HDF5's error stack, e.g. "truncated file: eof = ...", as " (message)".
std::string h5_detail() {
  std::string msg;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
        if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(data) = err->desc;
        return 0;
      },
      &msg);
  return msg.empty() ? std::string() : " (" + msg + ")";
}

H5Handle vlen_string_type() {
  H5Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

// Reads `n` strings of on-disk type `file_type` (variable- or fixed-length); `read(mem_type, buffer)`
// performs the H5Aread/H5Dread. Returns false when the read fails.
template <class ReadFn>
bool read_strings(hid_t file_type, size_t n, std::vector<std::string>& out, ReadFn read) {
  out.assign(n, {});
  if (n == 0) return true;
  if (H5Tis_variable_str(file_type) > 0) {
    H5Handle mem = vlen_string_type();
    std::vector<char*> ptrs(n, nullptr);
    if (read(mem.get(), ptrs.data()) < 0) return false;
    for (size_t i = 0; i < n; ++i) {
      if (ptrs[i] != nullptr) out[i] = ptrs[i];
      H5free_memory(ptrs[i]);
    }
    return true;
  }
  const size_t width = H5Tget_size(file_type);
  H5Handle mem(H5Tcopy(file_type), H5Tclose);
  std::vector<char> buf(n * width);
  if (read(mem.get(), buf.data()) < 0) return false;
  for (size_t i = 0; i < n; ++i) {
    const char* s = buf.data() + i * width;
    out[i].assign(s, std::find(s, s + width, '\0'));
  }
  return true;
}

}  // namespace

// ---- shared ----

H5Group H5File::root() const {
  H5Group g{H5Handle(H5Gopen2(file_.get(), "/", H5P_DEFAULT), H5Gclose), "/"};
  if (!g.handle.valid()) fail("/", "cannot open root group" + h5_detail());
  return g;
}

void H5File::fail(const std::string& object, const std::string& what) const {
  throw_error_at(label_, 0, 0, object, what);
}

// ---- writer ----

H5Writer::H5Writer(const std::filesystem::path& write_to, std::string file_label)
    : H5File(std::move(file_label)) {
  const auto dir = write_to.parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
    fail("", "cannot write: directory " + dir.string() + " does not exist");
  file_ = H5Handle(H5Fcreate(write_to.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file_.valid()) fail("", "cannot create HDF5 file" + h5_detail());
}

H5Group H5Writer::group(const H5Group& parent, const std::string& name) const {
  H5Group g{H5Handle(H5Gcreate2(parent.handle.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                     H5Gclose),
            parent.child(name)};
  if (!g.handle.valid()) fail(g.path, "cannot create group" + h5_detail());
  return g;
}

void H5Writer::write_attr(const H5Group& obj, const std::string& name, hid_t mem, hid_t file,
                          const void* v) const {
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle a(H5Acreate2(obj.handle.get(), name.c_str(), file, space.get(), H5P_DEFAULT, H5P_DEFAULT),
             H5Aclose);
  if (!a.valid() || H5Awrite(a.get(), mem, v) < 0)
    fail(obj.path, "cannot write attribute " + name + h5_detail());
}

void H5Writer::attr(const H5Group& obj, const std::string& name, const std::string& value) const {
  H5Handle type = vlen_string_type();
  const char* p = value.c_str();
  write_attr(obj, name, type.get(), type.get(), &p);
}

void H5Writer::attr(const H5Group& obj, const std::string& name,
                    const std::vector<std::string>& values) const {
  H5Handle type = vlen_string_type();
  const hsize_t n = values.size();
  H5Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  std::vector<const char*> ptrs;
  for (const auto& s : values) ptrs.push_back(s.c_str());
  H5Handle a(H5Acreate2(obj.handle.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
             H5Aclose);
  if (!a.valid() || (n > 0 && H5Awrite(a.get(), type.get(), ptrs.data()) < 0))
    fail(obj.path, "cannot write attribute " + name + h5_detail());
}

void H5Writer::write_dataset(const H5Group& parent, const std::string& name, hid_t mem, hid_t file,
                             const void* data, size_t count, const std::vector<hsize_t>& dims) const {
  const std::string object = parent.child(name);
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  if (dims.empty() || dims.size() > 2 || total != count) fail(object, "data size does not match its shape");
  H5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (total >= kCompressMinElems) {
    // Chunks of whole rows (a 2-D [samples][neurons] block), about kChunkElems elements each.
    std::vector<hsize_t> chunk(dims);
    chunk.back() = std::min(dims.back(), kChunkElems);
    if (dims.size() == 2) chunk[0] = std::clamp<hsize_t>(kChunkElems / chunk[1], 1, dims[0]);
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
      H5Pset_shuffle(dcpl.get());
      H5Pset_deflate(dcpl.get(), kDeflateLevel);
    }
  }
  create_and_write(parent, name, mem, file, space, dcpl, data, total > 0);
}

void H5Writer::create_and_write(const H5Group& parent, const std::string& name, hid_t mem, hid_t file,
                                const H5Handle& space, const H5Handle& dcpl, const void* data,
                                bool any) const {
  const std::string object = parent.child(name);
  H5Handle ds(
      H5Dcreate2(parent.handle.get(), name.c_str(), file, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose);
  if (!ds.valid()) fail(object, "cannot create dataset" + h5_detail());
  if (any && H5Dwrite(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    fail(object, "cannot write dataset" + h5_detail());
}

void H5Writer::string_dataset(const H5Group& parent, const std::string& name, const std::string& text) const {
  const std::string object = parent.child(name);
  H5Handle type = vlen_string_type();
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle ds(H5Dcreate2(parent.handle.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT),
              H5Dclose);
  const char* p = text.c_str();
  if (!ds.valid() || H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0)
    fail(object, "cannot write dataset" + h5_detail());
}

void H5Writer::close() {
  if (!file_.close()) fail("", "cannot finish writing the file" + h5_detail());
}

// ---- reader ----

H5Reader::H5Reader(const std::filesystem::path& path) : H5File(path.string()) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail("", "no such file");
  if (std::filesystem::is_directory(path, ec)) fail("", "is a directory, not an HDF5 file");
  if (H5Fis_hdf5(path.c_str()) <= 0) fail("", "not an HDF5 file");
  file_ = H5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file_.valid()) fail("", "cannot open: truncated or damaged HDF5 file" + h5_detail());
}

bool H5Reader::has(const H5Group& parent, const std::string& name) const {
  return H5Lexists(parent.handle.get(), name.c_str(), H5P_DEFAULT) > 0;
}

H5Group H5Reader::group(const H5Group& parent, const std::string& name) const {
  H5Group g{H5Handle(), parent.child(name)};
  if (!has(parent, name)) fail(g.path, "missing group");
  g.handle = H5Handle(H5Gopen2(parent.handle.get(), name.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.handle.valid()) fail(g.path, "not a readable group" + h5_detail());
  return g;
}

H5Handle H5Reader::open_attr(const H5Group& obj, const std::string& name) const {
  if (H5Aexists(obj.handle.get(), name.c_str()) <= 0) fail(obj.path, "missing attribute " + name);
  H5Handle a(H5Aopen(obj.handle.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!a.valid()) fail(obj.path, "cannot open attribute " + name + h5_detail());
  return a;
}

void H5Reader::read_attr(const H5Group& obj, const std::string& name, hid_t mem, void* v) const {
  H5Handle a = open_attr(obj, name);
  H5Handle type(H5Aget_type(a.get()), H5Tclose);
  H5Handle space(H5Aget_space(a.get()), H5Sclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Sget_simple_extent_npoints(space.get()) != 1)
    fail(obj.path, "attribute " + name + " is not a single number");
  if (H5Aread(a.get(), mem, v) < 0) fail(obj.path, "cannot read attribute " + name + h5_detail());
}

std::vector<std::string> H5Reader::attr_strings(const H5Group& obj, const std::string& name) const {
  H5Handle a = open_attr(obj, name);
  H5Handle type(H5Aget_type(a.get()), H5Tclose);
  H5Handle space(H5Aget_space(a.get()), H5Sclose);
  if (H5Tget_class(type.get()) != H5T_STRING) fail(obj.path, "attribute " + name + " is not text");
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<std::string> out;
  if (n < 0 || !read_strings(type.get(), static_cast<size_t>(n), out,
                             [&](hid_t mem, void* buf) { return H5Aread(a.get(), mem, buf); }))
    fail(obj.path, "cannot read attribute " + name + h5_detail());
  return out;
}

std::string H5Reader::attr_string(const H5Group& obj, const std::string& name) const {
  auto v = attr_strings(obj, name);
  if (v.size() != 1) fail(obj.path, "attribute " + name + " is not a single string");
  return v[0];
}

H5Handle H5Reader::open_dataset(const H5Group& parent, const std::string& name, int rank,
                                std::vector<hsize_t>& dims) const {
  const std::string object = parent.child(name);
  if (!has(parent, name)) fail(object, "missing dataset");
  H5Handle ds(H5Dopen2(parent.handle.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) fail(object, "not a readable dataset" + h5_detail());
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  const int found = H5Sget_simple_extent_ndims(space.get());
  if (found != rank)
    fail(object, "expected a " + std::to_string(rank) + "-D dataset, found " + std::to_string(found) + "-D");
  dims.assign(static_cast<size_t>(rank), 0);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return ds;
}

void H5Reader::read_dataset(const H5Handle& ds, const std::string& object, hid_t mem, void* out,
                            hsize_t n) const {
  H5Handle type(H5Dget_type(ds.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) fail(object, "dataset is not numeric");
  if (n > 0 && H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
    fail(object, "cannot read dataset" + h5_detail());
}

std::string H5Reader::string_dataset(const H5Group& parent, const std::string& name) const {
  const std::string object = parent.child(name);
  if (!has(parent, name)) fail(object, "missing dataset");
  H5Handle ds(H5Dopen2(parent.handle.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) fail(object, "not a readable dataset" + h5_detail());
  H5Handle type(H5Dget_type(ds.get()), H5Tclose);
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Sget_simple_extent_npoints(space.get()) != 1)
    fail(object, "dataset is not a single string");
  std::vector<std::string> out;
  if (!read_strings(type.get(), 1, out, [&](hid_t mem, void* buf) {
        return H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
      }))
    fail(object, "cannot read dataset" + h5_detail());
  return out[0];
}

}  // namespace scx::io

namespace scx::io {

// ---- datasets of any rank (NIR) ----

void H5Writer::nd_dataset(const H5Group& parent, const std::string& name, const void* data, hid_t mem,
                          hid_t file, const std::vector<hsize_t>& dims, bool compress) const {
  const std::string object = parent.child(name);
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  H5Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                              : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                 H5Sclose);
  H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (compress && !dims.empty() && total > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
    H5Pset_chunk(dcpl.get(), static_cast<int>(dims.size()), dims.data());
    H5Pset_deflate(dcpl.get(), 4);  // h5py's default level, as nir.write uses
  }
  create_and_write(parent, name, mem, file, space, dcpl, data, total > 0);
}

void H5Writer::strings_dataset(const H5Group& parent, const std::string& name,
                               const std::vector<std::string>& values,
                               const std::vector<hsize_t>& dims) const {
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  H5Handle type = vlen_string_type();
  nd_dataset(parent, name, ptrs.data(), type.get(), type.get(), dims, false);
}

std::vector<std::string> H5Reader::children(const H5Group& g) const {
  std::vector<std::string> names;
  const herr_t rc = H5Literate(
      g.handle.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* link, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(link);
        return 0;
      },
      &names);
  if (rc < 0) fail(g.path, "cannot list the group" + h5_detail());
  return names;
}

bool H5Reader::is_group(const H5Group& parent, const std::string& name) const {
  H5O_info_t info;
  return has(parent, name) &&
         H5Oget_info_by_name2(parent.handle.get(), name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
         info.type == H5O_TYPE_GROUP;
}

bool H5Reader::is_text(const H5Group& parent, const std::string& name) const {
  if (!has(parent, name) || is_group(parent, name)) return false;
  H5Handle ds(H5Dopen2(parent.handle.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) return false;
  H5Handle type(H5Dget_type(ds.get()), H5Tclose);
  return H5Tget_class(type.get()) == H5T_STRING;
}

H5Handle H5Reader::open_any(const H5Group& parent, const std::string& name, std::vector<hsize_t>& dims,
                            size_t max_values) const {
  const std::string object = parent.child(name);
  if (!has(parent, name)) fail(object, "missing dataset");
  H5Handle ds(H5Dopen2(parent.handle.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) fail(object, "not a readable dataset" + h5_detail());
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > 8) fail(object, "unsupported dataset rank " + std::to_string(rank));
  dims.assign(static_cast<size_t>(rank), 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  double total = 1;
  for (hsize_t d : dims) total *= static_cast<double>(d);
  if (total > static_cast<double>(max_values))
    fail(object, "dataset has " + std::to_string(static_cast<uint64_t>(total)) + " values, more than the " +
                     std::to_string(max_values) + " accepted");
  return ds;
}

uint32_t H5Reader::check_format(const std::string& format, uint32_t newest, const std::string& what) const {
  const H5Group r = root();
  if (attr_string(r, "format") != format) fail("/", "not a " + what);
  const auto version = attr<uint32_t>(r, "format_version");
  if (version > newest)
    fail("/", "format_version " + std::to_string(version) + " is newer than this build reads (" +
                  std::to_string(newest) + ")");
  return version;
}

std::vector<double> H5Reader::numbers(const H5Group& parent, const std::string& name,
                                      std::vector<hsize_t>& dims, size_t max_values) const {
  const std::string object = parent.child(name);
  H5Handle ds = open_any(parent, name, dims, max_values);
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  std::vector<double> out(n);
  H5Handle type(H5Dget_type(ds.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls == H5T_ENUM) {  // h5py stores bool as an enum over int8: read the raw integers
    H5Handle base(H5Tget_super(type.get()), H5Tclose);
    const size_t width = H5Tget_size(base.get());
    if (width != 1) fail(object, "enum dataset is not boolean");
    std::vector<int8_t> raw(n);
    H5Handle mem(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
    const int nmembers = H5Tget_nmembers(type.get());
    for (int k = 0; k < nmembers; ++k) {
      char* member = H5Tget_member_name(type.get(), static_cast<unsigned>(k));
      int8_t value = 0;
      H5Tget_member_value(type.get(), static_cast<unsigned>(k), &value);
      if (member != nullptr) H5Tenum_insert(mem.get(), member, &value);
      H5free_memory(member);
    }
    if (n > 0 && H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      fail(object, "cannot read dataset" + h5_detail());
    std::copy(raw.begin(), raw.end(), out.begin());
    return out;
  }
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) fail(object, "dataset is not numeric");
  if (n > 0 && H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    fail(object, "cannot read dataset" + h5_detail());
  return out;
}

std::vector<std::string> H5Reader::strings(const H5Group& parent, const std::string& name,
                                           std::vector<hsize_t>& dims, size_t max_values) const {
  const std::string object = parent.child(name);
  H5Handle ds = open_any(parent, name, dims, max_values);
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  H5Handle type(H5Dget_type(ds.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) fail(object, "dataset is not text");
  std::vector<std::string> out;
  if (!read_strings(type.get(), n, out, [&](hid_t mem, void* buf) {
        return H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
      }))
    fail(object, "cannot read dataset" + h5_detail());
  return out;
}

}  // namespace scx::io
