// Exact network reliability of an undirected graph whose edges (and, for two-terminal,
// nodes) work independently: the probability that s and t are connected through
// working elements (two-terminal), or that all nodes are connected (all-terminal).
//
// Method: the frontier-based dynamic programme behind the BDD algorithms of Hardy,
// Lucet & Limnios ("K-terminal network reliability measures with binary decision
// diagrams", IEEE Trans. Reliability 56(3), 2007). Edges are processed one at a time
// in an order that keeps the "frontier" (nodes with processed and unprocessed edges
// both) small: nodes ordered by breadth-first search from s, edges by their later
// end. A state is the partition of the frontier nodes into components joined by
// working edges processed so far (canonically labelled by first appearance), plus
// the labels of s's and t's components; equal states are merged and their
// probabilities added, which is what a BDD's node sharing does. The cost is the
// number of distinct partitions, exponential in the frontier width only: a 10 x 10
// grid (width 10) has a few thousand states per step. Exact up to floating rounding
// of the sums; every probability is a sum of products of the inputs, no subtraction.
//
// A node that fails is modelled in the state as "dead" (its edges cannot join it).
#pragma once

#include <algorithm>
#include <cstdint>
#include <queue>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace qsm::reliability {

enum class Terminals : int { two = 0, all = 1 };

struct NetworkExactResult {
  double reliability = 0.0;
  double failure = 1.0;      // accumulated from the failing states, not 1 - reliability
  int64_t max_states = 0;    // largest number of distinct frontier states at one step
  int32_t max_frontier = 0;  // widest frontier
};

namespace detail {

constexpr uint8_t kDead = 254;    // a failed node in the frontier
constexpr uint8_t kAbsent = 255;  // s or t: not introduced yet

// Key layout: [s_label, t_label, label of frontier position 0, 1, ...].
inline void canonicalize(std::string& key) {
  uint8_t map[256];
  std::fill(std::begin(map), std::end(map), kAbsent);
  uint8_t next = 0;
  for (size_t i = 2; i < key.size(); ++i) {
    auto l = static_cast<uint8_t>(key[i]);
    if (l == kDead) continue;
    if (map[l] == kAbsent) map[l] = next++;
    key[i] = static_cast<char>(map[l]);
  }
  for (size_t i = 0; i < 2; ++i) {
    auto l = static_cast<uint8_t>(key[i]);
    if (l != kAbsent) key[i] = static_cast<char>(map[l]);
  }
}

}  // namespace detail

// edges: m undirected edges (eu[i], ev[i]) failing with probability edge_q[i]; node_q:
// n node failure probabilities (two-terminal only; pass all 0 otherwise). Both the
// success and the failure probability are accumulated as sums of products of the
// inputs, so a failure probability of 1e-15 is as accurate as one of 0.5.
// Ids in [0, n); self-loops are ignored. `max_states` bounds memory: exceeding it
// throws std::length_error (the caller turns it into advice to use Monte Carlo).
inline NetworkExactResult network_reliability_exact(int32_t n, int64_t m, const int64_t* eu,
                                                    const int64_t* ev, const double* edge_q,
                                                    const double* node_q, int32_t s, int32_t t,
                                                    Terminals kind, int64_t max_states) {
  using detail::kAbsent;
  using detail::kDead;
  NetworkExactResult out;
  const bool two = kind == Terminals::two;
  if (two && s == t) {
    out.reliability = 1.0 - node_q[s];
    out.failure = node_q[s];
    return out;
  }
  // Adjacency for the BFS order.
  std::vector<std::vector<int32_t>> adj(static_cast<size_t>(n));
  std::vector<int64_t> order_edges;
  for (int64_t i = 0; i < m; ++i) {
    if (eu[i] == ev[i]) continue;
    adj[static_cast<size_t>(eu[i])].push_back(static_cast<int32_t>(ev[i]));
    adj[static_cast<size_t>(ev[i])].push_back(static_cast<int32_t>(eu[i]));
    order_edges.push_back(i);
  }
  std::vector<int32_t> rank(static_cast<size_t>(n), -1);
  int32_t ranked = 0;
  {
    std::queue<int32_t> q;
    const int32_t start = two ? s : 0;
    for (int32_t r = 0; r < n; ++r) {
      const int32_t root = r == 0 ? start : r;
      if (rank[static_cast<size_t>(root)] >= 0) continue;
      rank[static_cast<size_t>(root)] = ranked++;
      q.push(root);
      while (!q.empty()) {
        const int32_t v = q.front();
        q.pop();
        for (const int32_t w : adj[static_cast<size_t>(v)])
          if (rank[static_cast<size_t>(w)] < 0) {
            rank[static_cast<size_t>(w)] = ranked++;
            q.push(w);
          }
      }
    }
  }
  auto later = [&](int64_t i) { return std::max(rank[eu[i]], rank[ev[i]]); };
  auto earlier = [&](int64_t i) { return std::min(rank[eu[i]], rank[ev[i]]); };
  std::stable_sort(order_edges.begin(), order_edges.end(), [&](int64_t a, int64_t b) {
    return later(a) != later(b) ? later(a) < later(b) : earlier(a) < earlier(b);
  });
  // Last processed edge of every node: after it the node leaves the frontier.
  std::vector<int64_t> last(static_cast<size_t>(n), -1);
  for (size_t k = 0; k < order_edges.size(); ++k) {
    last[static_cast<size_t>(eu[order_edges[k]])] = static_cast<int64_t>(k);
    last[static_cast<size_t>(ev[order_edges[k]])] = static_cast<int64_t>(k);
  }
  if (!two) {
    if (n == 1) {
      out.reliability = 1.0;
      out.failure = 0.0;
      return out;
    }
    for (int32_t v = 0; v < n; ++v)
      if (last[static_cast<size_t>(v)] < 0) return out;  // an isolated node: never connected
  } else if (last[static_cast<size_t>(s)] < 0 || last[static_cast<size_t>(t)] < 0) {
    return out;  // s or t has no edge
  }
  // s and t must work: their factor is applied at the end, the DP treats them as up.
  const double qs = two ? node_q[s] : 0.0, qt = two ? node_q[t] : 0.0;
  const double terminal_factor = (1.0 - qs) * (1.0 - qt);
  const double terminal_down = qs + qt - qs * qt;

  std::vector<int32_t> frontier;  // node at each key position (after the 2-byte header)
  std::vector<int32_t> pos(static_cast<size_t>(n), -1);
  std::unordered_map<std::string, double> states, next;
  states.emplace(std::string{static_cast<char>(kAbsent), static_cast<char>(kAbsent)}, 1.0);
  double success = 0.0, failure = 0.0;
  int32_t introduced = 0;

  auto add = [&](std::string key, double p) {
    detail::canonicalize(key);
    next[key] += p;
  };

  for (size_t k = 0; k < order_edges.size(); ++k) {
    const int64_t e = order_edges[k];
    const auto u = static_cast<int32_t>(eu[e]), v = static_cast<int32_t>(ev[e]);
    // 1. Introduce new end points (a fresh singleton label, or dead).
    for (const int32_t w : {u, v}) {
      if (pos[static_cast<size_t>(w)] >= 0) continue;
      pos[static_cast<size_t>(w)] = static_cast<int32_t>(frontier.size());
      frontier.push_back(w);
      ++introduced;
      const double down = (two && w != s && w != t) ? node_q[w] : 0.0;
      next.clear();
      for (const auto& [key, p] : states) {
        std::string alive = key;
        const auto fresh = static_cast<char>(250);  // canonicalize renumbers it
        alive.push_back(fresh);
        if (two && w == s) alive[0] = fresh;
        if (two && w == t) alive[1] = fresh;
        if (down < 1.0) add(alive, p * (1.0 - down));
        if (down > 0.0) {
          std::string dead = key;
          dead.push_back(static_cast<char>(kDead));
          add(dead, p * down);
        }
      }
      states.swap(next);
    }
    out.max_frontier = std::max(out.max_frontier, static_cast<int32_t>(frontier.size()));
    if (frontier.size() > 240)  // labels are bytes, 250..255 reserved
      throw std::length_error("network_reliability_exact: the frontier exceeds 240 nodes");
    // 2. The edge fails, or works and joins its end points' components.
    const double qe = edge_q[e];
    const size_t iu = 2 + static_cast<size_t>(pos[static_cast<size_t>(u)]);
    const size_t iv = 2 + static_cast<size_t>(pos[static_cast<size_t>(v)]);
    next.clear();
    for (const auto& [key, p] : states) {
      const auto lu = static_cast<uint8_t>(key[iu]), lv = static_cast<uint8_t>(key[iv]);
      const bool joinable = lu != kDead && lv != kDead && lu != lv;
      if (!joinable) {  // the edge changes nothing
        next[key] += p;
        continue;
      }
      if (qe > 0.0) next[key] += p * qe;
      if (qe < 1.0) {
        const double pe = 1.0 - qe;
        std::string joined = key;
        for (size_t i = 0; i < joined.size(); ++i)
          if (static_cast<uint8_t>(joined[i]) == lv) joined[i] = static_cast<char>(lu);
        if (two && joined[0] == joined[1] && static_cast<uint8_t>(joined[0]) != kAbsent) {
          success += p * pe;  // s and t joined: absorbed
          continue;
        }
        add(joined, p * pe);
      }
    }
    states.swap(next);
    // 3. Nodes whose last edge this was leave the frontier.
    for (const int32_t w : {u, v}) {
      if (last[static_cast<size_t>(w)] != static_cast<int64_t>(k) ||
          pos[static_cast<size_t>(w)] < 0)
        continue;
      const size_t iw = 2 + static_cast<size_t>(pos[static_cast<size_t>(w)]);
      next.clear();
      for (const auto& [key, p] : states) {
        const auto lw = static_cast<uint8_t>(key[iw]);
        bool shared = lw == kDead;
        for (size_t i = 2; i < key.size() && !shared; ++i)
          shared = i != iw && static_cast<uint8_t>(key[i]) == lw;
        if (!shared) {  // w's component closes for good
          if (two) {
            if (static_cast<uint8_t>(key[0]) == lw || static_cast<uint8_t>(key[1]) == lw) {
              failure += p;  // s or t cut off from the other
              continue;
            }
          } else {
            if (frontier.size() == 1 && introduced == n)
              success += p;  // the last one
            else
              failure += p;  // any other closing component leaves a node unconnected
            continue;
          }
        }
        std::string rest = key;
        rest.erase(iw, 1);
        add(rest, p);
      }
      states.swap(next);
      frontier.erase(frontier.begin() + static_cast<int64_t>(iw - 2));
      pos[static_cast<size_t>(w)] = -1;
      for (size_t i = 0; i < frontier.size(); ++i)
        pos[static_cast<size_t>(frontier[i])] = static_cast<int32_t>(i);
    }
    out.max_states = std::max(out.max_states, static_cast<int64_t>(states.size()));
    if (out.max_states > max_states)
      throw std::length_error("network_reliability_exact: more than " + std::to_string(max_states) +
                              " frontier states");
  }
  for (const auto& kv : states) failure += kv.second;  // never joined
  out.reliability = success * terminal_factor;
  out.failure = failure * terminal_factor + terminal_down;
  return out;
}

}  // namespace qsm::reliability
