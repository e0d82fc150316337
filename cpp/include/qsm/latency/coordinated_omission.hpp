// Coordinated-omission correction of recorded latencies, as HdrHistogram's
// corrected recording does it (Gil Tene; AbstractHistogram.
// recordValueWithExpectedInterval, hdr_record_corrected_value in HdrHistogram_c).
//
// A load generator that waits for each response before sending the next request
// records one slow value where an open-loop client, sending every `interval`,
// would have seen a whole run of them: the requests that should have been sent
// during the stall would have waited v - I, v - 2I, ... So every recorded value
// v is followed by the "missing" values v - k*I, k = 1, 2, ..., while
//   kReference (Java, C, Go HdrHistogram): v - k*I >= I
//   kPythonHdrh (the `hdrhistogram` PyPI package's record_corrected_value):
//                                          v - k*I > 0
// The two agree when v is a multiple of I; otherwise the Python package also
// records the remainder v mod I. Missing values are computed as v - k*I (one
// rounding each), not by repeated subtraction; for integer-valued data below
// 2^53 (the nanosecond or microsecond counts HdrHistogram records) both are exact.
//
// Two passes, so memory is exact and bounded: extra_count() for every value
// (O(1) each, saturating at a cap), then fill() writes v and its missing values
// at the value's prefix-sum offset.
#pragma once

#include <cmath>
#include <cstdint>

#include "qsm/core/config.hpp"

namespace qsm::latency {

enum CoRule : int32_t { kReference = 0, kPythonHdrh = 1 };

QSM_HD QSM_FORCEINLINE bool co_keep(double v, double interval, uint64_t k, int32_t rule) {
  const double missing = v - static_cast<double>(k) * interval;
  return rule == kPythonHdrh ? missing > 0.0 : missing >= interval;
}

// Number of missing values recorded after v (v >= 0 finite, interval > 0 finite),
// or `cap` + 1 if it exceeds `cap` (cap < 2^62). co_keep is nonincreasing in k,
// so the answer is the largest k with co_keep(k): start at floor(v / I), which is
// within one or two of it, and step.
QSM_HD inline uint64_t co_extra_count(double v, double interval, int32_t rule, uint64_t cap) {
  const double guess = std::floor(v / interval);
  if (!(guess <= static_cast<double>(cap) + 2.0)) return cap + 1;
  uint64_t k = guess > 0.0 ? static_cast<uint64_t>(guess) : 0;
  while (k > 0 && !co_keep(v, interval, k, rule)) --k;
  while (co_keep(v, interval, k + 1, rule)) {
    ++k;
    if (k > cap) return cap + 1;
  }
  return k > cap ? cap + 1 : k;
}

// Writes v and then its `extra` missing values v - I, v - 2I, ... to out.
QSM_HD inline void co_fill(double v, double interval, uint64_t extra, double* out) {
  out[0] = v;
  for (uint64_t k = 1; k <= extra; ++k) out[k] = v - static_cast<double>(k) * interval;
}

}  // namespace qsm::latency
