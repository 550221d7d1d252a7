// The STDP state file of `app stdp-images`: exact round trip, the documented layout read by h5py, and files
// with wrong shapes or values rejected with the file and object named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include "io_test_util.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/stdp_state.hpp"

namespace scx::io {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

StdpState sample_state() {
  StdpState s;
  s.neurons = 3, s.inputs = 4;
  for (int i = 0; i < 12; ++i) s.weights.push_back(0.1 * i + 1e-13);
  s.theta_mv = {0.5, 12.25, 0};
  s.dataset = "fmnist", s.epochs = 7, s.seed = 0xFEEDFACE12ULL, s.steps = 123456789012ULL;
  return s;
}

void expect_read_error(const std::filesystem::path& p, const std::string& part) {
  try {
    read_stdp_state_h5(p);
    FAIL() << "expected scx::Error for " << p;
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(p.string()));
    EXPECT_THAT(e.what(), HasSubstr(part));
  }
}

TEST(StdpState, RoundTripIsExactAndLeavesNoTemporaryFile) {
  TempDir dir;
  const StdpState s = sample_state();
  write_stdp_state_h5(dir / "state.h5", s);
  EXPECT_EQ(dir.entries(), 1u);
  const StdpState r = read_stdp_state_h5(dir / "state.h5");
  EXPECT_EQ(r.neurons, 3u);
  EXPECT_EQ(r.inputs, 4u);
  EXPECT_EQ(r.weights, s.weights);
  EXPECT_EQ(r.theta_mv, s.theta_mv);
  EXPECT_EQ(r.dataset, "fmnist");
  EXPECT_EQ(r.epochs, 7u);
  EXPECT_EQ(r.seed, s.seed);
  EXPECT_EQ(r.steps, s.steps);
  EXPECT_THROW(write_stdp_state_h5(dir / "absent-dir" / "state.h5", s), Error);
}

TEST(StdpState, MissingObjectsAndOtherFilesAreNamed) {
  TempDir dir;
  write_stdp_state_h5(dir / "state.h5", sample_state());
  const hid_t f = H5Fopen((dir / "state.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_GE(H5Ldelete(f, "/theta_mv", H5P_DEFAULT), 0);
  H5Fclose(f);
  expect_read_error(dir / "state.h5", "/theta_mv: missing");
  testing::write_file(dir / "notes.h5", "weights\n");
  expect_read_error(dir / "notes.h5", "not an HDF5 file");
}

// The documented layout (docs/learning-apps.md) read by an independent reader, and files it writes with
// wrong shapes or values rejected.
TEST(StdpState, H5pyReadsTheLayoutAndBadFilesAreRejected) {
  if (!testing::have_python_module("h5py")) GTEST_SKIP() << "/usr/bin/python3 with h5py not available";
  TempDir dir;
  write_stdp_state_h5(dir / "state.h5", sample_state());
  testing::write_file(dir / "check.py", R"(
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
assert f.attrs['format'] == 'silicortex-stdp-state' and f.attrs['format_version'] == 2
assert f.attrs['dataset'] == 'fmnist' and f.attrs['epochs'] == 7 and f.attrs['steps'] == 123456789012
w = f['weights']
assert w.dtype == np.float64 and w.shape == (3, 4) and abs(w[2, 1] - (0.9 + 1e-13)) < 1e-15
assert list(f['theta_mv'][:]) == [0.5, 12.25, 0]
def bad(name, weights, theta):
    with h5py.File(name, 'w') as g:
        for k, v in f.attrs.items(): g.attrs[k] = v
        g['weights'] = weights
        g['theta_mv'] = theta
bad(sys.argv[2] + '/theta.h5', f['weights'][:], [1.0, 2.0])
bad(sys.argv[2] + '/negative.h5', -f['weights'][:], f['theta_mv'][:])
bad(sys.argv[2] + '/nan.h5', f['weights'][:], [1.0, float('nan'), 0])
bad(sys.argv[2] + '/flat.h5', f['weights'][:].ravel(), f['theta_mv'][:])
with h5py.File(sys.argv[2] + '/version1.h5', 'w') as g:  # as written before `steps`
    for k, v in f.attrs.items():
        if k != 'steps': g.attrs[k] = v
    g.attrs['format_version'] = np.uint32(1)
    g['weights'] = f['weights'][:]
    g['theta_mv'] = f['theta_mv'][:]
with h5py.File(sys.argv[2] + '/clock.h5', 'w') as g:  # a clock no run reaches
    for k, v in f.attrs.items(): g.attrs[k] = v
    g.attrs['steps'] = np.uint64(1 << 63)
    g['weights'] = f['weights'][:]
    g['theta_mv'] = f['theta_mv'][:]
with h5py.File(sys.argv[2] + '/huge.h5', 'w') as g:  # 2^29 weights claimed, none stored
    for k, v in f.attrs.items(): g.attrs[k] = v
    g.create_dataset('weights', shape=(1 << 15, 1 << 14), dtype='f8', chunks=(64, 64))
    g['theta_mv'] = np.zeros(1 << 15)
)");
  ASSERT_EQ(testing::shell("/usr/bin/python3 " + (dir / "check.py").string() + " " +
                           (dir / "state.h5").string() + " " + dir.path().string()),
            0);
  expect_read_error(dir / "theta.h5", "/theta_mv: has 2 values for 3 neurons");
  expect_read_error(dir / "negative.h5", "/weights: element 0 is negative");
  expect_read_error(dir / "nan.h5", "/theta_mv: element 1 is not finite");
  expect_read_error(dir / "flat.h5", "/weights: expected a 2-D dataset");
  expect_read_error(dir / "huge.h5", "/weights: dataset has 536870912 values, more than the");
  expect_read_error(dir / "clock.h5", "steps = 9223372036854775808 is beyond 2^62");
  const StdpState v1 = read_stdp_state_h5(dir / "version1.h5");  // still read; its clock is unknown
  EXPECT_EQ(v1.epochs, 7u);
  EXPECT_EQ(v1.steps, 0u);
}

}  // namespace
}  // namespace scx::io
