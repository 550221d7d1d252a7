#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include "io_test_util.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/core/rng.hpp"
#include "silicortex/io/recording.hpp"

namespace scx::io {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

void expect_same(const sim::RunResult& a, const sim::RunResult& b) {
  EXPECT_EQ(a.meta.model_name, b.meta.model_name);
  EXPECT_EQ(a.meta.model_source, b.meta.model_source);
  EXPECT_EQ(a.meta.version, b.meta.version);
  EXPECT_EQ(a.meta.seed, b.meta.seed);
  EXPECT_EQ(a.meta.dt_ms, b.meta.dt_ms);
  EXPECT_EQ(a.meta.duration_ms, b.meta.duration_ms);
  EXPECT_EQ(a.meta.threads, b.meta.threads);
  EXPECT_EQ(a.meta.wall_s, b.meta.wall_s);
  EXPECT_EQ(a.meta.loop_wall_s, b.meta.loop_wall_s);
  EXPECT_EQ(a.meta.build_wall_s, b.meta.build_wall_s);
  EXPECT_EQ(a.meta.neurons, b.meta.neurons);
  EXPECT_EQ(a.meta.synapses, b.meta.synapses);
  EXPECT_EQ(a.meta.spikes, b.meta.spikes);
  EXPECT_EQ(a.meta.synaptic_events, b.meta.synaptic_events);
  ASSERT_EQ(a.spikes.size(), b.spikes.size());
  for (size_t i = 0; i < a.spikes.size(); ++i) {
    SCOPED_TRACE(a.spikes[i].population);
    EXPECT_EQ(a.spikes[i].population, b.spikes[i].population);
    EXPECT_EQ(a.spikes[i].size, b.spikes[i].size);
    EXPECT_EQ(a.spikes[i].times_ms, b.spikes[i].times_ms);
    EXPECT_EQ(a.spikes[i].neurons, b.spikes[i].neurons);
    EXPECT_EQ(a.spikes[i].total_spikes, b.spikes[i].total_spikes);
    EXPECT_EQ(a.spikes[i].recorded, b.spikes[i].recorded);
  }
  ASSERT_EQ(a.traces.size(), b.traces.size());
  for (size_t i = 0; i < a.traces.size(); ++i) {
    SCOPED_TRACE("trace " + std::to_string(i));
    EXPECT_EQ(a.traces[i].population, b.traces[i].population);
    EXPECT_EQ(a.traces[i].variable, b.traces[i].variable);
    EXPECT_EQ(a.traces[i].interval_ms, b.traces[i].interval_ms);
    EXPECT_EQ(a.traces[i].neurons, b.traces[i].neurons);
    EXPECT_EQ(a.traces[i].times_ms, b.traces[i].times_ms);
    EXPECT_EQ(a.traces[i].values, b.traces[i].values);
  }
}

// Adds a population with enough random spikes and a long trace to use the chunked, compressed layout.
sim::RunResult large_run() {
  sim::RunResult run = testing::sample_run();
  sim::PopulationSpikes big{"big", 1000, {}, {}, 0, true};
  RandomStream rng(7, 1);
  double t = 0;
  for (int k = 0; k < 50'000; ++k) {
    t += rng.uniform(0, 0.01);
    big.times_ms.push_back(t);
    big.neurons.push_back(static_cast<uint32_t>(rng.below(1000)));
  }
  big.total_spikes = big.times_ms.size();
  run.spikes.insert(run.spikes.begin() + 1, big);  // order must survive, not be alphabetical
  sim::StateTrace w{"big", "w", 0.1, {}, {}, {}};
  for (uint32_t j = 0; j < 7; ++j) w.neurons.push_back(j * 100);
  for (int s = 0; s < 20'000; ++s) {
    w.times_ms.push_back(0.1 * s);
    for (size_t j = 0; j < w.neurons.size(); ++j) w.values.push_back(static_cast<float>(rng.normal()));
  }
  run.traces.push_back(w);
  return run;
}

TEST(Recording, RoundTripIsExact) {
  TempDir dir;
  const auto run = large_run();
  write_run_h5(dir / "run.h5", run);
  expect_same(run, read_run_h5(dir / "run.h5"));
}

TEST(Recording, LargeDatasetsAreCompressed) {
  TempDir dir;
  const auto run = large_run();
  write_run_h5(dir / "run.h5", run);
  // Raw payload of the big population and trace alone: 50000 * (8 + 4) + 20000 * (8 + 7 * 4) bytes.
  const double raw = 50'000 * 12.0 + 20'000 * 36.0;
  EXPECT_LT(static_cast<double>(std::filesystem::file_size(dir / "run.h5")), raw);
}

TEST(Recording, EmptyRunRoundTrips) {
  TempDir dir;
  sim::RunResult run;
  write_run_h5(dir / "empty.h5", run);
  expect_same(run, read_run_h5(dir / "empty.h5"));
}

TEST(Recording, NoTemporaryFileRemainsAndOverwriteReplaces) {
  TempDir dir;
  write_run_h5(dir / "run.h5", large_run());
  const auto small = testing::sample_run();
  write_run_h5(dir / "run.h5", small);
  EXPECT_EQ(dir.entries(), 1u);
  expect_same(small, read_run_h5(dir / "run.h5"));
}

TEST(Recording, MissingDirectoryThrowsAndLeavesNothing) {
  TempDir dir;
  const auto target = dir / "no_such_dir/run.h5";
  try {
    write_run_h5(target, testing::sample_run());
    FAIL() << "expected scx::Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(target.string()));
  }
  EXPECT_EQ(dir.entries(), 0u);
}

TEST(Recording, UnusablePopulationNameThrowsAndLeavesNothing) {
  TempDir dir;
  auto run = testing::sample_run();
  run.spikes[1].population = "a/b";
  EXPECT_THROW(write_run_h5(dir / "run.h5", run), Error);
  run.spikes[1].population = "exc";
  EXPECT_THROW(write_run_h5(dir / "run.h5", run), Error);
  EXPECT_EQ(dir.entries(), 0u);
}

void expect_read_error(const std::filesystem::path& p, const std::string& part) {
  try {
    read_run_h5(p);
    FAIL() << "expected scx::Error for " << p;
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(p.string()));
    EXPECT_THAT(e.what(), HasSubstr(part));
  }
}

TEST(Recording, TruncatedFileGivesErrorNamingIt) {
  TempDir dir;
  write_run_h5(dir / "run.h5", large_run());
  const std::string bytes = testing::read_file(dir / "run.h5");
  testing::write_file(dir / "half.h5", bytes.substr(0, bytes.size() / 2));
  expect_read_error(dir / "half.h5", "truncated");
}

TEST(Recording, NonHdf5AndMissingFilesGiveErrors) {
  TempDir dir;
  testing::write_file(dir / "notes.h5", "this is not HDF5\n");
  expect_read_error(dir / "notes.h5", "not an HDF5 file");
  expect_read_error(dir / "absent.h5", "no such file");
  testing::write_file(dir / "zero.h5", "");
  expect_read_error(dir / "zero.h5", "not an HDF5 file");
}

// Removes one object from a valid recording with the HDF5 C API.
void delete_object(const std::filesystem::path& p, const char* object) {
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_GE(H5Ldelete(f, object, H5P_DEFAULT), 0);
  H5Fclose(f);
}

TEST(Recording, MissingObjectsAreNamed) {
  TempDir dir;
  for (const char* object :
       {"/spikes/inh/neurons", "/traces/1/values", "/meta/model_source", "/spikes/exc", "/traces"}) {
    SCOPED_TRACE(object);
    write_run_h5(dir / "run.h5", testing::sample_run());
    delete_object(dir / "run.h5", object);
    expect_read_error(dir / "run.h5", std::string(object) + ": missing");
  }
}

TEST(Recording, OtherHdf5FileIsRejected) {
  TempDir dir;
  const hid_t f = H5Fcreate((dir / "other.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Fclose(f);
  expect_read_error(dir / "other.h5", "missing attribute format");
}

// The layout documented in docs/recording-format.md, read by an independent reader (h5py).
TEST(Recording, H5pyReadsTheDocumentedLayout) {
  if (!testing::have_python_module("h5py")) GTEST_SKIP() << "/usr/bin/python3 with h5py not available";
  TempDir dir;
  const auto run = testing::sample_run();
  write_run_h5(dir / "run.h5", run);
  testing::write_file(dir / "check.py", R"(
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
assert f.attrs['format'] == 'silicortex-run' and f.attrs['format_version'] == 1
m = f['meta']
assert m.attrs['model_name'] == 'sample <net> & "friends"'
assert m['model_source'].asstr()[()].startswith('[network]\nname')
assert m.attrs['seed'] == 0xDEADBEEFCAFE and m.attrs['threads'] == 3 and m.attrs['dt_ms'] == 0.1
assert list(f['spikes'].attrs['populations']) == ['exc', 'inh', 'input']
e = f['spikes/exc']
assert e['times_ms'].dtype == np.float64 and e['neurons'].dtype == np.uint32
assert list(e['neurons'][:]) == [3, 0, 29, 7, 3] and e.attrs['size'] == 30 and e.attrs['recorded'] == 1
assert f['spikes/input/times_ms'].shape == (0,) and f['spikes/input'].attrs['recorded'] == 0
assert f['traces'].attrs['count'] == 2
v = f['traces/0']
assert v.attrs['population'] == 'exc' and v.attrs['variable'] == 'v' and v.attrs['interval_ms'] == 0.5
assert v['values'].dtype == np.float32 and v['values'].shape == (200, 3)
assert v['values'][10, 2] == np.float32(-65.0) + np.float32(0.01) * np.float32(30)
assert f['traces/1/values'].shape == (0, 1)
print('ok')
)");
  EXPECT_EQ(
      testing::shell("/usr/bin/python3 " + (dir / "check.py").string() + " " + (dir / "run.h5").string()), 0);
}

}  // namespace
}  // namespace scx::io
