#pragma once
// How engine partitions talk across processes. The engine exchanges the spikes of each step and gathers its
// recordings through this interface; only src/dist/ includes <mpi.h>. make_communicator() returns the MPI one
// when the program was started by mpirun (and built with MPI), the local one otherwise.
#include <cstdint>
#include <memory>
#include <vector>

namespace scx::dist {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Every rank's `local` concatenated in rank order into `all`; rank r's part starts at rank_begin[r]
  // (rank_begin has size() + 1 entries).
  virtual void all_gather(const std::vector<uint32_t>& local, std::vector<uint32_t>& all,
                          std::vector<size_t>& rank_begin) = 0;
  virtual void all_gather(const std::vector<uint64_t>& local, std::vector<uint64_t>& all) = 0;
  // Element-wise sums across ranks, in place, on every rank.
  virtual void sum(std::vector<uint64_t>& values) = 0;
  virtual void sum(std::vector<float>& values) = 0;
};

// One process: gathers are copies, sums are the identity.
class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void all_gather(const std::vector<uint32_t>& local, std::vector<uint32_t>& all,
                  std::vector<size_t>& rank_begin) override {
    all = local;
    rank_begin = {0, local.size()};
  }
  void all_gather(const std::vector<uint64_t>& local, std::vector<uint64_t>& all) override { all = local; }
  void sum(std::vector<uint64_t>&) override {}
  void sum(std::vector<float>&) override {}
};

// The MPI communicator under mpirun when built with MPI; a LocalCommunicator otherwise.
std::shared_ptr<Communicator> make_communicator(int* argc, char*** argv);

// Which contiguous share [begin, end) of `count` items (a multiple of `align`) partition `part` of `parts`
// owns. Ranks split each group first, threads split their rank's share second; both use this rule.
struct Share {
  uint32_t begin, end;
};
Share partition_share(uint32_t count, uint32_t align, uint32_t part, uint32_t parts);

}  // namespace scx::dist
