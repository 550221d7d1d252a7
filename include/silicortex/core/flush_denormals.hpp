#pragma once
// Flushes denormal floats to zero on this thread while in scope (x86's FTZ and DAZ bits), and restores the
// caller's mode after. A synaptic variable that decays with no input ends in the denormal range (the smallest
// denormal times a decay factor near 1 rounds back to itself, so it never reaches 0), where every arithmetic
// operation on it takes a microcode assist: a quiet COBA network ran 10x slower per step than an active one.
// Values below 1.2e-38 (pA, nS, mV) carry no meaning in a model, and every thread of a run uses the same
// mode, so results stay the same for any thread count. Brian2's standalone builds run so too (-ffast-math).
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace scx {

class FlushDenormals {
 public:
#if defined(__x86_64__) || defined(__i386__)
  FlushDenormals() : saved_(_mm_getcsr()) {
    _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero);
  }
  ~FlushDenormals() {
    _mm_setcsr(saved_);
  }

 private:
  static constexpr unsigned kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;
  unsigned saved_;
#else
  FlushDenormals() = default;
#endif
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;
};

}  // namespace scx
