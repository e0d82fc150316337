// Probability and importance measures from a BDD (bdd.hpp), in two linear passes.
//
// Bottom-up (Shannon decomposition): P(n) = p_v P(hi) + (1 - p_v) P(lo), terminals 0 and
// 1. Every term is non-negative, so P(top) keeps full relative precision even at
// 1e-15 per component: there is no 1 - (1 - x) anywhere.
//
// Top-down: R(n), the probability that a random state's path from the root reaches n
// (R(root) = 1, each node passing p_v R(n) to hi and (1 - p_v) R(n) to lo). For event i
// with nodes V_i at its level, and S_i the mass of root-to-1 paths that skip level i,
//   P(top | x_i = 1) = S_i + sum_{n in V_i} R(n) P(hi(n)),
//   P(top | x_i = 0) = S_i + sum_{n in V_i} R(n) P(lo(n)),
//   Birnbaum I_B(i) = dP/dp_i = sum_{n in V_i} R(n) (P(hi(n)) - P(lo(n)))
// because P is affine in p_i and neither R(n) nor P(hi), P(lo) depend on p_i (the
// order puts i on one level). S_i is a sum over the edges that jump over level i;
// adding each edge's mass R(n) p P(child) to a range of levels in a segment tree (and
// reading a level as the sum of its O(log L) covering segments) keeps it a sum of
// non-negative terms: a difference array would subtract and lose the small S_i.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "qsm/reliability/dd_store.hpp"

namespace qsm::reliability {

struct BddMeasures {
  double probability = 0.0;
  std::vector<double> birnbaum;      // per event: dP/dp_i
  std::vector<double> p_if_failed;   // per event: P(top | x_i = 1)
  std::vector<double> p_if_working;  // per event: P(top | x_i = 0)
};

// Nodes the root reaches (children have smaller ids: one descending sweep).
inline std::vector<uint8_t> live_nodes(const DdStore& dd, int32_t root) {
  std::vector<uint8_t> live(static_cast<size_t>(root) + 1, 0);
  live[static_cast<size_t>(root)] = 1;
  for (int32_t n = root; n >= 2; --n) {
    if (!live[static_cast<size_t>(n)]) continue;
    live[static_cast<size_t>(dd.node(n).lo)] = 1;
    live[static_cast<size_t>(dd.node(n).hi)] = 1;
  }
  return live;
}

// P(n) for every live node (0 for the rest). p_level[l] is the failure probability
// of the event at level l.
inline std::vector<double> node_probabilities(const DdStore& dd, int32_t root,
                                              const std::vector<uint8_t>& live,
                                              const std::vector<double>& p_level) {
  std::vector<double> P(std::max<size_t>(static_cast<size_t>(root) + 1, 2), 0.0);
  P[1] = 1.0;
  for (int32_t n = 2; n <= root; ++n) {
    if (!live[static_cast<size_t>(n)]) continue;
    const DdNode& d = dd.node(n);
    const double p = p_level[static_cast<size_t>(d.level)];
    P[static_cast<size_t>(n)] =
        p * P[static_cast<size_t>(d.hi)] + (1.0 - p) * P[static_cast<size_t>(d.lo)];
  }
  return P;
}

// event_of_level maps levels to event ids; events without a level (not read by the
// top) get I_B = 0 and both conditionals equal to P(top).
inline BddMeasures bdd_measures(const DdStore& dd, int32_t root,
                                const std::vector<int32_t>& event_of_level, int32_t n_events,
                                const double* p) {
  const auto L = static_cast<int32_t>(event_of_level.size());
  std::vector<double> p_level(static_cast<size_t>(L));
  for (int32_t l = 0; l < L; ++l) p_level[l] = p[event_of_level[static_cast<size_t>(l)]];

  BddMeasures m;
  const std::vector<uint8_t> live = live_nodes(dd, root);
  const std::vector<double> P = node_probabilities(dd, root, live, p_level);
  m.probability = P[static_cast<size_t>(root)];
  m.birnbaum.assign(static_cast<size_t>(n_events), 0.0);
  m.p_if_failed.assign(static_cast<size_t>(n_events), m.probability);
  m.p_if_working.assign(static_cast<size_t>(n_events), m.probability);
  if (L == 0) return m;

  // Segment tree over levels 0..L-1 (leaves at W..W+L-1): range add, point sum.
  size_t W = 1;
  while (W < static_cast<size_t>(L)) W *= 2;
  std::vector<double> seg(2 * W, 0.0);
  auto add_range = [&](int32_t from, int32_t to, double w) {  // levels [from, to)
    if (from >= to || w == 0.0) return;
    for (size_t a = W + static_cast<size_t>(from), b = W + static_cast<size_t>(to); a < b;
         a >>= 1, b >>= 1) {
      if (a & 1) seg[a++] += w;
      if (b & 1) seg[--b] += w;
    }
  };

  std::vector<double> R(static_cast<size_t>(root) + 1, 0.0);
  std::vector<double> sum_hi(static_cast<size_t>(L), 0.0), sum_lo(static_cast<size_t>(L), 0.0),
      sum_diff(static_cast<size_t>(L), 0.0);
  // The paths that start below the root's level skip every level above it.
  add_range(0, dd.level(root), m.probability);
  if (root >= 2) R[static_cast<size_t>(root)] = 1.0;
  for (int32_t n = root; n >= 2; --n) {
    if (!live[static_cast<size_t>(n)]) continue;
    const DdNode& d = dd.node(n);
    const double r = R[static_cast<size_t>(n)];
    const double p = p_level[static_cast<size_t>(d.level)];
    const double ph = P[static_cast<size_t>(d.hi)], pl = P[static_cast<size_t>(d.lo)];
    sum_hi[static_cast<size_t>(d.level)] += r * ph;
    sum_lo[static_cast<size_t>(d.level)] += r * pl;
    sum_diff[static_cast<size_t>(d.level)] += r * (ph - pl);
    R[static_cast<size_t>(d.hi)] += p * r;
    R[static_cast<size_t>(d.lo)] += (1.0 - p) * r;
    add_range(d.level + 1, dd.level(d.hi), r * p * ph);
    add_range(d.level + 1, dd.level(d.lo), r * (1.0 - p) * pl);
  }
  for (int32_t l = 0; l < L; ++l) {
    double skip = 0.0;
    for (size_t a = W + static_cast<size_t>(l); a >= 1; a >>= 1) skip += seg[a];
    const auto e = static_cast<size_t>(event_of_level[static_cast<size_t>(l)]);
    m.birnbaum[e] = sum_diff[static_cast<size_t>(l)];
    m.p_if_failed[e] = skip + sum_hi[static_cast<size_t>(l)];
    m.p_if_working[e] = skip + sum_lo[static_cast<size_t>(l)];
  }
  return m;
}

}  // namespace qsm::reliability
