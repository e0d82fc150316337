// Network reliability by bit-parallel Monte Carlo: edges fail independently, and a
// trial fails when some terminal is cut off from the first terminal (two-terminal:
// terminals {s, t}; all-terminal: every node; any K in between).
//
// Edge e's failure word is event e of the shared engine (mc_bitparallel.hpp: the
// same streams, DrawRng(key, index = block, lane = e)). Connectivity is computed for
// 64 trials at once by label propagation on words: reach[terminals[0]] = all ones,
// then reach[a] |= reach[b] & up[e] and reach[b] |= reach[a] & up[e] for every edge
// (a, b), sweeping the edges alternately forward and backward until no word changes.
// Each sweep extends every lane's reached set by at least one hop, so it stops after
// at most n + 1 sweeps (usually a few: a sweep in edge order follows whole paths).
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

  int64_t n_events() const { return m; }
  int64_t words() const { return m + n_nodes; }  // edge words, then reach words

  QSM_FORCEINLINE bool relax(uint64_t* reach, const uint64_t* failed, int64_t e) const {
    const uint64_t a = reach[tail[e]], b = reach[head[e]];
    const uint64_t x = (a | b) & ~failed[e];
    if ((x & ~(a & b)) == 0) return false;
    reach[tail[e]] = a | x;
    reach[head[e]] = b | x;
    return true;
  }

  uint64_t operator()(uint64_t* vals) const {
    uint64_t* reach = vals + m;
    std::fill(reach, reach + n_nodes, uint64_t{0});
    reach[terminals[0]] = ~uint64_t{0};
    for (bool forward = true, changed = true; changed; forward = !forward) {
      changed = false;
      if (forward) {
        for (int64_t e = 0; e < m; ++e) changed |= relax(reach, vals, e);
      } else {
        for (int64_t e = m - 1; e >= 0; --e) changed |= relax(reach, vals, e);
      }
    }
    uint64_t cut_off = 0;
    for (int64_t k = 1; k < n_terminals; ++k) cut_off |= ~reach[terminals[k]];
    return cut_off;
  }
};

}  // namespace qsm::reliability
