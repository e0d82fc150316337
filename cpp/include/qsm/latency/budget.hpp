// Latency budget by simulation: one request's end-to-end latency through a
// program of stages in series, each stage either one call or a fan-out to N
// parallel calls that completes with the k-th fastest (k = N: wait for all).
//
// Stream layout (docs/determinism.md, "latency budget"): call j of request i in
// stage s (N calls) is the draw DrawRng(key, index = i * N + j, lane = s). Each
// call owns its draw, so request i is the same whichever call, thread or device
// computes it (split invariance); a serial stage 0 (N = 1) sees exactly
// qsmcore.random.sample(dist, n, seed) (lane 0, index i); and the calls of a
// fan-out have consecutive counters, which the CPU path generates 16 at a time
// with the SIMD Philox (budget_batch.hpp). Indices stay below 2^40 * 2^12.
//
// The k-th smallest of N calls is a bounded partial selection (KthSmallest): a
// binary heap of the m = min(k, N - k + 1) extreme values (a max-heap of the k
// smallest, or a min-heap of the N - k + 1 largest), O(N log m) time in
// caller-provided scratch of m doubles, so the same code runs on a GPU thread.
#pragma once

#include <cstdint>

#include "qsm/core/config.hpp"
#include "qsm/core/distributions.hpp"
#include "qsm/core/philox.hpp"

namespace qsm::latency {

inline constexpr uint32_t kMaxCalls = 4096;       // N of one fan-out
inline constexpr uint32_t kMaxStages = 1u << 16;  // lanes 0 .. kMaxStages - 1
inline constexpr uint64_t kMaxRequests = uint64_t{1} << 40;

struct Stage {
  Dist dist;
  uint32_t calls;  // N >= 1 (1: a serial component)
  uint32_t k;      // completes with the k-th fastest call, 1 <= k <= N
};

// Scratch doubles one request needs for this stage.
QSM_HD QSM_FORCEINLINE uint32_t stage_scratch(const Stage& st) {
  if (st.calls == 1 || st.k == 1 || st.k == st.calls) return 0;  // min, max: running values
  return st.k <= st.calls - st.k + 1 ? st.k : st.calls - st.k + 1;
}

// Restores the heap property below slot i of h[0..m) (a min-heap or a max-heap).
QSM_HD inline void sift_down(double* h, uint32_t m, uint32_t i, bool min_heap) {
  for (;;) {
    const uint32_t a = 2 * i + 1, b = a + 1;
    uint32_t top = i;
    if (a < m && (min_heap ? h[a] < h[top] : h[a] > h[top])) top = a;
    if (b < m && (min_heap ? h[b] < h[top] : h[b] > h[top])) top = b;
    if (top == i) return;
    const double t = h[i];
    h[i] = h[top];
    h[top] = t;
    i = top;
  }
}

// The k-th smallest of the N values pushed as call j = 0, 1, ..., N - 1. The
// result is a value, not a position, so it does not depend on the algorithm.
class KthSmallest {
 public:
  QSM_HD KthSmallest(const Stage& st, double* scratch) : n_(st.calls), k_(st.k), heap_(scratch) {
    keep_small_ = k_ <= n_ - k_ + 1;
    m_ = keep_small_ ? k_ : n_ - k_ + 1;
  }

  QSM_HD QSM_FORCEINLINE void push(double x, uint32_t j) {
    if (k_ == n_ || k_ == 1) {  // wait for all = max; first response = min
      if (j == 0 || (k_ == n_ ? x > best_ : x < best_)) best_ = x;
      return;
    }
    // Keep the k smallest under a max-heap (top = k-th smallest), or the
    // n - k + 1 largest under a min-heap (top = their minimum = k-th smallest).
    if (j < m_) {
      heap_[j] = x;
      if (j == m_ - 1)
        for (uint32_t i = m_ / 2; i-- > 0;) sift_down(heap_, m_, i, !keep_small_);
    } else if (keep_small_ ? x < heap_[0] : x > heap_[0]) {
      heap_[0] = x;
      sift_down(heap_, m_, 0, !keep_small_);
    }
  }

  QSM_HD QSM_FORCEINLINE double result() const { return (k_ == n_ || k_ == 1) ? best_ : heap_[0]; }

 private:
  uint32_t n_, k_, m_;
  bool keep_small_;
  double* heap_;
  double best_ = 0.0;
};

// The latency of stage s (N calls) for request i, scalar: the reference that a
// GPU thread runs and that the CPU batch path must reproduce bit for bit.
QSM_HD inline double stage_latency(const Stage& st, uint32_t s, uint64_t key, uint64_t i,
                                   double* scratch) {
  KthSmallest acc(st, scratch);
  const uint64_t first = i * st.calls;
  for (uint32_t j = 0; j < st.calls; ++j) {
    DrawRng rng(key, first + j, s);
    acc.push(sample(st.dist, rng), j);
  }
  return acc.result();
}

// End-to-end latency of request i: the sum of its stages, added in order.
// Writes stage s's latency to per_stage[s] when per_stage is not null.
QSM_HD inline double request_latency(const Stage* stages, uint32_t n_stages, uint64_t key,
                                     uint64_t i, double* scratch, double* per_stage) {
  double total = 0.0;
  for (uint32_t s = 0; s < n_stages; ++s) {
    const double x = stage_latency(stages[s], s, key, i, scratch);
    if (per_stage != nullptr) per_stage[s] = x;
    total += x;
  }
  return total;
}

}  // namespace qsm::latency
