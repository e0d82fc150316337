// Distribution-free confidence intervals for a quantile from order statistics.
//
// For n i.i.d. draws of a continuous X with q-quantile ξ, the number B of draws
// below ξ is Binomial(n, q), and for order statistics x_(1) <= ... <= x_(n)
//     P(x_(l) <= ξ < x_(u)) = P(l <= B < u) = F(u - 1) - F(l - 1),
// F the Binomial(n, q) cdf (Hahn & Meeker, "Statistical Intervals", §5.2). With
// x_(0) = -inf and x_(n+1) = +inf the formula also holds for the unbounded ends.
// (For a discrete X the coverage is at least this.) The ranks chosen here:
//   l = the largest rank in [0, n] with P(B < l)  <= alpha_low,
//   u = the smallest rank in [1, n + 1] with P(B >= u) <= alpha_high,
// so each tail misses with probability at most its alpha. Host-only: these are
// a few dozen incomplete-beta evaluations per quantile, not per-element work.
#pragma once

#include <cmath>
#include <cstdint>

#include "qsm/core/stats.hpp"

namespace qsm::latency {

// P(B <= k) for B ~ Binomial(n, p), 0 < p < 1: I_{1-p}(n - k, k + 1) for 0 <= k < n.
inline double binom_cdf(int64_t k, int64_t n, double p) {
  if (k < 0) return 0.0;
  if (k >= n) return 1.0;
  const double a = static_cast<double>(n - k), b = static_cast<double>(k + 1);
  // x = 1 - p and y = p with their logs taken without cancellation.
  return qsm::detail::incomplete_beta(a, b, 1.0 - p, p, std::log1p(-p), std::log(p));
}

// Largest l in [0, n] with P(B < l) = F(l - 1) <= alpha (F is nondecreasing in l).
inline int64_t lower_rank(int64_t n, double q, double alpha) {
  int64_t lo = 0, hi = n;  // invariant: F(lo - 1) <= alpha
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (binom_cdf(mid - 1, n, q) <= alpha)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

// Smallest u in [1, n + 1] with P(B >= u) = 1 - F(u - 1) <= alpha.
inline int64_t upper_rank(int64_t n, double q, double alpha) {
  int64_t lo = 1, hi = n + 1;  // invariant: 1 - F(hi - 1) <= alpha (true at n + 1)
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (1.0 - binom_cdf(mid - 1, n, q) <= alpha)
      hi = mid;
    else
      lo = mid + 1;
  }
  return hi;
}

struct OrderRanks {
  int64_t low;      // 0 = unbounded below (x_(0) = -inf)
  int64_t high;     // n + 1 = unbounded above (x_(n+1) = +inf)
  double coverage;  // exact P(low <= B < high)
};

// Ranks of an interval with coverage >= confidence, equal-tailed when both ends
// can be bounded. When n is too small for one end (e.g. P99.9 from 100 draws:
// P(B = n) = 0.999^100 > alpha/2), that end is left unbounded and the other end
// gets the whole alpha: a one-sided interval, reported as such, never a fake one.
// Which end is tried first depends only on (n, q, confidence), never on data.
inline OrderRanks order_statistic_ranks(int64_t n, double q, double confidence) {
  const double alpha = 1.0 - confidence;
  int64_t l = lower_rank(n, q, alpha / 2), u = upper_rank(n, q, alpha / 2);
  const bool low_ok = l >= 1, high_ok = u <= n;
  if (!(low_ok && high_ok)) {
    if (low_ok) {  // only the upper end failed: one-sided lower bound
      l = lower_rank(n, q, alpha);
      u = n + 1;
    } else if (high_ok) {
      l = 0;
      u = upper_rank(n, q, alpha);
    } else {  // both failed at alpha/2: try the end the binomial favours with all of alpha
      l = lower_rank(n, q, alpha);
      u = n + 1;
      if (l == 0) u = upper_rank(n, q, alpha);
    }
  }
  const double coverage = binom_cdf(u - 1, n, q) - binom_cdf(l - 1, n, q);
  return OrderRanks{l, u, coverage};
}

}  // namespace qsm::latency
