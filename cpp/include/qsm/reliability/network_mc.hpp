// Network reliability by bit-parallel Monte Carlo: edges fail independently, and a
// trial fails when some terminal is cut off from the first terminal (two-terminal:
// terminals {s, t}; all-terminal: every node; any K in between).
//
// Edge e's failure word is event e of the shared engine (mc_bitparallel.hpp: the
// same streams, DrawRng(key, index = group, lane = e)). Connectivity is computed for
// 64 trials at once by label propagation on words: reach[terminals[0]] = all ones,
// then reach[a] |= reach[b] & up[e] and reach[b] |= reach[a] & up[e] for every edge
// (a, b), sweeping the edges alternately forward and backward until no word changes.
// Each sweep extends every lane's reached set by at least one hop, so it stops after
// at most n + 1 sweeps (usually a few: a sweep in edge order follows whole paths).
//
// With node failures, node v's failure word is event m + v (lane m + v): an edge is
// down when it failed or either end did, and a failed terminal is cut off (a failed
// root cuts off everyone). The event words are never modified: importance-sampling
// weights are computed from them after the evaluation.
#pragma once

#include <algorithm>
#include <cstdint>

#include "qsm/reliability/mc_bitparallel.hpp"

namespace qsm::reliability {

struct NetworkEval {
  int64_t m = 0, n_nodes = 0;
  const int32_t* tail = nullptr;
  const int32_t* head = nullptr;
  const int32_t* terminals = nullptr;  // terminals[0] is the root
  int64_t n_terminals = 0;
  bool node_failures = false;

  int64_t n_events() const { return node_failures ? m + n_nodes : m; }
  // Event words, then (with node failures) the combined edge-down words, then reach.
  int64_t words() const { return n_events() + (node_failures ? m : 0) + n_nodes; }

  QSM_FORCEINLINE bool relax(uint64_t* reach, const uint64_t* failed, int64_t e) const {
    const uint64_t a = reach[tail[e]], b = reach[head[e]];
    const uint64_t x = (a | b) & ~failed[e];
    if ((x & ~(a & b)) == 0) return false;
    reach[tail[e]] = a | x;
    reach[head[e]] = b | x;
    return true;
  }

  uint64_t operator()(uint64_t* vals) const {
    const uint64_t* down = vals;  // edge e is down in the lanes of down[e]
    uint64_t* reach = vals + n_events();
    if (node_failures) {
      const uint64_t* node_down = vals + m;
      uint64_t* combined = vals + n_events();
      for (int64_t e = 0; e < m; ++e)
        combined[e] = vals[e] | node_down[tail[e]] | node_down[head[e]];
      down = combined;
      reach = combined + m;
    }
    std::fill(reach, reach + n_nodes, uint64_t{0});
    reach[terminals[0]] = node_failures ? ~vals[m + terminals[0]] : ~uint64_t{0};
    for (bool forward = true, changed = true; changed; forward = !forward) {
      changed = false;
      if (forward) {
        for (int64_t e = 0; e < m; ++e) changed |= relax(reach, down, e);
      } else {
        for (int64_t e = m - 1; e >= 0; --e) changed |= relax(reach, down, e);
      }
    }
    uint64_t cut_off = 0;
    for (int64_t k = 1; k < n_terminals; ++k) cut_off |= ~reach[terminals[k]];
    return cut_off;
  }
};

}  // namespace qsm::reliability
