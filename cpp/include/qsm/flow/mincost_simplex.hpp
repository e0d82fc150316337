// Minimum-cost flow by the primal network simplex method.
//
// The problem: minimize sum_e c_e x_e subject to 0 <= x_e <= u_e and, at every
// node i, (flow out) - (flow in) = b_i, with sum_i b_i = 0 (an equality, "EQ",
// supply form). Negative costs are allowed: every capacity is finite, so a
// negative cycle is simply saturated.
//
// Method (Ahuja, Magnanti & Orlin, "Network Flows", ch. 11; the implementation
// choices follow Kiraly & Kovacs, "Efficient implementations of minimum-cost flow
// algorithms", Acta Univ. Sapientiae Informatica 4(1), 2012, which studies
// LEMON's NetworkSimplex):
// - an artificial root r joined to every node by an artificial arc: i -> r with
//   cost 0 where b_i >= 0, r -> i with cost M where b_i < 0. M exceeds the cost
//   of any simple path, so an optimal basis carries flow on an artificial arc only
//   when the supplies cannot be routed (big-M). The starting tree (all artificial
//   arcs, original arcs at their lower bound 0) is strongly feasible.
// - block search pricing: scan about sqrt(m) arcs at a time, round robin, and
//   enter the most violating arc of the first block that has one.
// - the leaving arc is the last blocking arc met when walking the pivot cycle in
//   the direction of flow from the join node (strictly feasible trees: every
//   node can send positive flow to the root), which prevents cycling.
// - the spanning tree is stored as parent / pred arc / direction, a preorder
//   thread with its reverse, subtree sizes and the last node of each subtree, so
//   a pivot touches only the pivot cycle, the moved subtree and the two paths
//   to the join node; all buffers are allocated once.
// - after a pivot the potentials of the moved subtree S shift by a constant;
//   equivalently the rest of the tree shifts by its negative, so the smaller
//   side is walked (the root's potential then drifts and is re-anchored at 0
//   whenever it passes 2^58, and before returning).
//
// All arithmetic is int64. The caller guarantees (qsmcore.flow validates):
// capacities >= 0, sum of capacities < 2^62, |cost| * total capacity < 2^62,
// (max|cost| + 1) * (n + 1) < 2^60 (so potentials relative to the root stay below
// 2^61 in magnitude, and reduced costs, drift included, fit int64), and
// sum of positive supplies <= total capacity.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace qsm::flow {

enum class MinCostStatus : int { optimal = 0, infeasible = 1 };

struct MinCostFlowOutput {
  MinCostStatus status = MinCostStatus::optimal;
  int64_t total_cost = 0;
  int64_t pivots = 0;
};

class NetworkSimplex {
 public:
  using Id = int32_t;

  // tails/heads/cap/cost: m arcs; supply: n nodes. Pointers must stay valid
  // until run() returns; nothing is copied twice.
  NetworkSimplex(int64_t n, int64_t m, const int64_t* tails, const int64_t* heads,
                 const int64_t* cap, const int64_t* cost, const int64_t* supply)
      : n_(n), m_(m), root_(n) {
    const int64_t all = m + n;
    const int64_t nodes = n + 1;
    source_.resize(all);
    target_.resize(all);
    cap_.resize(all);
    cost_.resize(all);
    flow_.assign(all, 0);
    state_.assign(all, kLower);
    parent_.resize(nodes);
    pred_.resize(nodes);
    pred_dir_.resize(nodes);
    thread_.resize(nodes);
    rev_thread_.resize(nodes);
    succ_num_.resize(nodes);
    last_succ_.resize(nodes);
    pi_.resize(nodes);
    stem_.resize(nodes);
    stem_last_.resize(nodes);
    stem_prev_.resize(nodes);
    stem_next_.resize(nodes);
    stem_size_.resize(nodes);

    int64_t max_abs = 0;
    for (int64_t e = 0; e < m; ++e) {
      source_[e] = tails[e];
      target_[e] = heads[e];
      cap_[e] = cap[e];
      cost_[e] = cost[e];
      max_abs = std::max(max_abs, cost[e] < 0 ? -cost[e] : cost[e]);
    }
    // Any simple path costs at most max|c| * (n - 1) in absolute value.
    art_cost_ = (max_abs + 1) * (n + 1);

    // Starting tree: the root with every node as a leaf child, threaded in
    // node order (root, 0, 1, ..., n-1, back to root).
    parent_[root_] = -1;
    pred_[root_] = -1;
    pred_dir_[root_] = 0;
    pi_[root_] = 0;
    succ_num_[root_] = n + 1;
    last_succ_[root_] = n > 0 ? n - 1 : root_;
    thread_[root_] = n > 0 ? 0 : root_;
    rev_thread_[0 < n ? 0 : root_] = root_;
    for (int64_t u = 0; u < n; ++u) {
      const int64_t e = m + u;
      parent_[u] = root_;
      pred_[u] = e;
      thread_[u] = u + 1 < n ? u + 1 : root_;
      rev_thread_[thread_[u]] = u;
      succ_num_[u] = 1;
      last_succ_[u] = u;
      cap_[e] = kInf;
      state_[e] = kTree;
      if (supply[u] >= 0) {
        pred_dir_[u] = kUp;
        source_[e] = u;
        target_[e] = root_;
        flow_[e] = supply[u];
        cost_[e] = 0;
        pi_[u] = 0;
      } else {
        pred_dir_[u] = kDown;
        source_[e] = root_;
        target_[e] = u;
        flow_[e] = -supply[u];
        cost_[e] = art_cost_;
        pi_[u] = art_cost_;
      }
    }
    block_size_ = std::max<int64_t>(
        kMinBlock, static_cast<int64_t>(std::sqrt(static_cast<double>(std::max<int64_t>(m, 1)))));
  }

  MinCostFlowOutput run() {
    MinCostFlowOutput out;
    while (find_entering_arc()) {
      find_join_node();
      const bool change = find_leaving_arc();
      change_flow(change);
      if (change) update_tree();
      ++out.pivots;
    }
    for (int64_t e = m_; e < m_ + n_; ++e) {
      if (flow_[e] != 0) {
        out.status = MinCostStatus::infeasible;
        return out;
      }
    }
    normalize_potentials();  // report pi with the root at 0
    int64_t total = 0;
    for (int64_t e = 0; e < m_; ++e) total += flow_[e] * cost_[e];
    out.total_cost = total;
    return out;
  }

  void copy_flow(int64_t* out) const { std::copy(flow_.begin(), flow_.begin() + m_, out); }
  void copy_potentials(int64_t* out) const { std::copy(pi_.begin(), pi_.begin() + n_, out); }

 private:
  static constexpr int8_t kUpper = -1, kTree = 0, kLower = 1;  // nontree arcs: at u_e or at 0
  static constexpr int8_t kUp = 1, kDown = -1;  // pred arc points to the parent / to the node
  static constexpr int64_t kInf = std::numeric_limits<int64_t>::max();
  static constexpr int64_t kMinBlock = 10;
  static constexpr int64_t kDrift = int64_t{1} << 58;

  // Reduced cost signed so that a negative value means "entering improves".
  int64_t violation(int64_t e) const {
    return state_[e] * (cost_[e] + pi_[source_[e]] - pi_[target_[e]]);
  }

  // Block search over the original arcs only: an artificial arc that has left
  // the tree never needs to come back (EQ form).
  bool find_entering_arc() {
    int64_t best = 0;
    int64_t count = block_size_;
    Id e = next_arc_;
    for (int64_t scanned = 0; scanned < m_; ++scanned) {
      const int64_t v = violation(e);
      if (v < best) {
        best = v;
        in_arc_ = e;
      }
      if (++e == m_) e = 0;
      if (--count == 0) {
        if (best < 0) break;
        count = block_size_;
      }
    }
    if (best >= 0) return false;
    next_arc_ = e;
    return true;
  }

  // Lowest common ancestor of the entering arc's ends, climbing from the
  // deeper-in-subtree-size side (a smaller subtree can't be an ancestor).
  void find_join_node() {
    Id u = source_[in_arc_], v = target_[in_arc_];
    while (u != v) {
      if (succ_num_[u] < succ_num_[v])
        u = parent_[u];
      else
        v = parent_[v];
    }
    join_ = u;
  }

  int64_t residual_against(int64_t u, int8_t dir) const {
    // Residual of u's tree arc when the cycle's flow runs in direction `dir`
    // relative to it: decreasing (flow) or increasing (cap - flow).
    const Id e = pred_[u];
    if (pred_dir_[u] == dir) return flow_[e];
    return cap_[e] == kInf ? kInf : cap_[e] - flow_[e];
  }

  // Flow runs first -> (entering arc) -> second -> ... -> join -> ... -> first.
  // Ties go to the last blocking arc in that direction from the join, which
  // keeps the tree strongly feasible.
  bool find_leaving_arc() {
    if (state_[in_arc_] == kLower) {
      first_ = source_[in_arc_];
      second_ = target_[in_arc_];
    } else {
      first_ = target_[in_arc_];
      second_ = source_[in_arc_];
    }
    delta_ = cap_[in_arc_];
    int result = 0;
    // first side: flow goes down from join to first, decreasing arcs that point up.
    for (Id u = first_; u != join_; u = parent_[u]) {
      const int64_t d = residual_against(u, kUp);
      if (d < delta_) {
        delta_ = d;
        u_out_ = u;
        result = 1;
      }
    }
    // second side: flow goes up from second to join, decreasing arcs that point down.
    for (Id u = second_; u != join_; u = parent_[u]) {
      const int64_t d = residual_against(u, kDown);
      if (d <= delta_) {
        delta_ = d;
        u_out_ = u;
        result = 2;
      }
    }
    if (result == 1) {
      u_in_ = first_;
      v_in_ = second_;
    } else {
      u_in_ = second_;
      v_in_ = first_;
    }
    return result != 0;
  }

  void change_flow(bool change) {
    if (delta_ > 0) {
      const int64_t val = state_[in_arc_] * delta_;
      flow_[in_arc_] += val;
      for (Id u = source_[in_arc_]; u != join_; u = parent_[u])
        flow_[pred_[u]] -= pred_dir_[u] * val;
      for (Id u = target_[in_arc_]; u != join_; u = parent_[u])
        flow_[pred_[u]] += pred_dir_[u] * val;
    }
    if (change) {
      state_[in_arc_] = kTree;
      const Id out = pred_[u_out_];
      state_[out] = flow_[out] == 0 ? kLower : kUpper;
    } else {
      state_[in_arc_] = static_cast<int8_t>(-state_[in_arc_]);
    }
  }

  // Detach the subtree S of u_out, re-root it at u_in (reversing the stem path
  // u_in -> ... -> u_out), hang it under v_in by the entering arc, and shift the
  // potentials of S so that the entering arc's reduced cost becomes 0.
  void update_tree() {
    // Stem w_0 = u_in, w_1 = parent(w_0), ..., w_K = u_out, with the old
    // preorder facts each splice needs (recorded before any pointer changes).
    Id k_max = 0;
    for (Id w = u_in_;; w = parent_[w]) {
      stem_[k_max] = w;
      stem_last_[k_max] = last_succ_[w];
      stem_prev_[k_max] = rev_thread_[w];
      stem_next_[k_max] = thread_[last_succ_[w]];
      stem_size_[k_max] = succ_num_[w];
      if (w == u_out_) break;
      ++k_max;
    }
    const int64_t size = stem_size_[k_max];
    const Id old_parent = parent_[u_out_];

    // 1. Unlink S from the thread; fix sizes up to the join, last nodes upward.
    {
      const Id prev = stem_prev_[k_max], next = stem_next_[k_max];
      thread_[prev] = next;
      rev_thread_[next] = prev;
      const Id old_last = stem_last_[k_max];
      for (Id a = old_parent; a != -1 && last_succ_[a] == old_last; a = parent_[a])
        last_succ_[a] = prev;
      for (Id a = old_parent; a != join_; a = parent_[a]) succ_num_[a] -= size;
    }

    // 2. New preorder of S: the old subtree of w_0, then for each k >= 1 the
    // node w_k with its old subtree minus the block of w_{k-1} (at most two
    // contiguous pieces of the old thread).
    Id tail = stem_last_[0];
    for (Id k = 1; k <= k_max; ++k) {
      const Id w = stem_[k];
      thread_[tail] = w;
      rev_thread_[w] = tail;
      tail = stem_prev_[k - 1];                  // piece A: w_k .. node before w_{k-1}
      if (stem_last_[k - 1] != stem_last_[k]) {  // piece B: after w_{k-1}'s block
        const Id b = stem_next_[k - 1];
        thread_[tail] = b;
        rev_thread_[b] = tail;
        tail = stem_last_[k];
      }
    }
    const Id new_last = tail;

    // 3. Reverse parent / pred along the stem, then attach w_0 to v_in.
    for (Id k = k_max; k >= 1; --k) {
      const Id w = stem_[k], below = stem_[k - 1];
      parent_[w] = below;
      pred_[w] = pred_[below];
      pred_dir_[w] = static_cast<int8_t>(-pred_dir_[below]);
    }
    parent_[u_in_] = v_in_;
    pred_[u_in_] = in_arc_;
    pred_dir_[u_in_] = source_[in_arc_] == u_in_ ? kUp : kDown;
    for (Id k = 0; k <= k_max; ++k) {
      succ_num_[stem_[k]] = k == 0 ? size : size - stem_size_[k - 1];
      last_succ_[stem_[k]] = new_last;
    }

    // 4. Splice S right after v_in in the thread.
    {
      const Id next = thread_[v_in_];
      thread_[v_in_] = u_in_;
      rev_thread_[u_in_] = v_in_;
      thread_[new_last] = next;
      rev_thread_[next] = new_last;
      for (Id a = v_in_; a != -1 && last_succ_[a] == v_in_; a = parent_[a])
        last_succ_[a] = new_last;
      for (Id a = v_in_; a != join_; a = parent_[a]) succ_num_[a] += size;
    }

    // 5. Potentials: the entering arc's reduced cost must become 0. Shifting S by
    // sigma or everything else by -sigma gives the same reduced costs; walk the
    // smaller side (this loop is most of a pivot's time on large sparse graphs).
    const int64_t target_pi =
        pred_dir_[u_in_] == kUp ? pi_[v_in_] - cost_[in_arc_] : pi_[v_in_] + cost_[in_arc_];
    const int64_t sigma = target_pi - pi_[u_in_];
    if (sigma != 0) {
      const int64_t rest = n_ + 1 - size;
      if (size <= rest) {
        Id x = u_in_;
        for (int64_t i = 0; i < size; ++i, x = thread_[x]) pi_[x] += sigma;
      } else {
        Id x = thread_[new_last];  // the thread after S runs through the rest, root included
        for (int64_t i = 0; i < rest; ++i, x = thread_[x]) pi_[x] -= sigma;
        // The root's potential now drifts; re-anchor it at 0 long before int64 is at
        // risk (relative potentials stay below 2^61, see the header comment).
        if (pi_[root_] > kDrift || pi_[root_] < -kDrift) normalize_potentials();
      }
    }
  }

  void normalize_potentials() {
    const int64_t r = pi_[root_];
    for (int64_t& p : pi_) p -= r;
  }

  int64_t n_, m_, root_;
  int64_t art_cost_ = 0;
  int64_t block_size_ = kMinBlock;
  Id next_arc_ = 0;
  Id in_arc_ = 0, join_ = 0, u_in_ = 0, v_in_ = 0, u_out_ = 0, first_ = 0, second_ = 0;
  int64_t delta_ = 0;

  // Node and arc ids are 32-bit (the caller keeps n + m < 2^31): pricing and the
  // tree walks are memory bound, and this halves their traffic.
  std::vector<Id> source_, target_;
  std::vector<int64_t> cap_, cost_, flow_;
  std::vector<int8_t> state_;
  std::vector<Id> parent_, pred_, thread_, rev_thread_, succ_num_, last_succ_;
  std::vector<int64_t> pi_;
  std::vector<int8_t> pred_dir_;
  std::vector<Id> stem_, stem_last_, stem_prev_, stem_next_, stem_size_;
};

}  // namespace qsm::flow
