// Latency budget by simulation: one request's end-to-end latency through a
// program of stages in series, each stage either one call or a fan-out to N
// parallel calls that completes with the k-th fastest (k = N: wait for all).
//
// Stream layout (docs/determinism.md, "latency budget"): request i, stage s
// draws from DrawRng(key, index = i, lane = s); the N calls of a fan-out are
// consecutive variates of that one private sequence. So request i is the same
// whichever call, thread or device computes it (split invariance), and a serial
// stage 0 sees exactly qsmcore.random.sample(dist, n, seed) (lane 0, index i).
//
// The k-th smallest of N calls is a bounded partial selection: a binary heap of
// the m = min(k, N - k + 1) extreme values (a max-heap of the k smallest, or a
// min-heap of the N - k + 1 largest), O(N log m) time in caller-provided
// scratch of m doubles, so the same code runs on a GPU thread.
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

// The latency of one stage for one request.
QSM_HD inline double stage_latency(const Stage& st, DrawRng& rng, double* scratch) {
  const uint32_t n = st.calls, k = st.k;
  if (n == 1) return sample(st.dist, rng);
  if (k == n || k == 1) {  // wait for all = max; first response = min
    double best = sample(st.dist, rng);
    for (uint32_t j = 1; j < n; ++j) {
      const double x = sample(st.dist, rng);
      best = (k == n) ? (x > best ? x : best) : (x < best ? x : best);
    }
    return best;
  }
  // The k-th smallest: keep the k smallest under a max-heap (top = k-th
  // smallest), or the n - k + 1 largest under a min-heap (top = their minimum =
  // the k-th smallest), whichever heap is smaller.
  const bool keep_small = k <= n - k + 1;
  const uint32_t m = keep_small ? k : n - k + 1;
  for (uint32_t j = 0; j < m; ++j) scratch[j] = sample(st.dist, rng);
  for (uint32_t j = m / 2; j-- > 0;) sift_down(scratch, m, j, !keep_small);
  for (uint32_t j = m; j < n; ++j) {
    const double x = sample(st.dist, rng);
    if (keep_small ? x < scratch[0] : x > scratch[0]) {
      scratch[0] = x;
      sift_down(scratch, m, 0, !keep_small);
    }
  }
  return scratch[0];
}

// End-to-end latency of request `index`: the sum of its stages, in order.
// Writes stage s's latency to per_stage[s] when per_stage is not null.
QSM_HD inline double request_latency(const Stage* stages, uint32_t n_stages, uint64_t key,
                                     uint64_t index, double* scratch, double* per_stage) {
  double total = 0.0;
  for (uint32_t s = 0; s < n_stages; ++s) {
    DrawRng rng(key, index, s);
    const double x = stage_latency(stages[s], rng, scratch);
    if (per_stage != nullptr) per_stage[s] = x;
    total += x;
  }
  return total;
}

}  // namespace qsm::latency
