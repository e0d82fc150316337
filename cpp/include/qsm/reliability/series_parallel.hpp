// Series-parallel reduction: when the top node reads no node twice (is_tree in
// exact_program.hpp), the inputs of every gate are independent and one bottom-up pass
// gives P(top) without a BDD.
//
// Each node carries both f = P(failed) and w = P(working), each computed without
// subtracting from 1, so that neither loses precision when it is tiny (p ~ 1e-15):
//   AND:  f = prod f_i,                 w = -expm1(sum log f_i)
//   OR:   w = prod w_i,                 f = -expm1(sum log w_i)
//   VOTE: Poisson-binomial recursion over "failed so far", states 0..k-1 and an
//         absorbing ">= k": f = mass in ">= k", w = the rest; all terms non-negative
//   NOT:  swap f and w.
// (A basic event's w is 1 - p, exact whenever p is at most 1/2 or a dyadic value; a p
// closer to 1 than double spacing cannot be stated more exactly anyway.)
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "qsm/reliability/exact_program.hpp"

namespace qsm::reliability {

inline double series_parallel_probability(const ProgramRef& g, const std::vector<uint8_t>& reach) {
  const auto N = static_cast<size_t>(g.n_nodes());
  std::vector<double> f(N, 0.0), w(N, 0.0);
  for (int32_t e = 0; e < g.n_events; ++e) {
    f[static_cast<size_t>(e)] = g.p[e];
    w[static_cast<size_t>(e)] = 1.0 - g.p[e];
  }
  std::vector<double> dp;
  for (int32_t v = g.n_events; v <= g.top; ++v) {
    if (!reach[static_cast<size_t>(v)]) continue;
    const int32_t j = g.gate_of(v);
    const int32_t* in = g.inputs + g.offsets[j];
    const int32_t n = g.offsets[j + 1] - g.offsets[j];
    double fv = 0.0, wv = 0.0;
    switch (g.op[j]) {
      case kAnd: {
        double prod = 1.0, logsum = 0.0;
        for (int32_t a = 0; a < n; ++a) {
          prod *= f[static_cast<size_t>(in[a])];
          logsum += std::log(f[static_cast<size_t>(in[a])]);
        }
        fv = prod;
        wv = -std::expm1(logsum);
        break;
      }
      case kOr: {
        double prod = 1.0, logsum = 0.0;
        for (int32_t a = 0; a < n; ++a) {
          prod *= w[static_cast<size_t>(in[a])];
          logsum += std::log(w[static_cast<size_t>(in[a])]);
        }
        wv = prod;
        fv = -std::expm1(logsum);
        break;
      }
      case kVote: {
        const int32_t k = g.k[j];
        dp.assign(static_cast<size_t>(k) + 1, 0.0);  // dp[k] absorbs ">= k failed"
        dp[0] = 1.0;
        for (int32_t a = 0; a < n; ++a) {
          const double fi = f[static_cast<size_t>(in[a])], wi = w[static_cast<size_t>(in[a])];
          dp[static_cast<size_t>(k)] += dp[static_cast<size_t>(k) - 1] * fi;
          for (int32_t s = k - 1; s >= 1; --s)
            dp[static_cast<size_t>(s)] =
                dp[static_cast<size_t>(s)] * wi + dp[static_cast<size_t>(s) - 1] * fi;
          dp[0] *= wi;
        }
        fv = dp[static_cast<size_t>(k)];
        for (int32_t s = 0; s < k; ++s) wv += dp[static_cast<size_t>(s)];
        break;
      }
      default:
        fv = w[static_cast<size_t>(in[0])];
        wv = f[static_cast<size_t>(in[0])];
        break;
    }
    f[static_cast<size_t>(v)] = fv;
    w[static_cast<size_t>(v)] = wv;
  }
  return f[static_cast<size_t>(g.top)];
}

}  // namespace qsm::reliability
