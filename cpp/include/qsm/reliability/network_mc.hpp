// Network reliability by bit-parallel Monte Carlo: edges fail independently, and a
// trial fails when some terminal is cut off from the first terminal (two-terminal:
// terminals {s, t}; all-terminal: every node; any K in between).
//
// Edge e's failure word is event e of the shared engine (mc_bitparallel.hpp: the
// same streams, DrawRng(key, index = group, lane = e)). Connectivity is computed for
// a group's 64 x 64 trials at once by label propagation on rows of words (one word
// per block, program_eval.hpp layout): reach[terminals[0]] = all ones,
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
  // Rows (program_eval.hpp layout): event rows, then (with node failures) the combined
  // edge-down rows, then one reach row per node, then the cut-off row.
  int64_t rows() const { return n_events() + (node_failures ? m : 0) + n_nodes + 1; }

  const uint64_t* operator()(uint64_t* vals) const {
    const uint64_t* down = vals;  // edge e is down in the lanes of row e
    uint64_t* reach = vals + n_events() * kRow;
    if (node_failures) {
      const uint64_t* node_down = vals + m * kRow;
      uint64_t* combined = reach;
      for (int64_t e = 0; e < m; ++e) {
        const uint64_t* a = node_down + tail[e] * kRow;
        const uint64_t* b = node_down + head[e] * kRow;
        for (int64_t j = 0; j < kRow; ++j)
          combined[e * kRow + j] = vals[e * kRow + j] | a[j] | b[j];
      }
      down = combined;
      reach = combined + m * kRow;
    }
    std::fill(reach, reach + n_nodes * kRow, uint64_t{0});
    uint64_t* root = reach + terminals[0] * kRow;
    for (int64_t j = 0; j < kRow; ++j)
      root[j] = node_failures ? ~vals[(m + terminals[0]) * kRow + j] : ~uint64_t{0};
    // Sweeps over all 64 blocks at once, until no block changes: branch-free row
    // updates (whether an edge spreads anything is a coin flip per block).
    for (uint64_t changed = 1, forward = 1; changed != 0; forward ^= 1) {
      changed = 0;
      for (int64_t s = 0; s < m; ++s) {
        const int64_t e = forward ? s : m - 1 - s;
        if (tail[e] == head[e]) continue;  // a self-loop connects nothing
        uint64_t* a = reach + tail[e] * kRow;
        uint64_t* b = reach + head[e] * kRow;
        const uint64_t* d = down + e * kRow;
        uint64_t grew = 0;
        for (int64_t j = 0; j < kRow; ++j) {
          const uint64_t ra = a[j], rb = b[j];
          const uint64_t x = (ra | rb) & ~d[j];
          a[j] = ra | x;
          b[j] = rb | x;
          grew |= x & ~(ra & rb);
        }
        changed |= grew;
      }
    }
    uint64_t* cut_off = reach + n_nodes * kRow;
    for (int64_t j = 0; j < kRow; ++j) cut_off[j] = 0;
    for (int64_t k = 1; k < n_terminals; ++k) {
      const uint64_t* r = reach + terminals[k] * kRow;
      for (int64_t j = 0; j < kRow; ++j) cut_off[j] |= ~r[j];
    }
    return cut_off;
  }
};

}  // namespace qsm::reliability
