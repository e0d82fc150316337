// Highest-label push-relabel (Goldberg & Tarjan 1988) with the heuristics of
// Cherkassky & Goldberg's hi_pr ("On implementing push-relabel method for the
// maximum flow problem", Algorithmica 1997): exact distance labels from a backward
// breadth-first search (global relabeling, run when the relabel work since the last
// one exceeds a multiple of n and m), and the gap heuristic (when no node is left at
// label g, every node above g is cut off from the sink).
//
// Two phases. Phase 1 pushes toward the sink and stops with a maximum preflow: its
// value is the max-flow value and the minimum cut is already found. Phase 2 turns the
// preflow into a flow by sending the excess stranded on the source side back to the
// source along the arcs that brought it, as hi_pr's second stage does: a depth-first
// search backwards along flow-carrying arcs from every node with excess cancels the
// flow cycles it meets and yields a topological order of the (now acyclic) flow
// among those nodes; walking that order from the excess end, each node hands its
// excess to its predecessors by reducing their flow into it. This touches only the
// ancestors of excess nodes, once each, where rerunning push-relabel toward the
// source would relabel the whole graph again. Flow into the sink is never reduced,
// so the value is unchanged.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "qsm/flow/maxflow_graph.hpp"

namespace qsm::flow {

class PushRelabel {
 public:
  explicit PushRelabel(ResidualGraph& g)
      : g_(g),
        n_(g.n),
        d_(static_cast<size_t>(g.n)),
        cur_(static_cast<size_t>(g.n)),
        act_next_(static_cast<size_t>(g.n)),
        all_next_(static_cast<size_t>(g.n)),
        all_prev_(static_cast<size_t>(g.n)),
        act_head_(static_cast<size_t>(g.n) + 1),
        all_head_(static_cast<size_t>(g.n) + 1),
        excess_(static_cast<size_t>(g.n), 0) {
    queue_.reserve(static_cast<size_t>(g.n));
  }

  // Returns the value of a maximum s-t flow and leaves that flow in g.cap.
  int64_t solve(int32_t s, int32_t t) {
    for (int32_t a = g_.first[s]; a < g_.first[s + 1]; ++a) {
      const int64_t c = g_.cap(a);
      if (c == 0) continue;
      g_.cap(a) = 0;
      g_.cap(g_.rev(a)) += c;
      excess_[g_.head(a)] += c;
    }
    run(t, s);
    return_excess(s, t);
    return excess_[t];
  }

 private:
  static constexpr int64_t kAlpha = 6, kBeta = 12;

  // Discharges every active node (excess > 0, label < n) toward `target`; `other`
  // (the other terminal) is never active and never admissible.
  void run(int32_t target, int32_t other) {
    target_ = target;
    other_ = other;
    const int64_t nm = kAlpha * n_ + static_cast<int64_t>(g_.slots());
    global_relabel();
    work_ = 0;
    while (amax_ >= 1) {
      const int32_t v = act_head_[amax_];
      if (v < 0) {
        --amax_;
        continue;
      }
      act_head_[amax_] = act_next_[v];
      discharge(v);
      if (work_ > 2 * nm) {
        global_relabel();
        work_ = 0;
      }
    }
  }

  void add_all(int32_t v, int32_t label) {
    const int32_t h = all_head_[label];
    all_prev_[v] = -1;
    all_next_[v] = h;
    if (h >= 0) all_prev_[h] = v;
    all_head_[label] = v;
    dmax_ = std::max(dmax_, label);
  }

  void remove_all(int32_t v, int32_t label) {
    const int32_t p = all_prev_[v], nx = all_next_[v];
    if (p >= 0)
      all_next_[p] = nx;
    else
      all_head_[label] = nx;
    if (nx >= 0) all_prev_[nx] = p;
  }

  void activate(int32_t v) {
    const int32_t label = d_[v];
    act_next_[v] = act_head_[label];
    act_head_[label] = v;
    amax_ = std::max(amax_, label);
  }

  // Exact distances to the target in the residual graph, by a BFS over reversed
  // arcs; nodes that cannot reach it get label n and are out of the game.
  void global_relabel() {
    std::fill(d_.begin(), d_.end(), n_);
    std::fill(act_head_.begin(), act_head_.end(), -1);
    std::fill(all_head_.begin(), all_head_.end(), -1);
    amax_ = 0;
    dmax_ = 0;
    queue_.clear();
    d_[target_] = 0;
    queue_.push_back(target_);
    for (size_t k = 0; k < queue_.size(); ++k) {
      const int32_t v = queue_[k];
      const int32_t dv = d_[v] + 1;
      for (int32_t a = g_.first[v]; a < g_.first[v + 1]; ++a) {
        const int32_t u = g_.head(a);
        if (d_[u] == n_ && u != other_ && g_.cap(g_.rev(a)) > 0) {
          d_[u] = dv;
          queue_.push_back(u);
        }
      }
    }
    for (size_t k = 1; k < queue_.size(); ++k) {
      const int32_t v = queue_[k];
      cur_[v] = g_.first[v];
      add_all(v, d_[v]);
      if (excess_[v] > 0) activate(v);
    }
  }

  // Every node labelled above g can no longer reach the target.
  void gap(int32_t g) {
    for (int32_t label = g + 1; label <= dmax_; ++label) {
      for (int32_t u = all_head_[label]; u >= 0; u = all_next_[u]) d_[u] = n_;
      all_head_[label] = -1;
      act_head_[label] = -1;
    }
    dmax_ = g - 1;
  }

  void discharge(int32_t v) {
    const int32_t end = g_.first[v + 1];
    for (;;) {
      const int32_t dv = d_[v];
      int32_t a = cur_[v];
      int64_t ex = excess_[v];
      for (; a < end; ++a) {
        const int64_t c = g_.cap(a);
        if (c == 0) continue;
        const int32_t w = g_.head(a);
        if (d_[w] != dv - 1) continue;
        const int64_t delta = std::min(ex, c);
        g_.cap(a) = c - delta;
        g_.cap(g_.rev(a)) += delta;
        if (excess_[w] == 0 && w != target_) activate(w);
        excess_[w] += delta;
        ex -= delta;
        if (ex == 0) break;
      }
      excess_[v] = ex;
      if (ex == 0) {
        cur_[v] = a;
        return;
      }
      // Relabel: no admissible arc is left.
      remove_all(v, dv);
      if (all_head_[dv] < 0) {
        gap(dv);
        d_[v] = n_;
        return;
      }
      int32_t best = n_, best_arc = end;
      const int32_t begin = g_.first[v];
      work_ += kBeta + (end - begin);
      for (int32_t b = begin; b < end; ++b) {
        if (g_.cap(b) > 0 && d_[g_.head(b)] + 1 < best) {
          best = d_[g_.head(b)] + 1;
          best_arc = b;
        }
      }
      d_[v] = best;
      if (best >= n_) {
        d_[v] = n_;
        return;
      }
      cur_[v] = best_arc;
      add_all(v, best);
    }
  }

  // Phase 2 (see the header comment). A slot b at v brings flow into v when it is the
  // reverse slot of an input arc u -> v: its residual capacity is that arc's flow.
  void return_excess(int32_t s, int32_t t) {
    bool stranded = false;
    for (int32_t v = 0; v < n_ && !stranded; ++v) stranded = excess_[v] > 0 && v != s && v != t;
    if (!stranded) return;
    std::vector<uint8_t> reverse_slot(g_.slots(), 1);
    for (const int32_t a : g_.slot)
      if (a >= 0) reverse_slot[static_cast<size_t>(a)] = 0;
    auto carries_in = [&](int32_t b) { return reverse_slot[b] && g_.cap(b) > 0; };

    enum : uint8_t { kWhite, kGrey, kBlack };
    std::vector<uint8_t> color(static_cast<size_t>(n_), kWhite);
    std::vector<int32_t> via(static_cast<size_t>(n_));  // slot that reached v (at v's parent)
    std::vector<int32_t>& order = queue_;               // finish order
    std::vector<int32_t> stack;
    order.clear();
    color[s] = color[t] = kBlack;  // never expanded: s absorbs excess, t keeps its inflow
    for (int32_t v = 0; v < n_; ++v) cur_[v] = g_.first[v];

    for (int32_t root = 0; root < n_; ++root) {
      if (color[root] != kWhite || excess_[root] == 0) continue;
      color[root] = kGrey;
      stack.assign(1, root);
      while (!stack.empty()) {
        const int32_t v = stack.back();
        int32_t& b = cur_[v];
        const int32_t end = g_.first[v + 1];
        bool descended = false;
        for (; b < end; ++b) {
          if (!carries_in(b)) continue;
          const int32_t u = g_.head(b);  // flow u -> v
          if (color[u] == kWhite) {
            color[u] = kGrey;
            via[u] = b;
            stack.push_back(u);
            descended = true;
            break;
          }
          if (color[u] == kGrey) {
            cancel_cycle(stack, via, color, u, b);
            descended = true;  // the stack may have shrunk: resume from its top
            break;
          }
        }
        if (descended) continue;
        color[v] = kBlack;
        order.push_back(v);
        stack.pop_back();
      }
    }
    // Ancestors finish before descendants: walk from the last finished (nearest the
    // excess) to the first, pushing each node's excess back into its predecessors.
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      const int32_t v = *it;
      int64_t ex = excess_[v];
      for (int32_t b = g_.first[v]; ex > 0 && b < g_.first[v + 1]; ++b) {
        if (!carries_in(b)) continue;
        const int64_t delta = std::min(ex, g_.cap(b));
        g_.cap(b) -= delta;
        g_.cap(g_.rev(b)) += delta;
        excess_[g_.head(b)] += delta;
        ex -= delta;
      }
      excess_[v] = ex;
    }
  }

  // The stack holds a path of flow arcs read backwards (each node's predecessor sits
  // above it) and slot b at the top node v carries flow from u, already on the stack:
  // a flow cycle u -> ... -> v -> u... Cancel its bottleneck (excesses unchanged),
  // then unwind the stack to below the lowest arc that emptied, making the unwound
  // nodes white again so later searches can revisit them along their remaining arcs.
  void cancel_cycle(std::vector<int32_t>& stack, const std::vector<int32_t>& via,
                    std::vector<uint8_t>& color, int32_t u, int32_t b) {
    size_t k = stack.size() - 1;
    while (stack[k] != u) --k;  // stack[k..top]: u, then its predecessors along the cycle
    int64_t delta = g_.cap(b);
    for (size_t i = k + 1; i < stack.size(); ++i) delta = std::min(delta, g_.cap(via[stack[i]]));
    g_.cap(b) -= delta;
    g_.cap(g_.rev(b)) += delta;
    size_t cut = stack.size();
    for (size_t i = k + 1; i < stack.size(); ++i) {
      const int32_t a = via[stack[i]];
      g_.cap(a) -= delta;
      g_.cap(g_.rev(a)) += delta;
      if (g_.cap(a) == 0 && cut == stack.size()) cut = i;
    }
    for (size_t i = cut; i < stack.size(); ++i) color[stack[i]] = 0;  // white again
    stack.resize(cut);
  }

  ResidualGraph& g_;
  int32_t n_;
  std::vector<int32_t> d_, cur_, act_next_, all_next_, all_prev_, act_head_, all_head_, queue_;
  std::vector<int64_t> excess_;
  int32_t target_ = 0, other_ = 0, amax_ = 0, dmax_ = 0;
  int64_t work_ = 0;
};

inline int64_t max_flow_push_relabel(ResidualGraph& g, int32_t s, int32_t t) {
  PushRelabel solver(g);
  return solver.solve(s, t);
}

}  // namespace qsm::flow
