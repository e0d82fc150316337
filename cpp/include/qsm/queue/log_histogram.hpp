// A log-linear histogram of non-negative values (waits, response times) for
// per-replication quantiles in O(1) per value and bounded memory.
//
// Bucket of a positive double v: its IEEE exponent and the top kSubBits bits of
// its mantissa, i.e. the top (11 + kSubBits) bits of the bit pattern, which are
// monotone in v. Every bucket spans [b, b * (1 + 2^-kSubBits)), so the midpoint
// reported for a quantile is within a relative 2^-(kSubBits+1) (0.05% for 10
// bits) of every value in the bucket; it is clamped to the exact min and max
// seen. Exact zeros (a customer who did not wait: probability 1 - rho in
// M/M/1) have their own counter and are reported as exactly 0. Values below
// 2^kMinExp are counted as zeros' neighbours in bucket 0 and values at or above
// 2^kMaxExp in the last bucket, so no input can index out of range; min/max keep
// the quantiles honest there too.
//
// The counts live in caller-provided memory (a std::vector per thread on the
// CPU, a slice of global memory per replication on the GPU), so the same QSM_HD
// code runs in both places. `lo`/`hi` track the touched bucket range so that
// clearing and walking cost O(range), not O(kBuckets).
#pragma once

#include <cstdint>
#include <cstring>

#include "qsm/core/config.hpp"

namespace qsm::queue {

inline constexpr int kSubBits = 10;
inline constexpr int kMinExp = -64;  // 2^-64: below any time unit anyone uses
inline constexpr int kMaxExp = 64;
inline constexpr uint32_t kBuckets = static_cast<uint32_t>(kMaxExp - kMinExp) << kSubBits;

QSM_HD QSM_FORCEINLINE uint64_t double_bits(double v) {
#if QSM_DEVICE_PASS
  return static_cast<uint64_t>(__double_as_longlong(v));
#else
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
#endif
}

QSM_HD QSM_FORCEINLINE double bits_double(uint64_t b) {
#if QSM_DEVICE_PASS
  return __longlong_as_double(static_cast<long long>(b));
#else
  double v;
  std::memcpy(&v, &b, sizeof v);
  return v;
#endif
}

// Bucket index of v > 0 (any finite or infinite positive double).
QSM_HD QSM_FORCEINLINE uint32_t log_bucket(double v) {
  constexpr uint64_t kLowKey = static_cast<uint64_t>(1023 + kMinExp) << kSubBits;
  constexpr uint64_t kHighKey = static_cast<uint64_t>(1023 + kMaxExp) << kSubBits;
  const uint64_t key = double_bits(v) >> (52 - kSubBits);  // sign bit is 0
  if (key < kLowKey) return 0;
  if (key >= kHighKey) return kBuckets - 1;
  return static_cast<uint32_t>(key - kLowKey);
}

// Lower edge of bucket b.
QSM_HD QSM_FORCEINLINE double log_bucket_low(uint32_t b) {
  constexpr uint64_t kLowKey = static_cast<uint64_t>(1023 + kMinExp) << kSubBits;
  return bits_double((kLowKey + b) << (52 - kSubBits));
}

struct LogHistogram {
  uint64_t* counts;  // kBuckets entries, zero between lo and hi on entry
  uint64_t zeros = 0;
  uint64_t total = 0;
  uint32_t lo = kBuckets, hi = 0;  // touched range [lo, hi], empty when lo > hi
  double min = 0.0, max = 0.0;

  QSM_HD explicit LogHistogram(uint64_t* c) : counts(c) {}

  QSM_HD QSM_FORCEINLINE void add(double v) {
    if (total == 0 || v < min) min = v;
    if (total == 0 || v > max) max = v;
    ++total;
    if (!(v > 0.0)) {
      ++zeros;
      return;
    }
    const uint32_t b = log_bucket(v);
    ++counts[b];
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }

  // Zero the touched counts so the memory can serve the next replication.
  QSM_HD void clear() {
    for (uint32_t b = lo; lo <= hi && b <= hi; ++b) counts[b] = 0;
    zeros = total = 0;
    lo = kBuckets;
    hi = 0;
    min = max = 0.0;
  }

  // Quantiles for probabilities ps[0..n) in increasing order: the value of rank
  // ceil(p * total) (1-based; the inverse of the empirical cdf), as the midpoint
  // of its bucket clamped to [min, max]. NaN when the histogram is empty.
  QSM_HD void quantiles(const double* ps, int n, double* out) const {
    int j = 0;
    if (total == 0) {
      for (; j < n; ++j) out[j] = ::nan("");
      return;
    }
    auto rank_of = [&](double p) {
      double r = p * static_cast<double>(total);
      uint64_t k = static_cast<uint64_t>(r);
      if (static_cast<double>(k) < r) ++k;  // ceil
      if (k < 1) k = 1;
      if (k > total) k = total;
      return k;
    };
    uint64_t seen = zeros;
    for (; j < n && rank_of(ps[j]) <= seen; ++j) out[j] = min > 0.0 ? min : 0.0;
    for (uint32_t b = lo; j < n && b <= hi; ++b) {
      seen += counts[b];
      while (j < n && rank_of(ps[j]) <= seen) {
        const double a = log_bucket_low(b), z = log_bucket_low(b + 1);
        double mid = 0.5 * (a + z);
        if (mid < min) mid = min;
        if (mid > max) mid = max;
        out[j++] = mid;
      }
    }
    for (; j < n; ++j) out[j] = max;
  }
};

}  // namespace qsm::queue
