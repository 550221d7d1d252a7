// The only file that includes <mpi.h>. Compiled when CMake finds MPI (SCX_WITH_MPI).
#ifdef SCX_WITH_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only: no deprecated C++ bindings to link
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include "silicortex/core/error.hpp"
#include "silicortex/dist/communicator.hpp"

namespace scx::dist {
namespace {

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator(int* argc, char*** argv) {
    int provided = 0;
    // Only the thread that runs the step loop's thread 0 calls MPI.
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
      throw Error("MPI: initialisation failed");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void all_gather(const std::vector<uint32_t>& local, std::vector<uint32_t>& all,
                  std::vector<size_t>& rank_begin) override {
    gather_counts(static_cast<int>(local.size()));
    all.resize(displs_.back() + counts_.back());
    MPI_Allgatherv(local.data(), static_cast<int>(local.size()), MPI_UINT32_T, all.data(), counts_.data(),
                   displs_.data(), MPI_UINT32_T, MPI_COMM_WORLD);
    rank_begin.assign(displs_.begin(), displs_.end());
    rank_begin.push_back(all.size());
  }

  void all_gather(const std::vector<uint64_t>& local, std::vector<uint64_t>& all) override {
    gather_counts(static_cast<int>(local.size()));
    all.resize(displs_.back() + counts_.back());
    MPI_Allgatherv(local.data(), static_cast<int>(local.size()), MPI_UINT64_T, all.data(), counts_.data(),
                   displs_.data(), MPI_UINT64_T, MPI_COMM_WORLD);
  }

  void sum(std::vector<uint64_t>& values) override {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_UINT64_T, MPI_SUM,
                  MPI_COMM_WORLD);
  }
  // Each value is non-zero on at most one rank (its owner), so the float sum is exact.
  void sum(std::vector<float>& values) override {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_FLOAT, MPI_SUM,
                  MPI_COMM_WORLD);
  }

 private:
  void gather_counts(int count) {
    counts_.resize(size_);
    displs_.resize(size_);
    MPI_Allgather(&count, 1, MPI_INT, counts_.data(), 1, MPI_INT, MPI_COMM_WORLD);
    for (int r = 0, at = 0; r < size_; ++r) {
      displs_[r] = at;
      at += counts_[r];
    }
  }
  int rank_ = 0, size_ = 1;
  std::vector<int> counts_, displs_;
};

}  // namespace

std::shared_ptr<Communicator> make_mpi_communicator(int* argc, char*** argv) {
  return std::make_shared<MpiCommunicator>(argc, argv);
}

}  // namespace scx::dist
#endif
