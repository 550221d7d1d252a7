#pragma once
// A small persistent pool that splits an index range over a fixed set of threads. Owned by one engine (no
// global pool); the calling thread takes the first slice, so a pool of one thread starts no thread at all.
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace scx::cogmem {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }
  // Calls fn(begin, end, slice) on `threads()` contiguous slices of [0, n) (fewer when n is small) and waits.
  void parallel_for(size_t n, const std::function<void(size_t, size_t, unsigned)>& fn);

 private:
  void worker_loop(unsigned slice);
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(size_t, size_t, unsigned)>* job_ = nullptr;
  size_t n_ = 0, slices_ = 0;
  unsigned long generation_ = 0;
  unsigned pending_ = 0;
  bool stop_ = false;
};

}  // namespace scx::cogmem
