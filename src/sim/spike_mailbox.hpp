#pragma once
// Where threads hand each other a block's spikes. Every step of a small network ends with each core waiting
// for the other's spikes, so what counts is how many cache-line transfers that takes one after another.
// Reading another thread's std::vector costs three (its arrival flag, the vector's header, then its data, per
// group); a mailbox costs one: the publication counter, the spike counts and the first spike indices share a
// cache line at a fixed address, and any further lines are fetched in parallel. Publishing is also the
// barrier: a thread that has seen every other thread's mailbox of this block knows all their spikes of the
// block are written.
//
// Two mailboxes per thread, used alternately: a thread can run at most one block ahead of the slowest one, so
// it never writes a mailbox that someone still reads. A block with more spikes than a mailbox holds is marked
// as overflowed and read from the owner's spike lists instead.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "silicortex/core/aligned_vector.hpp"
#include "sim/spin_barrier.hpp"

namespace scx::sim {

class SpikeMailboxes {
 public:
  // A payload is [length in words (this word included) or kOverflow, then whatever the engine packs].
  static constexpr uint32_t kOverflow = ~uint32_t{0};
  static constexpr size_t kWords = 4096;     // payload words per mailbox
  static constexpr size_t kHeaderWords = 2;  // the 64-bit publication counter

  explicit SpikeMailboxes(unsigned threads) : threads_(threads), boxes_(size_t(threads) * 2) {
    for (auto& b : boxes_) b.words.assign(kWords + kHeaderWords, 0);
  }

  // Thread t's next mailbox to fill: payload words after the header.
  uint32_t* draft(unsigned t) { return payload(box(t, published_[t].n + 1)); }

  // Makes thread t's draft visible to the others.
  void publish(unsigned t) {
    const uint64_t epoch = ++published_[t].n;
    announce(box(t, epoch), epoch);
  }

  // Returns once every thread has published as often as t (after t's publish).
  void wait_for_others(unsigned t) {
    const uint64_t epoch = published_[t].n;
    for (unsigned u = 0; u < threads_; ++u) {
      if (u == t) continue;
      Box& b = box(u, epoch);
      published_[t].wait.wait_until_at_least(epoch_word(b), epoch, sleepers_);
      // Word 0 of a payload is its length in words: ask for all its lines at once.
      const uint32_t* p = payload(b);
      const size_t bytes = p[0] == kOverflow ? 0 : (size_t(p[0]) + kHeaderWords) * 4;
      for (size_t line = 64; line < bytes; line += 64)
        __builtin_prefetch(reinterpret_cast<const char*>(b.words.data()) + line);
    }
  }

  // Thread u's publication that matches thread t's latest one (valid after t's wait_for_others).
  const uint32_t* received(unsigned t, unsigned u) const { return payload(box(u, published_[t].n)); }

  // Progressive publication, for blocks of one step: a thread publishes its spikes group by group as it
  // updates them, and the others take each group as soon as it is out. They deliver the first groups while
  // the last ones are still crossing, instead of waiting for the whole step. Each group has lines of its
  // own in a mailbox, [block counter (2 words), count (or kOverflow), spikes], so a reader that holds one
  // group's lines keeps them while the owner writes the next groups.
  // One publication per group and step: for the few groups of most networks.
  static constexpr unsigned kMaxGroups = 8;
  static constexpr size_t kGroupWords = (kWords + kHeaderWords) / kMaxGroups;

  void publish_group(unsigned t, unsigned g, unsigned groups, const uint32_t* spikes, uint32_t n) {
    Count& me = published_[t];
    const uint64_t block = me.n + 1;
    uint32_t* w = group_words(box(t, block), g);
    if (n <= kGroupWords - 3) {
      w[2] = n;
      std::copy(spikes, spikes + n, w + 3);
    } else {
      w[2] = kOverflow;  // the reader takes the owner's spike list
    }
    publish_epoch(group_epoch(w), block, sleepers_);
    if (g + 1 == groups) me.n = block;
    // The others update at the same pace: their lines of this group are out, or nearly. Asking for them
    // now brings them in while this thread updates its next group.
    for (unsigned u = 0; u < threads_; ++u)
      if (u != t) __builtin_prefetch(group_words(box(u, block), g));
  }

  // Asks for the first line of thread u's group g in the block t has just published whole.
  void prefetch_group(unsigned t, unsigned u, unsigned g) {
    __builtin_prefetch(group_words(box(u, published_[t].n), g));
  }

  // Thread u's spikes of group g in the block thread t has just published whole: (spikes, count), or
  // (nullptr, kOverflow) when they did not fit. Waits until u has published them.
  std::pair<const uint32_t*, uint32_t> take_group(unsigned t, unsigned u, unsigned g) {
    const uint64_t block = published_[t].n;
    uint32_t* w = group_words(box(u, block), g);
    published_[t].wait.wait_until_at_least(group_epoch(w), block, sleepers_);
    if (w[2] == kOverflow) return {nullptr, kOverflow};
    for (size_t line = 64; line < (w[2] + 3) * 4; line += 64)
      __builtin_prefetch(reinterpret_cast<const char*>(w) + line);
    return {w + 3, w[2]};
  }

 private:
  struct alignas(64) Box {
    AlignedVector<uint32_t> words;  // [counter lo, counter hi, payload...]; 64-byte aligned
  };
  struct alignas(64) Count {
    uint64_t n = 0;  // publications (whole blocks) so far, written by its own thread only
    SpinWait wait;   // its own thread's
  };
  void announce(Box& b, uint64_t value) { publish_epoch(epoch_word(b), value, sleepers_); }
  Box& box(unsigned t, uint64_t epoch) { return boxes_[size_t(t) * 2 + (epoch & 1)]; }
  const Box& box(unsigned t, uint64_t epoch) const { return boxes_[size_t(t) * 2 + (epoch & 1)]; }
  static uint64_t& epoch_word(Box& b) { return *reinterpret_cast<uint64_t*>(b.words.data()); }
  static uint32_t* group_words(Box& b, unsigned g) { return b.words.data() + g * kGroupWords; }
  static uint64_t& group_epoch(uint32_t* group) { return *reinterpret_cast<uint64_t*>(group); }
  static uint32_t* payload(Box& b) { return b.words.data() + kHeaderWords; }
  static const uint32_t* payload(const Box& b) { return b.words.data() + kHeaderWords; }

  const unsigned threads_;
  std::vector<Box> boxes_;
  std::vector<Count> published_ = std::vector<Count>(threads_);
  alignas(64) std::atomic<uint32_t> sleepers_{0};
};

}  // namespace scx::sim
