// Minimal cut sets of a coherent (monotone) structure from its BDD, as a ZBDD
// (Minato 1993), by Rauzy's minimal-solutions recursion (Rauzy 1993, "New algorithms
// for fault trees analysis", Reliab. Eng. Syst. Saf. 40):
//   F = ite(x, F1, F0) monotone, so F0 <= F1, and
//   MCS(F) = MCS(F0)  union  { {x} u c : c in MCS(F1), c contains no set of MCS(F0) }
// i.e. minsol(F) = node(x, hi = without(minsol(F1), minsol(F0)), lo = minsol(F0)),
// where without(P, Q) keeps the sets of P that contain no set of Q:
//   x above Q's top:  node(x, without(P1, Q), without(P0, Q))
//   Q's top y above P's:  without(P, Q0)      (P's sets lack y, so Q1's sets never fit)
//   same variable:  node(x, without(without(P1, Q1), Q0), without(P0, Q0)).
// Enumeration lists sets by size (then by event ids) up to a maximum order, using the
// counts per size computed on the ZBDD first, so it never walks more than it returns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "qsm/reliability/dd_store.hpp"

namespace qsm::reliability {

class MinimalCutSets {
 public:
  MinimalCutSets(const DdStore& bdd, int32_t n_levels, size_t max_nodes)
      : bdd_(bdd), zdd_(n_levels, true, max_nodes) {}

  const DdStore& zdd() const { return zdd_; }

  // ZBDD root of the minimal solutions of BDD node f with at most max_order events.
  // Truncating is exact: a set of size <= k - 1 under x can only be subsumed by a set of
  // F0 of size <= k - 1, which the order-k family of F0 still holds. Large fault trees
  // have far fewer low-order cut sets than cut sets, so max_order bounds the work too.
  int32_t minsol(int32_t f, int32_t max_order) {
    if (DdStore::terminal(f)) return f;
    const int32_t k = std::min(max_order, zdd_.n_levels());
    const uint64_t key = static_cast<uint64_t>(f) << 32 | static_cast<uint32_t>(k);
    if (const auto it = memo_.find(key); it != memo_.end()) return it->second;
    const DdNode d = bdd_.node(f);
    const int32_t lo = minsol(d.lo, k);
    const int32_t hi = k >= 1 ? without(minsol(d.hi, k - 1), lo) : DdStore::kZero;
    const int32_t r = zdd_.make(d.level, lo, hi);
    memo_.emplace(key, r);
    return r;
  }

  int32_t without(int32_t P, int32_t Q) {
    if (P == DdStore::kZero || Q == DdStore::kZero) return P;
    if (Q == DdStore::kOne) return DdStore::kZero;  // the empty set is in every set
    if (P == Q) return DdStore::kZero;
    if (P == DdStore::kOne) return contains_empty(Q) ? DdStore::kZero : DdStore::kOne;
    int32_t r;
    if (cache_.find(P, Q, 0, r)) return r;
    const DdNode p = zdd_.node(P), q = zdd_.node(Q);
    if (p.level < q.level) {
      r = zdd_.make(p.level, without(p.lo, Q), without(p.hi, Q));
    } else if (q.level < p.level) {
      r = without(P, q.lo);
    } else {
      r = zdd_.make(p.level, without(p.lo, q.lo), without(without(p.hi, q.hi), q.lo));
    }
    cache_.put(P, Q, 0, r);
    if ((zdd_.size() & 0xFFFF) == 0) cache_.fit(zdd_.size());
    return r;
  }

  // The size of the largest set in the family at root (-1 for the empty family).
  int32_t max_size(int32_t root) const {
    std::vector<int32_t> m(static_cast<size_t>(root) + 1, -1);
    if (root >= 1) m[1] = 0;
    for (int32_t n = 2; n <= root; ++n) {
      const DdNode& d = zdd_.node(n);
      const int32_t hi = m[static_cast<size_t>(d.hi)];
      m[static_cast<size_t>(n)] = std::max(m[static_cast<size_t>(d.lo)], hi < 0 ? -1 : hi + 1);
    }
    return m[static_cast<size_t>(root)];
  }

  // counts[s] = number of sets of size s (s = 0..max_order) in the family at `root`,
  // as doubles (the count of a large family overflows 64 bits long before it matters).
  std::vector<double> counts_by_size(int32_t root, int32_t max_order) const {
    const std::vector<std::vector<double>> c = size_table(root, max_order);
    return c[static_cast<size_t>(root)];
  }

  // Sets of size <= max_order in order of size, then of their sorted event ids; at most
  // max_sets of them when the family has more (the first max_sets in that order).
  // flat holds event ids, set s is flat[offsets[s] .. offsets[s+1]).
  void enumerate(int32_t root, int32_t max_order, int64_t max_sets,
                 const std::vector<int32_t>& event_of_level, std::vector<int32_t>& flat,
                 std::vector<int64_t>& offsets) const {
    const std::vector<std::vector<double>> c = size_table(root, max_order);
    const std::vector<double>& total = c[static_cast<size_t>(root)];
    offsets.assign(1, 0);
    flat.clear();
    std::vector<int32_t> path;
    std::vector<std::vector<int32_t>> sets;
    for (int32_t s = 0; s <= max_order && static_cast<int64_t>(offsets.size()) - 1 < max_sets;
         ++s) {
      if (total[static_cast<size_t>(s)] == 0.0) continue;
      sets.clear();
      collect(root, s, c, event_of_level, path, sets);
      std::sort(sets.begin(), sets.end());
      for (const auto& set : sets) {
        if (static_cast<int64_t>(offsets.size()) - 1 >= max_sets) break;
        flat.insert(flat.end(), set.begin(), set.end());
        offsets.push_back(static_cast<int64_t>(flat.size()));
      }
    }
  }

 private:
  static bool contains_empty(const DdStore& z, int32_t Q) {
    while (!DdStore::terminal(Q)) Q = z.node(Q).lo;
    return Q == DdStore::kOne;
  }
  bool contains_empty(int32_t Q) const { return contains_empty(zdd_, Q); }

  // table[n][s] = number of sets of size s below ZBDD node n, for nodes up to root.
  std::vector<std::vector<double>> size_table(int32_t root, int32_t max_order) const {
    const size_t S = static_cast<size_t>(max_order) + 1;
    std::vector<std::vector<double>> t(static_cast<size_t>(root) + 1);
    std::vector<uint8_t> live(static_cast<size_t>(root) + 1, 0);
    live[static_cast<size_t>(root)] = 1;
    for (int32_t n = root; n >= 2; --n)
      if (live[static_cast<size_t>(n)]) {
        live[static_cast<size_t>(zdd_.node(n).lo)] = 1;
        live[static_cast<size_t>(zdd_.node(n).hi)] = 1;
      }
    t[0].assign(S, 0.0);
    if (root >= 1) {
      t[1].assign(S, 0.0);
      t[1][0] = 1.0;
    }
    for (int32_t n = 2; n <= root; ++n) {
      if (!live[static_cast<size_t>(n)]) continue;
      const DdNode& d = zdd_.node(n);
      auto& row = t[static_cast<size_t>(n)];
      row = t[static_cast<size_t>(d.lo)];
      const auto& hi = t[static_cast<size_t>(d.hi)];
      for (size_t s = 1; s < S; ++s) row[s] += hi[s - 1];
    }
    return t;
  }

  // All sets of exactly `size` below n, each as sorted event ids.
  void collect(int32_t n, int32_t size, const std::vector<std::vector<double>>& c,
               const std::vector<int32_t>& event_of_level, std::vector<int32_t>& path,
               std::vector<std::vector<int32_t>>& out) const {
    if (size < 0 || c[static_cast<size_t>(n)][static_cast<size_t>(size)] == 0.0) return;
    if (n == DdStore::kOne) {
      std::vector<int32_t> set = path;
      std::sort(set.begin(), set.end());
      out.push_back(std::move(set));
      return;
    }
    const DdNode& d = zdd_.node(n);
    path.push_back(event_of_level[static_cast<size_t>(d.level)]);
    collect(d.hi, size - 1, c, event_of_level, path, out);
    path.pop_back();
    collect(d.lo, size, c, event_of_level, path, out);
  }

  const DdStore& bdd_;
  DdStore zdd_;
  DdCache cache_;
  std::unordered_map<uint64_t, int32_t> memo_;  // (BDD node, order) -> ZBDD node
};

}  // namespace qsm::reliability
