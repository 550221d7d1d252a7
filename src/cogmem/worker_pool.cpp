#include "silicortex/cogmem/worker_pool.hpp"

#include <algorithm>

namespace scx::cogmem {

WorkerPool::WorkerPool(unsigned threads) {
  const unsigned extra = std::max(threads, 1u) - 1;
  for (unsigned i = 0; i < extra; ++i) workers_.emplace_back([this, i] { worker_loop(i + 1); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

static void run_slice(const std::function<void(size_t, size_t, unsigned)>& fn, size_t n, size_t slices,
                      unsigned slice) {
  if (slice >= slices) return;
  const size_t begin = n * slice / slices, end = n * (slice + 1) / slices;
  if (begin < end) fn(begin, end, slice);
}

void WorkerPool::parallel_for(size_t n, const std::function<void(size_t, size_t, unsigned)>& fn) {
  const size_t slices = std::min<size_t>(threads(), n);
  if (slices <= 1) {
    if (n > 0) fn(0, n, 0);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    job_ = &fn;
    n_ = n;
    slices_ = slices;
    pending_ = static_cast<unsigned>(workers_.size());
    ++generation_;
  }
  wake_.notify_all();
  run_slice(fn, n, slices, 0);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  job_ = nullptr;
}

void WorkerPool::worker_loop(unsigned slice) {
  unsigned long seen = 0;
  for (;;) {
    const std::function<void(size_t, size_t, unsigned)>* job;
    size_t n, slices;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      job = job_;
      n = n_;
      slices = slices_;
    }
    run_slice(*job, n, slices, slice);
    {
      std::lock_guard lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }
}

}  // namespace scx::cogmem
