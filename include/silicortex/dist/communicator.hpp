#pragma once
// How engine partitions talk across processes. The engine exchanges the spikes of each step through this
// interface; only this layer will ever include <mpi.h>. Today there is the local (single-process) implementation;
// an MPI one implements the same three calls.
#include <cstdint>
#include <memory>
#include <vector>

namespace scx::dist {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Gathers every rank's spikes of one step (global neuron indices, ascending per rank), concatenated in rank
  // order, so every rank delivers them in the same order whatever the rank count.
  virtual void all_gather_spikes(const std::vector<uint32_t>& local, std::vector<uint32_t>& all) = 0;
  virtual uint64_t sum(uint64_t local) = 0;
};

// One process: the gather is the identity.
class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void all_gather_spikes(const std::vector<uint32_t>& local, std::vector<uint32_t>& all) override { all = local; }
  uint64_t sum(uint64_t local) override { return local; }
};

// Which contiguous share of a group of `padded_size` neurons (a multiple of `align`) partition `part` of
// `parts` owns: [begin, end). Ranks split groups first, threads split a rank's share; both use this.
struct Share {
  uint32_t begin, end;
};
Share partition_share(uint32_t padded_size, uint32_t align, uint32_t part, uint32_t parts);

}  // namespace scx::dist
