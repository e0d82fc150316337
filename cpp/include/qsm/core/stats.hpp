// Streaming moments and confidence intervals over replications.
//
// Welford's update keeps (n, mean, M2) numerically stable where the textbook
// sum-of-squares cancels catastrophically; Chan et al.'s pairwise merge lets
// per-chunk or per-device accumulators be combined. Simulation kernels produce
// one value per replication and summarize them with a Student-t interval, whose
// quantile is computed here exactly (to double precision) from the regularized
// incomplete beta function rather than from a table or an asymptotic formula.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "qsm/core/config.hpp"

namespace qsm {

struct Welford {
  uint64_t n = 0;
  double mean = 0.0;
  double m2 = 0.0;  // sum of squared deviations from the mean

  QSM_HD void add(double x) {
    ++n;
    const double d = x - mean;
    mean += d / static_cast<double>(n);
    m2 += d * (x - mean);
  }

  // Chan, Golub & LeVeque: exact merge of two disjoint samples' moments.
  QSM_HD void merge(const Welford& o) {
    if (o.n == 0) return;
    if (n == 0) {
      *this = o;
      return;
    }
    const double na = static_cast<double>(n), nb = static_cast<double>(o.n);
    const double total = na + nb;
    const double d = o.mean - mean;
    mean += d * (nb / total);
    m2 += o.m2 + d * d * (na * nb / total);
    n += o.n;
  }

  // Unbiased sample variance (n - 1 in the denominator); NaN below two values.
  QSM_HD double variance() const {
    return n < 2 ? std::numeric_limits<double>::quiet_NaN() : m2 / static_cast<double>(n - 1);
  }
};

namespace detail {

// Continued fraction for the regularized incomplete beta (modified Lentz).
inline double beta_cf(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-16;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0, d = 1.0 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 100000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < eps) break;
  }
  return h;
}

// ln Γ(a + b) - ln Γ(a). For large a the two lgamma values are huge and nearly
// equal, so their difference would keep only ~10 digits; the Stirling series of
// the ratio keeps all of them.
inline double log_gamma_ratio(double a, double b) {
  if (a < 30.0 || b > a) return std::lgamma(a + b) - std::lgamma(a);
  auto corr = [](double z) {  // ln Γ(z) - Stirling's leading terms
    const double z2 = z * z;
    return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * z2)) / z2) / z2) / z;
  };
  return (a - 0.5) * std::log1p(b / a) + b * std::log(a + b) - b + corr(a + b) - corr(a);
}

// I_x(a, b) given x, y = 1 - x and their logs, each computed by the caller
// without cancellation.
inline double incomplete_beta(double a, double b, double x, double y, double log_x, double log_y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  const double log_front =
      (a >= b ? log_gamma_ratio(a, b) - std::lgamma(b) : log_gamma_ratio(b, a) - std::lgamma(a)) +
      a * log_x + b * log_y;
  // The fraction converges fast only on the near side of the mean a / (a + b).
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * beta_cf(a, b, x) / a;
  return 1.0 - std::exp(log_front) * beta_cf(b, a, y) / b;
}

}  // namespace detail

// Regularized incomplete beta I_x(a, b) for a, b > 0, x in [0, 1].
inline double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  return detail::incomplete_beta(a, b, x, 1.0 - x, std::log(x), std::log1p(-x));
}

// P(T > t) for t >= 0, T ~ Student t with df degrees of freedom:
// (1/2) I_x(df/2, 1/2) with x = df / (df + t^2), computed through q = t^2/df
// so that x, 1 - x and their logs stay exact for huge df.
inline double student_t_upper_tail(double t, double df) {
  const double q = t * t / df;
  if (q == 0.0) return 0.5;
  const double x = 1.0 / (1.0 + q), y = q / (1.0 + q);
  return 0.5 *
         detail::incomplete_beta(0.5 * df, 0.5, x, y, -std::log1p(q), std::log(q) - std::log1p(q));
}

// Quantile of Student's t (df > 0, p in (0, 1)); NaN outside the domain.
inline double student_t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0) || !(df > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.5) return 0.0;
  const double tail = p < 0.5 ? p : 1.0 - p;
  // Bracket the root of upper_tail(t) = tail, then bisect: the tail is monotone
  // and cheap to evaluate, and ~200 halvings reach the last bit of t.
  double lo = 0.0, hi = 1.0;
  while (student_t_upper_tail(hi, df) > tail && hi < 1e300) hi *= 2.0;
  for (int i = 0; i < 400 && hi - lo > 4e-16 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_upper_tail(mid, df) > tail ? lo : hi) = mid;
  }
  const double t = 0.5 * (lo + hi);
  return p < 0.5 ? -t : t;
}

struct ConfidenceInterval {
  double mean, half_width, low, high, std;
  uint64_t n;
  double confidence;
};

// Two-sided Student-t interval for the mean of the accumulated values.
inline ConfidenceInterval t_interval(const Welford& w, double confidence) {
  const double sd = std::sqrt(w.variance());
  double half = std::numeric_limits<double>::infinity();
  if (w.n >= 2) {
    const double q = student_t_quantile(0.5 + 0.5 * confidence, static_cast<double>(w.n - 1));
    half = q * sd / std::sqrt(static_cast<double>(w.n));
  }
  return ConfidenceInterval{w.mean, half, w.mean - half, w.mean + half, sd, w.n, confidence};
}

}  // namespace qsm
