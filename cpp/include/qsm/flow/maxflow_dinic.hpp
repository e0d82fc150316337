// Dinic's algorithm (Dinitz 1970): a BFS from the source builds the level graph,
// then a depth-first search with current-arc pointers finds a blocking flow in it.
// The search is iterative (an explicit path of arcs), so long paths, as in a
// 1000 x 1000 grid, cannot overflow the call stack.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "qsm/flow/maxflow_graph.hpp"

namespace qsm::flow {

inline int64_t max_flow_dinic(ResidualGraph& g, int32_t s, int32_t t) {
  const int32_t n = g.n;
  std::vector<int32_t> level(static_cast<size_t>(n)), cur(static_cast<size_t>(n)), queue, path;
  queue.reserve(static_cast<size_t>(n));
  path.reserve(static_cast<size_t>(n));
  int64_t value = 0;
  for (;;) {
    // Levels: BFS from s, stopped after the layer that holds t (deeper nodes cannot
    // lie on a shortest augmenting path).
    std::fill(level.begin(), level.end(), -1);
    queue.clear();
    level[s] = 0;
    queue.push_back(s);
    for (size_t k = 0; k < queue.size(); ++k) {
      const int32_t v = queue[k];
      if (level[t] >= 0 && level[v] >= level[t]) break;
      for (int32_t a = g.first[v]; a < g.first[v + 1]; ++a) {
        const int32_t w = g.head(a);
        if (level[w] < 0 && g.cap(a) > 0) {
          level[w] = level[v] + 1;
          queue.push_back(w);
        }
      }
    }
    if (level[t] < 0) return value;
    for (const int32_t v : queue) cur[v] = g.first[v];

    // Blocking flow: advance along admissible arcs, retreat from dead ends (their
    // level is cleared so no one enters them again), augment on reaching t and
    // resume from the tail of the first saturated arc.
    path.clear();
    int32_t v = s;
    for (;;) {
      if (v == t) {
        int64_t delta = g.cap(path[0]);
        for (const int32_t a : path) delta = std::min(delta, g.cap(a));
        size_t cut = path.size();
        for (size_t k = 0; k < path.size(); ++k) {
          const int32_t a = path[k];
          g.cap(a) -= delta;
          g.cap(g.rev(a)) += delta;
          if (g.cap(a) == 0 && cut == path.size()) cut = k;
        }
        value += delta;
        path.resize(cut);
        v = cut == 0 ? s : g.head(path.back());
        continue;
      }
      const int32_t end = g.first[v + 1];
      const int32_t next_level = level[v] + 1;
      int32_t a = cur[v];
      while (a < end && (g.cap(a) == 0 || level[g.head(a)] != next_level)) ++a;
      cur[v] = a;
      if (a < end) {
        path.push_back(a);
        v = g.head(a);
        continue;
      }
      if (v == s) break;
      level[v] = -1;
      const int32_t back = path.back();
      path.pop_back();
      v = g.tail(back);
      ++cur[v];
    }
  }
}

}  // namespace qsm::flow
