// Reduced ordered binary decision diagram (Bryant 1986) of a Program's top event,
// built gate by gate with if-then-else (Brace, Rudell & Bryant 1990) over a unique
// table and a computed cache (dd_store.hpp). No complement edges: NOT is an ite
// with swapped terminals, and keeping every node's meaning literal makes the
// probability passes (bdd_measures.hpp) one loop each.
//
// Variable order: depth-first, left-to-right from the top node, basic events in order
// of first appearance, a gate's own events before those of its sub-gates (see
// depth_first_order). Events under one gate get neighbouring levels, so a module (a
// subtree sharing no event with the rest) stays a contiguous band of levels and its
// diagram does not multiply with the others' (a standard fault-tree heuristic; no
// order is good for every tree, and the node limit turns a bad case into an error).
//
// VOTE(k) over inputs x_1..x_n is the threshold recursion
//   V(i, j) = ite(x_i, V(i+1, j-1), V(i+1, j)),   V(i, 0) = 1,   V(i, j) = 0 if j > n-i+1,
// "at least j of x_i..x_n failed", memoised over (i, j): O(n k) ite calls instead of the
// C(n, k) product terms of the expanded form.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "qsm/reliability/dd_store.hpp"
#include "qsm/reliability/exact_program.hpp"

namespace qsm::reliability {

// Depth-first first-appearance order, a gate's events before its sub-gates'. level_of_event[i] is
// event i's level, or -1 when the top node does not depend on it; event_of_level is the inverse.
struct VariableOrder {
  std::vector<int32_t> level_of_event;
  std::vector<int32_t> event_of_level;
};

inline VariableOrder depth_first_order(const ProgramRef& g) {
  VariableOrder o;
  o.level_of_event.assign(static_cast<size_t>(g.n_events), -1);
  auto place = [&](int32_t e) {
    if (o.level_of_event[static_cast<size_t>(e)] >= 0) return;
    o.level_of_event[static_cast<size_t>(e)] = static_cast<int32_t>(o.event_of_level.size());
    o.event_of_level.push_back(e);
  };
  if (g.top < g.n_events) {
    place(g.top);
    return o;
  }
  std::vector<uint8_t> seen(static_cast<size_t>(g.n_gates), 0);
  // Entering a gate places its basic-event inputs first, then descends into its gate
  // inputs left to right (an explicit stack of (gate, next input slot): trees can be
  // deep). Events before sub-gates puts the event a gate adds above the diagram of the
  // sub-gate it combines with, so a left- or right-deep chain of n gates costs O(n)
  // ite calls instead of O(n^2) (the new variable would otherwise sit at the bottom and
  // every gate would rebuild the whole chain below it).
  std::vector<std::pair<int32_t, int32_t>> stack;
  auto enter = [&](int32_t j) {
    seen[static_cast<size_t>(j)] = 1;
    for (int32_t a = g.offsets[j]; a < g.offsets[j + 1]; ++a)
      if (g.inputs[a] < g.n_events) place(g.inputs[a]);
    stack.emplace_back(j, g.offsets[j]);
  };
  enter(g.gate_of(g.top));
  while (!stack.empty()) {
    auto& [j, a] = stack.back();
    if (a == g.offsets[j + 1]) {
      stack.pop_back();
      continue;
    }
    const int32_t v = g.inputs[a++];
    if (v >= g.n_events && !seen[static_cast<size_t>(g.gate_of(v))]) enter(g.gate_of(v));
  }
  return o;
}

class Bdd {
 public:
  Bdd(int32_t n_levels, size_t max_nodes) : store_(n_levels, false, max_nodes) {}

  DdStore& store() { return store_; }
  const DdStore& store() const { return store_; }

  int32_t var(int32_t level) { return store_.make(level, DdStore::kZero, DdStore::kOne); }

  // if f then g else h.
  int32_t ite(int32_t f, int32_t g, int32_t h) {
    if (f == DdStore::kOne) return g;
    if (f == DdStore::kZero) return h;
    if (f == g) g = DdStore::kOne;  // ite(f, f, h) = ite(f, 1, h): more cache hits
    if (f == h) h = DdStore::kZero;
    if (g == h) return g;
    if (g == DdStore::kOne && h == DdStore::kZero) return f;
    // AND (ite(f, g, 0)) and OR (ite(f, 1, h)) commute: the smaller id first, so f & g
    // and g & f share a cache entry. (g, h are not terminals here: those cases returned.)
    if (h == DdStore::kZero && g < f) std::swap(f, g);
    if (g == DdStore::kOne && h < f) std::swap(f, h);
    int32_t r;
    if (cache_.find(f, g, h, r)) return r;
    const int32_t v = std::min({store_.level(f), store_.level(g), store_.level(h)});
    const auto [f0, f1] = cofactors(f, v);
    const auto [g0, g1] = cofactors(g, v);
    const auto [h0, h1] = cofactors(h, v);
    const int32_t lo = ite(f0, g0, h0);
    const int32_t hi = ite(f1, g1, h1);
    r = store_.make(v, lo, hi);
    cache_.put(f, g, h, r);
    if ((store_.size() & 0xFFFF) == 0) cache_.fit(store_.size());
    return r;
  }

  int32_t apply_and(int32_t f, int32_t g) { return ite(f, g, DdStore::kZero); }
  int32_t apply_or(int32_t f, int32_t g) { return ite(f, DdStore::kOne, g); }
  int32_t apply_not(int32_t f) { return ite(f, DdStore::kZero, DdStore::kOne); }

  // At least k of xs are 1, by the threshold recursion in the file comment; the memo
  // row for x_{i+1..n} is all that row i needs, so two rows of k+1 suffice.
  int32_t vote(const std::vector<int32_t>& xs, int32_t k) {
    const auto n = static_cast<int32_t>(xs.size());
    if (k <= 0) return DdStore::kOne;
    if (k > n) return DdStore::kZero;
    // next[j] = V(i+1, j) for j = 0..k
    std::vector<int32_t> next(static_cast<size_t>(k) + 1, DdStore::kZero), cur(next.size());
    next[0] = DdStore::kOne;
    for (int32_t i = n - 1; i >= 0; --i) {
      cur[0] = DdStore::kOne;
      for (int32_t j = 1; j <= k; ++j)
        cur[j] = ite(xs[static_cast<size_t>(i)], next[j - 1], next[j]);
      std::swap(cur, next);
    }
    return next[static_cast<size_t>(k)];
  }

 private:
  std::pair<int32_t, int32_t> cofactors(int32_t f, int32_t level) const {
    const DdNode& n = store_.node(f);
    if (n.level != level) return {f, f};
    return {n.lo, n.hi};
  }

  DdStore store_;
  DdCache cache_;
};

// The BDD of every gate the top reads, in topological order; returns the top's root.
// Events the top does not read have no level and are never touched.
inline int32_t build_bdd(const ProgramRef& g, const VariableOrder& order, Bdd& bdd) {
  if (g.top < g.n_events) return bdd.var(order.level_of_event[static_cast<size_t>(g.top)]);
  const std::vector<uint8_t> reach = reachable_nodes(g);
  std::vector<int32_t> root(static_cast<size_t>(g.n_nodes()), DdStore::kZero);
  for (int32_t e = 0; e < g.n_events; ++e)
    if (reach[static_cast<size_t>(e)])
      root[static_cast<size_t>(e)] = bdd.var(order.level_of_event[static_cast<size_t>(e)]);
  std::vector<int32_t> xs;
  for (int32_t v = g.n_events; v <= g.top; ++v) {
    if (!reach[static_cast<size_t>(v)]) continue;
    const int32_t j = g.gate_of(v);
    xs.clear();
    for (int32_t a = g.offsets[j]; a < g.offsets[j + 1]; ++a)
      xs.push_back(root[static_cast<size_t>(g.inputs[a])]);
    int32_t r;
    switch (g.op[j]) {
      case kAnd:
        r = DdStore::kOne;
        for (int32_t x : xs) r = bdd.apply_and(r, x);
        break;
      case kOr:
        r = DdStore::kZero;
        for (int32_t x : xs) r = bdd.apply_or(r, x);
        break;
      case kVote:
        r = bdd.vote(xs, g.k[j]);
        break;
      default:
        r = bdd.apply_not(xs[0]);
        break;
    }
    root[static_cast<size_t>(v)] = r;
  }
  return root[static_cast<size_t>(g.top)];
}

}  // namespace qsm::reliability
