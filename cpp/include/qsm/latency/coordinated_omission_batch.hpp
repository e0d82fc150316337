// CPU driver of the coordinated-omission correction: count, then fill.
//
// Pass 1 counts the corrected output of every chunk of `kCoGrain` input values
// (saturating at cap + 1, so no sum can overflow); the caller checks the total
// against its limit and allocates exactly that many doubles; pass 2 writes each
// chunk at its prefix-sum offset. The output is therefore in input order (each
// value followed by its missing values) and independent of the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "qsm/core/parallel.hpp"
#include "qsm/latency/coordinated_omission.hpp"

namespace qsm::latency {

inline constexpr uint64_t kCoGrain = uint64_t{1} << 15;

struct CoPlan {
  std::vector<uint64_t> offsets;  // output offset of every chunk (size chunks + 1)
  uint64_t total = 0;             // output length, or cap + 1 if it exceeds cap
};

inline uint64_t saturating_add(uint64_t a, uint64_t b, uint64_t cap) {
  return (a > cap || b > cap || a + b > cap) ? cap + 1 : a + b;
}

inline CoPlan co_plan(const double* values, uint64_t n, double interval, int32_t rule, uint64_t cap,
                      int threads) {
  CoPlan plan;
  const uint64_t chunks = chunk_count(n, kCoGrain);
  std::vector<uint64_t> per_chunk(chunks, 0);
  parallel_for(n, kCoGrain, threads, [&](uint64_t begin, uint64_t end) {
    uint64_t s = 0;
    for (uint64_t i = begin; i < end; ++i)
      s = saturating_add(s, 1 + co_extra_count(values[i], interval, rule, cap), cap);
    per_chunk[begin / kCoGrain] = s;
  });
  plan.offsets.assign(chunks + 1, 0);
  for (uint64_t c = 0; c < chunks; ++c) {
    plan.total = saturating_add(plan.total, per_chunk[c], cap);
    plan.offsets[c + 1] = plan.total;
  }
  return plan;
}

// `out` holds plan.total doubles (plan.total <= cap).
inline void co_fill_all(const double* values, uint64_t n, double interval, int32_t rule,
                        uint64_t cap, const CoPlan& plan, double* out, int threads) {
  parallel_for(n, kCoGrain, threads, [&](uint64_t begin, uint64_t end) {
    uint64_t pos = plan.offsets[begin / kCoGrain];
    for (uint64_t i = begin; i < end; ++i) {
      const uint64_t extra = co_extra_count(values[i], interval, rule, cap);
      co_fill(values[i], interval, extra, out + pos);
      pos += 1 + extra;
    }
  });
}

}  // namespace qsm::latency
