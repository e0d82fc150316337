// Rectangular linear assignment by shortest augmenting paths (the
// Jonker-Volgenant family, in the form of D. F. Crouse, "On implementing 2D
// rectangular assignment algorithms", IEEE Trans. Aerospace and Electronic
// Systems 52(4), 2016).
//
// Rows r <= columns k. Each row in turn is matched by a Dijkstra search over
// reduced costs c_ij - u_i - v_j >= 0 (dual feasibility is kept after every
// augmentation), so the whole solve is O(r^2 k) on a dense matrix, with
// int64 arithmetic throughout. The caller guarantees
// (max|c| + 1) * (r + k + 1) < 2^60 so duals and path lengths fit.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace qsm::flow {

// cost: row-major r x k (r <= k). Writes col4row[r]; returns false only if
// some row could not be matched (impossible with finite costs and r <= k).
inline bool assignment_shortest_path(int64_t r, int64_t k, const int64_t* cost, int64_t* col4row) {
  constexpr int64_t kInf = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> u(r, 0), v(k, 0), spc(k), row4col(k, -1), path(k), remaining(k);
  std::vector<char> sr(r), sc(k);
  for (int64_t i = 0; i < r; ++i) col4row[i] = -1;

  for (int64_t cur = 0; cur < r; ++cur) {
    std::fill(spc.begin(), spc.end(), kInf);
    std::fill(sr.begin(), sr.end(), 0);
    std::fill(sc.begin(), sc.end(), 0);
    // Unvisited columns in reverse order, so ties prefer low column ids.
    int64_t n_rem = k;
    for (int64_t it = 0; it < k; ++it) remaining[it] = k - it - 1;

    int64_t min_val = 0, i = cur, sink = -1;
    while (sink == -1) {
      sr[i] = 1;
      int64_t lowest = kInf, index = -1;
      const int64_t* row = cost + i * k;
      for (int64_t it = 0; it < n_rem; ++it) {
        const int64_t j = remaining[it];
        const int64_t reduced = min_val + row[j] - u[i] - v[j];
        if (reduced < spc[j]) {
          path[j] = i;
          spc[j] = reduced;
        }
        // Among equally short paths prefer a free column: it ends the search.
        if (spc[j] < lowest || (spc[j] == lowest && row4col[j] == -1)) {
          lowest = spc[j];
          index = it;
        }
      }
      if (index < 0 || lowest == kInf) return false;
      min_val = lowest;
      const int64_t j = remaining[index];
      if (row4col[j] == -1)
        sink = j;
      else
        i = row4col[j];
      sc[j] = 1;
      remaining[index] = remaining[--n_rem];
    }

    // Dual update keeps c_ij - u_i - v_j >= 0 and = 0 on matched pairs.
    u[cur] += min_val;
    for (int64_t a = 0; a < r; ++a)
      if (sr[a] && a != cur) u[a] += min_val - spc[col4row[a]];
    for (int64_t j = 0; j < k; ++j)
      if (sc[j]) v[j] -= min_val - spc[j];

    // Augment along the alternating path back to the current row.
    for (int64_t j = sink;;) {
      const int64_t a = path[j];
      row4col[j] = a;
      std::swap(col4row[a], j);
      if (a == cur) break;
    }
  }
  return true;
}

}  // namespace qsm::flow
