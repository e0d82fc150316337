// Residual graph for the max-flow solvers: a CSR layout (arcs grouped by tail) in
// which every input arc owns two slots, the forward arc at its tail and the paired
// reverse arc (capacity 0) at its head, linked through `rev`. A slot's residual
// capacity, head and partner sit together in one 16-byte record: the solvers read
// all three of a slot at once, and one cache line instead of three per random slot
// made graph building ~1.5x faster and the solvers a little faster too. Self-loops get no
// slot: they can carry no useful flow, and leaving them out keeps the solvers free
// of the special case. Node and arc indices are int32 (2m slots must fit), residual
// capacities int64 (the Python layer guarantees the total capacity is below 2^62).
#pragma once

#include <cstdint>
#include <vector>

namespace qsm::flow {

struct ResidualGraph {
  int32_t n = 0;
  std::vector<int32_t> first;  // n + 1 offsets: arcs of v are [first[v], first[v+1])
  struct Slot {
    int64_t cap;   // residual capacity
    int32_t head;  // head of the residual arc
    int32_t rev;   // index of the paired slot
  };
  std::vector<Slot> arcs;
  std::vector<int32_t> slot;  // input arc i -> its forward slot, or -1 for a self-loop

  int64_t& cap(int32_t a) { return arcs[static_cast<size_t>(a)].cap; }
  int64_t cap(int32_t a) const { return arcs[static_cast<size_t>(a)].cap; }
  int32_t head(int32_t a) const { return arcs[static_cast<size_t>(a)].head; }
  int32_t rev(int32_t a) const { return arcs[static_cast<size_t>(a)].rev; }
  int32_t tail(int32_t a) const { return head(rev(a)); }
  size_t slots() const { return arcs.size(); }
};

// Builds the residual graph of `m` arcs tails[i] -> heads[i] with capacity caps[i].
// Slots at each node keep the input order (forward and reverse arcs interleaved as
// they occur), so the result, and hence every solver's answer, is a function of the
// input alone.
inline ResidualGraph build_residual(int32_t n, int64_t m, const int64_t* tails,
                                    const int64_t* heads, const int64_t* caps) {
  ResidualGraph g;
  g.n = n;
  g.first.assign(static_cast<size_t>(n) + 1, 0);
  g.slot.assign(static_cast<size_t>(m), -1);
  int64_t slots = 0;
  for (int64_t i = 0; i < m; ++i) {
    if (tails[i] == heads[i]) continue;
    ++g.first[tails[i] + 1];
    ++g.first[heads[i] + 1];
    slots += 2;
  }
  for (int32_t v = 0; v < n; ++v) g.first[v + 1] += g.first[v];
  g.arcs.resize(static_cast<size_t>(slots));
  std::vector<int32_t> fill(g.first.begin(), g.first.end() - 1);
  for (int64_t i = 0; i < m; ++i) {
    const auto u = static_cast<int32_t>(tails[i]);
    const auto v = static_cast<int32_t>(heads[i]);
    if (u == v) continue;
    const int32_t a = fill[u]++;
    const int32_t b = fill[v]++;
    g.arcs[static_cast<size_t>(a)] = {caps[i], v, b};
    g.arcs[static_cast<size_t>(b)] = {0, u, a};
    g.slot[i] = a;
  }
  return g;
}

// Nodes reachable from s through arcs of positive residual capacity: after a
// maximum flow, the source side of the minimum cut closest to s (the same set
// whichever algorithm found the flow).
inline void residual_reachable(const ResidualGraph& g, int32_t s, uint8_t* side) {
  std::vector<int32_t> queue;
  queue.reserve(1024);
  for (int32_t v = 0; v < g.n; ++v) side[v] = 0;
  side[s] = 1;
  queue.push_back(s);
  for (size_t k = 0; k < queue.size(); ++k) {
    const int32_t v = queue[k];
    for (int32_t a = g.first[v]; a < g.first[v + 1]; ++a) {
      const int32_t w = g.head(a);
      if (g.cap(a) > 0 && !side[w]) {
        side[w] = 1;
        queue.push_back(w);
      }
    }
  }
}

// The flow on each of the m input arcs (capacity minus the residual of its forward
// slot; 0 on self-loops), and the input arcs from side S to the rest.
inline void input_flows(const ResidualGraph& g, int64_t m, const int64_t* caps, int64_t* flow) {
  for (int64_t i = 0; i < m; ++i) {
    const int32_t a = g.slot[i];
    flow[i] = a < 0 ? 0 : caps[i] - g.cap(a);
  }
}

inline std::vector<int64_t> crossing_arcs(int64_t m, const int64_t* tails, const int64_t* heads,
                                          const uint8_t* side) {
  std::vector<int64_t> cut;
  for (int64_t i = 0; i < m; ++i)
    if (side[tails[i]] && !side[heads[i]]) cut.push_back(i);
  return cut;
}

}  // namespace qsm::flow
