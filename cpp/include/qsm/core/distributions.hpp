// Exact samplers for the distributions of qsmcore.random, written once for the
// CPU and the GPU (every sampler is QSM_HD inline).
//
// One call draws ONE variate from the private random sequence of one draw
// (DrawRng, see philox.hpp). Rejection samplers may consume any number of
// uniforms without touching any other draw, so results do not depend on the
// threads, the chunking or the device.
//
// "Exact" means exact in real arithmetic: every algorithm is an inversion, a
// sum/product identity or an exact rejection scheme, never a truncated series
// or a table approximation. (The ziggurat tables of the normal and exponential
// samplers only define the cover of a rejection scheme; the acceptance test
// compares against the true density.) The only error left is double rounding.
//
// Parameter table (python/qsmcore/random.py fills p[0..3]; unused slots are 0;
// the Python layer validates every value, the kernels trust them):
//
//   kind            p[0]            p[1]           p[2]      data / n_data
//   Deterministic   value           -              -         -
//   Uniform         low             high           -         -       (high - low finite)
//   Exponential     rate λ          -              -         -
//   Erlang          k (integer)     rate λ         -         -
//   Gamma           shape k         scale θ        -         -
//   Normal          mean μ          sd σ           -         -
//   Lognormal       μ (of log X)    σ (of log X)   -         -
//   Weibull         shape k         scale λ        -         -
//   Pareto          α (shape)       x_m (minimum)  -         -
//   HyperExp2       p (phase 1)     rate λ1        rate λ2   -
//   Empirical       -               -              -         values[0..n_data), n_data >= 1
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "qsm/core/config.hpp"
#include "qsm/core/philox.hpp"
#include "qsm/core/ziggurat_tables.hpp"

namespace qsm {

enum class DistKind : int32_t {
  Deterministic = 0,
  Uniform = 1,
  Exponential = 2,
  Erlang = 3,
  Gamma = 4,
  Normal = 5,
  Lognormal = 6,
  Weibull = 7,
  Pareto = 8,
  HyperExp2 = 9,
  Empirical = 10
};

inline constexpr int32_t kNumDistKinds = 11;

QSM_HD constexpr bool is_valid_dist_kind(int32_t k) { return k >= 0 && k < kNumDistKinds; }

struct Dist {
  DistKind kind;
  double p[4];
  const double* data;  // Empirical only (borrowed, must outlive the sampling)
  uint64_t n_data;
};

namespace dist_detail {

// Erlang-k with k <= this is drawn as a product of k uniforms: the product is
// >= (2^-54)^16 = 2^-864, far above the smallest normal double (2^-1022), so
// it never underflows. Larger k goes through the gamma sampler.
inline constexpr int kErlangProductMax = 16;
// Bound on the uniform sampler's retries (each succeeds with probability >= 1/2).
inline constexpr int kUniformMaxTries = 64;

QSM_HD inline double quiet_nan() { return ::nan(""); }

// ---------------------------------------------------------------- ziggurat
//
// Standard normal and standard exponential by the ziggurat method (Marsaglia &
// Tsang, J. Stat. Software 5(8), 2000), in an exact form. Tables and geometry:
// ziggurat_tables.hpp and cpp/tools/gen_ziggurat.py.
//
// Why it is exact. Take f(x) = exp(-x^2/2) (normal, x >= 0) or exp(-x)
// (exponential), unnormalized. 256 horizontal strips of equal area v cover the
// region under f: strip i is [0, X_i) x [F_i, F_{i+1}) with F_i = f(X_i), and
// the base strip 0 is [0, r) x [0, f(r)) together with the tail of the region
// {x >= r, y < f(x)}. Picking a strip uniformly, then a point uniformly in it,
// gives a point uniform on the union of the strips, a set that contains the
// region under f. Keeping the point when it lies under f, and otherwise starting
// again from scratch (a new strip, never a retry in the same one), is plain
// rejection sampling: an accepted point is uniform under f, so its abscissa has
// density f / integral(f), exactly. Three cases, by where the point falls:
//   * core (x < X_{i+1}, ~98% of tries): the whole column [F_i, F_{i+1}) lies
//     under f there, so the point is accepted without drawing its height or
//     evaluating f: one table compare on one 64-bit word;
//   * wedge (X_{i+1} <= x < X_i, i >= 1): draw the height y uniformly in
//     [F_i, F_{i+1}) and accept iff y < f(x), else start again;
//   * base strip beyond r (i = 0, x >= r): the point is uniform on the tail
//     region, so its abscissa follows the tail of f; we return an exact draw
//     from that tail instead (normal: Marsaglia 1964; exponential: r + a fresh
//     standard exponential, by memorylessness).
// The common path thus costs one word, a table lookup, an integer compare and a
// multiply; only ~1.5% (normal) or ~2.2% (exponential) of draws evaluate exp
// (wedge), and 0.026% of normal draws two logs (tail).
//
// Bits of the one word b per try (disjoint, so the strip and the abscissa are
// independent -- the original used the same low bits of one 32-bit integer for
// both, a correlation pointed out by Doornik, 2005):
//   b & 0xFF           strip index i (8 bits, 256 strips)
//   (b >> 8) & 1       sign (normal only)
//   b >> 12            52 bits j; m = 2j + 1 = (b >> 11) | 1 is an odd 53-bit
//                      integer, and x = m * W_i = (m / 2^53) X_i with m / 2^53 the
//                      midpoint of one of 2^52 equal cells of (0, 1): never 0,
//                      every product exact before its one rounding.
// m < K_i (K_i = ceil(2^53 X_{i+1} / X_i)) holds exactly when x < X_{i+1} in real
// arithmetic. Rejected tries and tails draw more words from the same DrawRng.
//
// 256 strips for the normal too (Marsaglia & Tsang used 128 for it because a
// 32-bit word had no bits to spare): a 64-bit word has room for 8 index bits, a
// sign and 52 value bits, and 256 strips raise the one-word acceptance.

// Marsaglia's (1964) normal tail beyond r: with E1, E2 independent standard
// exponentials, a = E1 / r has density r exp(-r a), and accepting when
// 2 E2 > a^2 (probability exp(-a^2 / 2)) leaves density proportional to
// exp(-r a - a^2 / 2), i.e. to exp(-(r + a)^2 / 2): r + a is exactly the normal
// conditioned on exceeding r. Acceptance r sf(r) / phi(r) = 93.8% at r = 3.654.
QSM_HD inline double std_normal_tail(DrawRng& rng) {
  for (;;) {
    const double a = -::log(rng.uniform()) * zig::kNormalInvR;
    const double e = -::log(rng.uniform());
    if (e + e > a * a) return zig::kNormalR + a;
  }
}

// The rare normal paths, entered from std_normal with a rejected first word
// `b`: finish that try (tail or wedge) and, if it is rejected, start again.
QSM_HD inline double std_normal_slow(DrawRng& rng, uint64_t b) {
  const zig::Tables t = zig::normal_tables();
  for (;;) {
    const uint32_t i = static_cast<uint32_t>(b & 0xFF);
    const uint64_t m = (b >> 11) | 1;
    const bool negative = (b >> 8) & 1;
    if (m < t.k[i]) {  // core (only on a retry: the first word came here rejected)
      const double x = static_cast<double>(static_cast<int64_t>(m)) * t.w[i];
      return negative ? -x : x;
    }
    if (i == 0) {
      const double x = std_normal_tail(rng);
      return negative ? -x : x;
    }
    const double x = static_cast<double>(static_cast<int64_t>(m)) * t.w[i];
    const double y = t.f[i] + rng.uniform() * (t.f[i + 1] - t.f[i]);
    if (y < ::exp(-0.5 * x * x)) return negative ? -x : x;
    b = rng.next_u64();
  }
}

// The rare redraws of the uniform sampler, kept out of its one-line fast path.
QSM_HD inline double uniform_redraw(double lo, double hi, DrawRng& rng) {
  for (int t = 1; t < kUniformMaxTries; ++t) {
    const double x = lo + (hi - lo) * rng.uniform();
    if (lo < x && x < hi) return x;
  }
  return lo + 0.5 * (hi - lo);
}

// Standard normal N(0, 1) by the ziggurat (see above). One 64-bit word on ~98.5%
// of draws. The sign is applied to the integer before the conversion (-m or m),
// without a branch: the rounding of +-m * W_i is symmetric, so the value is the
// same as negating afterwards.
QSM_HD inline double std_normal(DrawRng& rng) {
  const zig::Tables t = zig::normal_tables();
  const uint64_t b = rng.next_u64();
  const uint32_t i = static_cast<uint32_t>(b & 0xFF);
  const uint64_t m = (b >> 11) | 1;
  const int64_t neg = -static_cast<int64_t>((b >> 8) & 1);   // 0 or -1 (all ones)
  const int64_t sm = (static_cast<int64_t>(m) ^ neg) - neg;  // m or -m
  if (m < t.k[i]) return static_cast<double>(sm) * t.w[i];
  return std_normal_slow(rng, b);
}

// The rare exponential paths, entered from std_exponential with a rejected first
// word `b`. A try landing in the base strip beyond r means "X > r"; since
// P(X > r + s | X > r) = exp(-s), X - r is again a standard exponential, drawn by
// starting again and adding r (an unbounded tail, without a logarithm).
QSM_HD inline double std_exponential_slow(DrawRng& rng, uint64_t b) {
  const zig::Tables t = zig::exp_tables();
  double base = 0.0;
  for (;;) {
    const uint32_t i = static_cast<uint32_t>(b & 0xFF);
    const uint64_t m = (b >> 11) | 1;
    const double x = static_cast<double>(static_cast<int64_t>(m)) * t.w[i];
    if (m < t.k[i]) return base + x;  // core (after a tail or a wedge rejection)
    if (i == 0) {
      base += zig::kExpR;
    } else {
      const double y = t.f[i] + rng.uniform() * (t.f[i + 1] - t.f[i]);
      if (y < ::exp(-x)) return base + x;
    }
    b = rng.next_u64();
  }
}

// Standard exponential Exp(1) by the ziggurat (see above). One 64-bit word on
// ~97.8% of draws. Always > 0: the smallest value is W_255 > 0.
QSM_HD inline double std_exponential(DrawRng& rng) {
  const zig::Tables t = zig::exp_tables();
  const uint64_t b = rng.next_u64();
  const uint32_t i = static_cast<uint32_t>(b & 0xFF);
  const uint64_t m = (b >> 11) | 1;
  if (m < t.k[i]) return static_cast<double>(static_cast<int64_t>(m)) * t.w[i];
  return std_exponential_slow(rng, b);
}

// Gamma(a, 1) for a >= 1 by Marsaglia & Tsang (ACM TOMS 26(3), 2000). With
// d = a - 1/3, c = 1/sqrt(9d), X ~ N(0,1) and V = (1 + cX)^3, the variate dV is
// accepted when log U < X^2/2 + d - dV + d log V; this is plain rejection
// sampling from the normal proposal, hence exact. The test
// U < 1 - 0.0331 X^4 is a squeeze (a lower bound of the acceptance
// probability) that only skips logarithms, it never changes the decision.
// Acceptance is >= 95% for every a >= 1.
QSM_HD inline double std_gamma_ge1(double a, DrawRng& rng) {
  const double d = a - 1.0 / 3.0;
  const double c = 1.0 / ::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = std_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (::log(u) < 0.5 * x2 + d * (1.0 - v + ::log(v))) return d * v;
  }
}

// Gamma(a, 1) for any a > 0. For a < 1 the "boost": if G ~ Gamma(a + 1) and
// U ~ U(0,1) independent, then G * U^(1/a) ~ Gamma(a) exactly (Marsaglia &
// Tsang, section 6). U^(1/a) is formed as exp(log(U) / a); for tiny a it may
// underflow to 0, which is the correct rounding of such a small variate.
QSM_HD inline double std_gamma(double a, DrawRng& rng) {
  if (a >= 1.0) return std_gamma_ge1(a, rng);
  const double g = std_gamma_ge1(a + 1.0, rng);
  return g * ::exp(::log(rng.uniform()) / a);
}

}  // namespace dist_detail

// One variate of `d` (whose kind must be K) from the draw's private stream.
template <DistKind K>
QSM_HD inline double sample_as(const Dist& d, DrawRng& rng) {
  using namespace dist_detail;
  if constexpr (K == DistKind::Deterministic) {
    (void)rng;  // consumes no randomness
    return d.p[0];
  } else if constexpr (K == DistKind::Uniform) {
    // low + (high - low) U is exactly uniform on (low, high) in real arithmetic.
    // Rounding can land on an endpoint; such a value is rejected and redrawn
    // (conditioning on the open interval keeps the law uniform). When a double
    // lies strictly between low and high (checked in Python) a try succeeds with
    // probability about 1/2 or more, so the retry bound is never reached in practice.
    const double lo = d.p[0], hi = d.p[1];
    const double x = lo + (hi - lo) * rng.uniform();
    if (lo < x && x < hi) return x;
    return uniform_redraw(lo, hi, rng);
  } else if constexpr (K == DistKind::Exponential) {
    return std_exponential(rng) / d.p[0];
  } else if constexpr (K == DistKind::Erlang) {
    // Erlang(k, λ) is the sum of k independent Exp(λ): sum of -log(U_i) / λ,
    // i.e. -log(U_1 ... U_k) / λ, one logarithm for small k. For large k the
    // gamma sampler (Erlang(k, λ) = Gamma(k, 1/λ)) is cheaper than k uniforms.
    const double k = d.p[0], rate = d.p[1];
    if (k <= static_cast<double>(kErlangProductMax)) {
      const int ki = static_cast<int>(k);
      double prod = 1.0;
      for (int i = 0; i < ki; ++i) prod *= rng.uniform();
      return -::log(prod) / rate;
    }
    return std_gamma_ge1(k, rng) / rate;
  } else if constexpr (K == DistKind::Gamma) {
    return std_gamma(d.p[0], rng) * d.p[1];  // Gamma(k, θ) = θ Gamma(k, 1)
  } else if constexpr (K == DistKind::Normal) {
    return d.p[0] + d.p[1] * std_normal(rng);
  } else if constexpr (K == DistKind::Lognormal) {
    return ::exp(d.p[0] + d.p[1] * std_normal(rng));  // log X ~ N(μ, σ²) by definition
  } else if constexpr (K == DistKind::Weibull) {
    // P(λ E^(1/k) > x) = P(E > (x/λ)^k) = exp(-(x/λ)^k) for E ~ Exp(1): the
    // Weibull survival function (inversion, with E in place of -log U).
    return d.p[1] * ::pow(std_exponential(rng), 1.0 / d.p[0]);
  } else if constexpr (K == DistKind::Pareto) {
    // Inversion: P(X > x) = (x_m / x)^α, so x_m U^(-1/α). For small α the true
    // variate can exceed the double range; it then rounds to +inf.
    return d.p[1] * ::pow(rng.uniform(), -1.0 / d.p[0]);
  } else if constexpr (K == DistKind::HyperExp2) {
    // Mixture: one uniform picks phase 1 with probability p, then an exact
    // exponential of that phase's rate.
    const double rate = rng.uniform() < d.p[0] ? d.p[1] : d.p[2];
    return std_exponential(rng) / rate;
  } else if constexpr (K == DistKind::Empirical) {
    // Uniform index in [0, n) by masked rejection on 64 random bits: each
    // accepted index has probability exactly 1/n (no floor(u*n) bias), and
    // each try succeeds with probability > 1/2.
    const uint64_t n = d.n_data;
    if (n == 0 || d.data == nullptr) return quiet_nan();
    uint64_t mask = n - 1;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    for (;;) {
      const uint64_t i = rng.next_u64() & mask;
      if (i < n) return d.data[i];
    }
  } else {
    static_assert(K == DistKind::Deterministic, "unhandled DistKind");
    return quiet_nan();
  }
}

// Runtime switch over d.kind; an unknown kind gives NaN (no exceptions on device).
QSM_HD inline double sample(const Dist& d, DrawRng& rng) {
  switch (d.kind) {
    case DistKind::Deterministic:
      return sample_as<DistKind::Deterministic>(d, rng);
    case DistKind::Uniform:
      return sample_as<DistKind::Uniform>(d, rng);
    case DistKind::Exponential:
      return sample_as<DistKind::Exponential>(d, rng);
    case DistKind::Erlang:
      return sample_as<DistKind::Erlang>(d, rng);
    case DistKind::Gamma:
      return sample_as<DistKind::Gamma>(d, rng);
    case DistKind::Normal:
      return sample_as<DistKind::Normal>(d, rng);
    case DistKind::Lognormal:
      return sample_as<DistKind::Lognormal>(d, rng);
    case DistKind::Weibull:
      return sample_as<DistKind::Weibull>(d, rng);
    case DistKind::Pareto:
      return sample_as<DistKind::Pareto>(d, rng);
    case DistKind::HyperExp2:
      return sample_as<DistKind::HyperExp2>(d, rng);
    case DistKind::Empirical:
      return sample_as<DistKind::Empirical>(d, rng);
  }
  return dist_detail::quiet_nan();
}

// Host only: calls f(std::integral_constant<DistKind, K>{}) for the runtime
// kind k, so a caller can instantiate one tight loop per kind. Throws
// std::invalid_argument for a kind outside the enum.
template <DistKind K>
using DistKindC = std::integral_constant<DistKind, K>;

template <class F>
decltype(auto) dispatch_kind(DistKind k, F&& f) {
  using DK = DistKind;
  switch (k) {
    case DK::Deterministic:
      return std::forward<F>(f)(DistKindC<DK::Deterministic>{});
    case DK::Uniform:
      return std::forward<F>(f)(DistKindC<DK::Uniform>{});
    case DK::Exponential:
      return std::forward<F>(f)(DistKindC<DK::Exponential>{});
    case DK::Erlang:
      return std::forward<F>(f)(DistKindC<DK::Erlang>{});
    case DK::Gamma:
      return std::forward<F>(f)(DistKindC<DK::Gamma>{});
    case DK::Normal:
      return std::forward<F>(f)(DistKindC<DK::Normal>{});
    case DK::Lognormal:
      return std::forward<F>(f)(DistKindC<DK::Lognormal>{});
    case DK::Weibull:
      return std::forward<F>(f)(DistKindC<DK::Weibull>{});
    case DK::Pareto:
      return std::forward<F>(f)(DistKindC<DK::Pareto>{});
    case DK::HyperExp2:
      return std::forward<F>(f)(DistKindC<DK::HyperExp2>{});
    case DK::Empirical:
      return std::forward<F>(f)(DistKindC<DK::Empirical>{});
  }
  throw std::invalid_argument("qsm::dispatch_kind: unknown DistKind " +
                              std::to_string(static_cast<int32_t>(k)));
}

}  // namespace qsm
