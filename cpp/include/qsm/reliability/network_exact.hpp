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
#include <bit>
#include <cstdint>
#include <cstring>
#include <queue>
#include <stdexcept>
#include <string>
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

constexpr int kMaxFrontier = 30;  // Catalan(30) ~ 4e15 partitions: far beyond memory anyway
constexpr uint8_t kDead = 254;    // a failed node in the frontier
constexpr uint8_t kAbsent = 255;  // s or t: not introduced yet

// One DP state: b[0] = label of s's component, b[1] = t's, b[2 + i] = label of
// frontier position i (labels canonical: numbered by first appearance).
struct Key {
  uint8_t b[2 + kMaxFrontier];
};

inline void canonicalize(Key& key, int len) {
  uint8_t map[256];
  std::fill(std::begin(map), std::end(map), kAbsent);
  uint8_t next = 0;
  for (int i = 2; i < 2 + len; ++i) {
    const uint8_t l = key.b[i];
    if (l == kDead) continue;
    if (map[l] == kAbsent) map[l] = next++;
    key.b[i] = map[l];
  }
  for (int i = 0; i < 2; ++i)
    if (key.b[i] != kAbsent) key.b[i] = map[key.b[i]];
}

// States of one step: keys and probabilities in insertion order, found through an
// open-addressing table (linear probing) keyed by the first 2 + len bytes.
class StateTable {
 public:
  void reset(int len) {
    len_ = len;
    keys_.clear();
    probs_.clear();
    const size_t want = std::max<size_t>(64, 2 * keys_.capacity());
    if (slots_.size() < want) slots_.assign(std::bit_ceil(want), -1);
    std::fill(slots_.begin(), slots_.end(), -1);
  }
  void add(const Key& key, double p) {
    if (2 * (keys_.size() + 1) > slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    for (size_t h = hash(key) & mask;; h = (h + 1) & mask) {
      const int32_t at = slots_[h];
      if (at < 0) {
        slots_[h] = static_cast<int32_t>(keys_.size());
        keys_.push_back(key);
        probs_.push_back(p);
        return;
      }
      if (std::memcmp(keys_[static_cast<size_t>(at)].b, key.b, static_cast<size_t>(2 + len_)) ==
          0) {
        probs_[static_cast<size_t>(at)] += p;
        return;
      }
    }
  }
  size_t size() const { return keys_.size(); }
  const Key& key(size_t i) const { return keys_[i]; }
  double prob(size_t i) const { return probs_[i]; }

 private:
  uint64_t hash(const Key& key) const {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(len_);
    for (int i = 0; i < 2 + len_; ++i) h = (h ^ key.b[i]) * 0x100000001B3ull;
    return h ^ (h >> 29);
  }
  void grow() {
    slots_.assign(slots_.size() * 2, -1);
    const size_t mask = slots_.size() - 1;
    for (size_t i = 0; i < keys_.size(); ++i) {
      size_t h = hash(keys_[i]) & mask;
      while (slots_[h] >= 0) h = (h + 1) & mask;
      slots_[h] = static_cast<int32_t>(i);
    }
  }
  int len_ = 0;
  std::vector<Key> keys_;
  std::vector<double> probs_;
  std::vector<int32_t> slots_;
};

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
  detail::StateTable states, next;
  states.reset(0);
  {
    detail::Key start{};
    start.b[0] = start.b[1] = kAbsent;
    states.add(start, 1.0);
  }
  double success = 0.0, failure = 0.0;
  int32_t introduced = 0;

  // One pass per edge: every state branches on its new end points (alive or dead) and
  // on the edge (fails or joins), then the end points whose last edge this was leave
  // the frontier, and the successor goes into the next table.
  for (size_t k = 0; k < order_edges.size(); ++k) {
    const int64_t e = order_edges[k];
    const auto u = static_cast<int32_t>(eu[e]), v = static_cast<int32_t>(ev[e]);
    const int len0 = static_cast<int>(frontier.size());
    int fresh[2] = {-1, -1};  // key positions of nodes introduced by this edge
    int n_fresh = 0;
    for (const int32_t w : {u, v}) {
      if (pos[static_cast<size_t>(w)] >= 0) continue;
      pos[static_cast<size_t>(w)] = static_cast<int32_t>(frontier.size());
      frontier.push_back(w);
      fresh[n_fresh++] = 2 + pos[static_cast<size_t>(w)];
      ++introduced;
    }
    const int len1 = static_cast<int>(frontier.size());
    if (len1 > detail::kMaxFrontier)
      throw std::length_error("network_reliability_exact: the frontier exceeds " +
                              std::to_string(detail::kMaxFrontier) + " nodes");
    out.max_frontier = std::max(out.max_frontier, len1);
    double fresh_q[2] = {0.0, 0.0};
    bool fresh_s[2] = {false, false}, fresh_t[2] = {false, false};
    for (int f = 0; f < n_fresh; ++f) {
      const int32_t w = frontier[static_cast<size_t>(fresh[f] - 2)];
      fresh_q[f] = (two && w != s && w != t) ? node_q[w] : 0.0;
      fresh_s[f] = two && w == s;
      fresh_t[f] = two && w == t;
    }
    // Leaving nodes, highest key position first so that erasing keeps the others valid.
    int leave[2] = {-1, -1};
    int n_leave = 0;
    for (const int32_t w : {u, v})
      if (last[static_cast<size_t>(w)] == static_cast<int64_t>(k))
        leave[n_leave++] = 2 + pos[static_cast<size_t>(w)];
    if (n_leave == 2 && leave[0] < leave[1]) std::swap(leave[0], leave[1]);
    const int len2 = len1 - n_leave;
    next.reset(len2);
    const bool last_edge = k + 1 == order_edges.size();
    const int iu = 2 + pos[static_cast<size_t>(u)], iv = 2 + pos[static_cast<size_t>(v)];
    const double qe = edge_q[e];

    // Finishes one successor: the leaving nodes go, then absorb or store it.
    auto finish = [&](detail::Key key, double p) {
      if (two && key.b[0] != kAbsent && key.b[0] == key.b[1]) {
        success += p;  // s and t joined
        return;
      }
      int len = len1;
      for (int li = 0; li < n_leave; ++li) {
        const int iw = leave[li];
        const uint8_t lw = key.b[iw];
        bool shared = lw == kDead;
        for (int i = 2; i < 2 + len && !shared; ++i) shared = i != iw && key.b[i] == lw;
        if (!shared) {  // w's component closes for good
          if (two) {
            if (key.b[0] == lw || key.b[1] == lw) {
              failure += p;  // s or t cut off from the other
              return;
            }
          } else {
            if (len == 1 && introduced == n && last_edge)
              success += p;  // the last node: everything was one component
            else
              failure += p;  // a closed component leaves some node unconnected
            return;
          }
        }
        std::memmove(key.b + iw, key.b + iw + 1, static_cast<size_t>(2 + len - iw - 1));
        --len;
      }
      detail::canonicalize(key, len);
      next.add(key, p);
    };

    for (size_t i = 0; i < states.size(); ++i) {
      const double p0 = states.prob(i);
      // Introduction branches: 2^n_fresh alive/dead combinations.
      for (int mask = 0; mask < (1 << n_fresh); ++mask) {
        detail::Key key = states.key(i);
        for (int f = 0; f < len1 - len0; ++f) key.b[2 + len0 + f] = 0;
        double p = p0;
        bool possible = true;
        for (int f = 0; f < n_fresh; ++f) {
          const bool dead = (mask >> f) & 1;
          if (dead) {
            if (fresh_q[f] == 0.0) possible = false;
            p *= fresh_q[f];
            key.b[fresh[f]] = kDead;
          } else {
            if (fresh_q[f] == 1.0) possible = false;
            p *= 1.0 - fresh_q[f];
            key.b[fresh[f]] = static_cast<uint8_t>(250 - f);  // canonicalize renumbers
            if (fresh_s[f]) key.b[0] = key.b[fresh[f]];
            if (fresh_t[f]) key.b[1] = key.b[fresh[f]];
          }
        }
        if (!possible) continue;
        const uint8_t lu = key.b[iu], lv = key.b[iv];
        if (lu == kDead || lv == kDead || lu == lv) {  // the edge changes nothing
          finish(key, p);
          continue;
        }
        if (qe > 0.0) finish(key, p * qe);
        if (qe < 1.0) {
          for (int b = 0; b < 2 + len1; ++b)
            if (key.b[b] == lv) key.b[b] = lu;
          finish(key, p * (1.0 - qe));
        }
      }
    }
    std::swap(states, next);
    for (int li = 0; li < n_leave; ++li) {
      const int32_t w = frontier[static_cast<size_t>(leave[li] - 2)];
      frontier.erase(frontier.begin() + (leave[li] - 2));
      pos[static_cast<size_t>(w)] = -1;
    }
    for (size_t i = 0; i < frontier.size(); ++i)
      pos[static_cast<size_t>(frontier[i])] = static_cast<int32_t>(i);
    out.max_states = std::max(out.max_states, static_cast<int64_t>(states.size()));
    if (out.max_states > max_states)
      throw std::length_error("network_reliability_exact: more than " + std::to_string(max_states) +
                              " frontier states");
  }
  for (size_t i = 0; i < states.size(); ++i) failure += states.prob(i);  // never joined
  out.reliability = success * terminal_factor;
  out.failure = failure * terminal_factor + terminal_down;
  return out;
}

}  // namespace qsm::reliability
