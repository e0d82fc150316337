// Boykov-Kolmogorov max-flow ("An experimental comparison of min-cut/max-flow
// algorithms for energy minimization in vision", IEEE TPAMI 2004): a search tree
// grows from the source and one from the sink; when they touch, the path through
// the touching arc is augmented, the nodes whose tree arc saturated become orphans,
// and orphans are re-adopted by a neighbour still rooted at a terminal or freed.
// The trees are reused between augmentations, which makes it fast on the short
// paths of vision graphs. Adoption prefers the neighbour closest to its terminal,
// using the paper's timestamp/distance marks to keep the root checks short.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "qsm/flow/maxflow_graph.hpp"

namespace qsm::flow {

class BoykovKolmogorov {
 public:
  explicit BoykovKolmogorov(ResidualGraph& g)
      : g_(g),
        n_(g.n),
        tree_(static_cast<size_t>(g.n), kFree),
        parent_(static_cast<size_t>(g.n), kNone),
        ts_(static_cast<size_t>(g.n), 0),
        dist_(static_cast<size_t>(g.n), 0),
        pos_(static_cast<size_t>(g.n), 0),
        in_active_(static_cast<size_t>(g.n), 0),
        ring_(static_cast<size_t>(g.n) + 1) {}

  int64_t solve(int32_t s, int32_t t) {
    tree_[s] = kSource;
    tree_[t] = kSink;
    parent_[s] = parent_[t] = kTerminal;
    activate(s);
    activate(t);
    int64_t value = 0;
    while (qhead_ != qtail_) {
      const int32_t p = ring_[qhead_];
      if (tree_[p] == kFree) {
        pop();
        continue;
      }
      const int32_t e = grow(p);
      if (e < 0) {
        pop();
        continue;
      }
      ++time_;
      value += augment(e);
      adopt();
    }
    return value;
  }

 private:
  static constexpr uint8_t kFree = 0, kSource = 1, kSink = 2;
  static constexpr int32_t kNone = -1, kTerminal = -2, kOrphan = -3;
  static constexpr int32_t kInf = std::numeric_limits<int32_t>::max();

  void activate(int32_t v) {
    pos_[v] = g_.first[v];
    if (in_active_[v]) return;
    in_active_[v] = 1;
    ring_[qtail_] = v;
    qtail_ = qtail_ == n_ ? 0 : qtail_ + 1;
  }

  void pop() {
    in_active_[ring_[qhead_]] = 0;
    qhead_ = qhead_ == n_ ? 0 : qhead_ + 1;
  }

  // Residual capacity that keeps a tree arc usable: toward the child in the source
  // tree, toward the parent in the sink tree. `a` leaves v.
  bool open(uint8_t tree, int32_t a) const {
    return tree == kSource ? g_.cap(a) > 0 : g_.cap(g_.rev(a)) > 0;
  }

  // Grows p's tree over its residual arcs; returns an arc from the source tree to
  // the sink tree when the trees touch, else -1 (p is then no longer active).
  int32_t grow(int32_t p) {
    const uint8_t x = tree_[p];
    const int32_t end = g_.first[p + 1];
    for (int32_t a = pos_[p]; a < end; ++a) {
      if (!open(x, a)) continue;
      const int32_t q = g_.head(a);
      if (tree_[q] == kFree) {
        tree_[q] = x;
        parent_[q] = g_.rev(a);
        ts_[q] = ts_[p];
        dist_[q] = dist_[p] + 1;
        activate(q);
      } else if (tree_[q] != x) {
        pos_[p] = a;
        return x == kSource ? a : g_.rev(a);
      } else if (ts_[q] <= ts_[p] && dist_[q] > dist_[p]) {
        // q can hang below p, nearer its terminal.
        parent_[q] = g_.rev(a);
        ts_[q] = ts_[p];
        dist_[q] = dist_[p] + 1;
      }
    }
    pos_[p] = end;
    return -1;
  }

  int64_t augment(int32_t e) {
    int64_t delta = g_.cap(e);
    for (int32_t v = g_.tail(e); parent_[v] != kTerminal; v = g_.head(parent_[v]))
      delta = std::min(delta, g_.cap(g_.rev(parent_[v])));
    for (int32_t v = g_.head(e); parent_[v] != kTerminal; v = g_.head(parent_[v]))
      delta = std::min(delta, g_.cap(parent_[v]));
    g_.cap(e) -= delta;
    g_.cap(g_.rev(e)) += delta;
    for (int32_t v = g_.tail(e); parent_[v] != kTerminal;) {
      const int32_t a = parent_[v];
      const int32_t next = g_.head(a);
      g_.cap(g_.rev(a)) -= delta;
      g_.cap(a) += delta;
      if (g_.cap(g_.rev(a)) == 0) orphan(v);
      v = next;
    }
    for (int32_t v = g_.head(e); parent_[v] != kTerminal;) {
      const int32_t a = parent_[v];
      const int32_t next = g_.head(a);
      g_.cap(a) -= delta;
      g_.cap(g_.rev(a)) += delta;
      if (g_.cap(a) == 0) orphan(v);
      v = next;
    }
    return delta;
  }

  void orphan(int32_t v) {
    parent_[v] = kOrphan;
    orphans_.push_back(v);
  }

  // Distance from q to its tree's terminal, or kInf when the way up meets an orphan;
  // marks the nodes on the way with the current time and their distances.
  int32_t root_distance(int32_t q) {
    int32_t d = 0;
    int32_t j = q;
    for (;;) {
      if (ts_[j] == time_) {
        d += dist_[j];
        break;
      }
      const int32_t a = parent_[j];
      if (a == kTerminal) {
        ts_[j] = time_;
        dist_[j] = 0;
        break;
      }
      if (a < 0) return kInf;
      ++d;
      j = g_.head(a);
    }
    int32_t dd = d;
    for (j = q; ts_[j] != time_; j = g_.head(parent_[j])) {
      ts_[j] = time_;
      dist_[j] = dd--;
    }
    return d;
  }

  void adopt() {
    for (size_t k = 0; k < orphans_.size(); ++k) {
      const int32_t p = orphans_[k];
      const uint8_t x = tree_[p];
      const int32_t begin = g_.first[p], end = g_.first[p + 1];
      int32_t best = -1, best_dist = kInf;
      for (int32_t a = begin; a < end; ++a) {
        const int32_t q = g_.head(a);
        // The arc from the candidate parent q to p must be open in p's tree.
        if (tree_[q] != x || !open(x, g_.rev(a))) continue;
        const int32_t d = root_distance(q);
        if (d < kInf && d + 1 < best_dist) {
          best_dist = d + 1;
          best = a;
        }
      }
      if (best >= 0) {
        parent_[p] = best;
        ts_[p] = time_;
        dist_[p] = best_dist;
        continue;
      }
      // No parent: p leaves the tree; neighbours that could regrow into it become
      // active, and its children become orphans in turn.
      for (int32_t a = begin; a < end; ++a) {
        const int32_t q = g_.head(a);
        if (tree_[q] != x) continue;
        if (open(x, g_.rev(a))) activate(q);
        const int32_t pa = parent_[q];
        if (pa >= 0 && g_.head(pa) == p) orphan(q);
      }
      tree_[p] = kFree;
      parent_[p] = kNone;
    }
    orphans_.clear();
  }

  ResidualGraph& g_;
  int32_t n_;
  std::vector<uint8_t> tree_;
  std::vector<int32_t> parent_, ts_, dist_, pos_;
  std::vector<uint8_t> in_active_;
  std::vector<int32_t> ring_, orphans_;
  int32_t qhead_ = 0, qtail_ = 0, time_ = 0;
};

inline int64_t max_flow_bk(ResidualGraph& g, int32_t s, int32_t t) {
  BoykovKolmogorov solver(g);
  return solver.solve(s, t);
}

}  // namespace qsm::flow
