// Node store shared by the reduced ordered BDD (bdd.hpp) and the zero-suppressed
// BDD of minimal cut sets (cutsets_zbdd.hpp): a node pool in one vector, a unique
// table (open addressing over node ids) that makes every (level, lo, hi) triple exist
// once, and a lossy direct-mapped computed cache for the recursive operations.
//
// Ids 0 and 1 are the terminals (BDD: false / true; ZBDD: the empty family / the
// family holding only the empty set). A node's children are always created before the
// node, so children have smaller ids than their parents: the bottom-up and top-down
// passes in bdd_measures.hpp are plain loops over ids, with no recursion and no sort.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace qsm::reliability {

// Thrown when a diagram would grow past the caller's node limit: the structure is
// too large for exact evaluation with this variable order (or this limit).
class NodeLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DdNode {
  int32_t level;  // position of the variable in the order; terminals: n_levels
  int32_t lo;     // child when the variable is 0 (working) / absent from the set
  int32_t hi;     // child when the variable is 1 (failed) / present in the set
};

class DdStore {
 public:
  static constexpr int32_t kZero = 0;
  static constexpr int32_t kOne = 1;

  // zero_suppressed selects the ZBDD reduction rule (drop nodes whose hi child is
  // kZero) instead of the BDD rule (drop nodes whose children are equal).
  DdStore(int32_t n_levels, bool zero_suppressed, size_t max_nodes)
      : n_levels_(n_levels), zdd_(zero_suppressed), max_nodes_(max_nodes) {
    nodes_.push_back({n_levels, 0, 0});
    nodes_.push_back({n_levels, 1, 1});
    table_.assign(size_t{1} << 12, -1);
  }

  int32_t n_levels() const { return n_levels_; }
  size_t size() const { return nodes_.size(); }
  const DdNode& node(int32_t id) const { return nodes_[static_cast<size_t>(id)]; }
  int32_t level(int32_t id) const { return nodes_[static_cast<size_t>(id)].level; }
  static bool terminal(int32_t id) { return id <= 1; }

  // The unique node (level, lo, hi) after the reduction rule; children must sit
  // below `level`.
  int32_t make(int32_t level, int32_t lo, int32_t hi) {
    if (zdd_ ? hi == kZero : lo == hi) return lo;
    size_t i = hash(level, lo, hi) & (table_.size() - 1);
    while (table_[i] >= 0) {
      const DdNode& n = nodes_[static_cast<size_t>(table_[i])];
      if (n.level == level && n.lo == lo && n.hi == hi) return table_[i];
      i = (i + 1) & (table_.size() - 1);
    }
    if (nodes_.size() >= max_nodes_)
      throw NodeLimitError("decision diagram exceeds max_nodes = " + std::to_string(max_nodes_) +
                           " nodes; the structure is too large for exact evaluation with this "
                           "limit (raise max_nodes or use Monte Carlo)");
    const auto id = static_cast<int32_t>(nodes_.size());
    nodes_.push_back({level, lo, hi});
    table_[i] = id;
    // Keep the load at most 1/2 so probes stay short.
    if (2 * nodes_.size() > table_.size()) grow();
    return id;
  }

 private:
  static size_t hash(int32_t level, int32_t lo, int32_t hi) {
    uint64_t h = static_cast<uint32_t>(level) * 0x9E3779B97F4A7C15ull;
    h ^= static_cast<uint32_t>(lo) + 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
    h ^= static_cast<uint32_t>(hi) * 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return static_cast<size_t>(h ^ (h >> 32));
  }

  void grow() {
    std::vector<int32_t> t(table_.size() * 2, -1);
    const size_t mask = t.size() - 1;
    for (size_t id = 2; id < nodes_.size(); ++id) {
      const DdNode& n = nodes_[id];
      size_t i = hash(n.level, n.lo, n.hi) & mask;
      while (t[i] >= 0) i = (i + 1) & mask;
      t[i] = static_cast<int32_t>(id);
    }
    table_.swap(t);
  }

  int32_t n_levels_;
  bool zdd_;
  size_t max_nodes_;
  std::vector<DdNode> nodes_;
  std::vector<int32_t> table_;
};

// Lossy computed table: a hit saves a recursion, a miss only costs time, so a
// collision simply overwrites. It grows with the node pool (a fixed small cache
// turns the polynomial apply into an exponential one on large diagrams).
class DdCache {
 public:
  DdCache() : entries_(size_t{1} << 12, Entry{-1, 0, 0, 0}) {}

  bool find(int32_t a, int32_t b, int32_t c, int32_t& result) const {
    const Entry& e = entries_[index(a, b, c)];
    if (e.a == a && e.b == b && e.c == c) {
      result = e.r;
      return true;
    }
    return false;
  }

  void put(int32_t a, int32_t b, int32_t c, int32_t r) { entries_[index(a, b, c)] = {a, b, c, r}; }

  // Called with the node count now and then: at least one entry per node, up to 2^22
  // entries (64 MiB); resizing drops the old entries, which only costs recomputation.
  void fit(size_t nodes) {
    size_t want = entries_.size();
    while (want < nodes && want < (size_t{1} << 22)) want *= 2;
    if (want != entries_.size()) entries_.assign(want, Entry{-1, 0, 0, 0});
  }

 private:
  struct Entry {
    int32_t a, b, c, r;
  };
  size_t index(int32_t a, int32_t b, int32_t c) const {
    uint64_t h = static_cast<uint32_t>(a) * 0x9E3779B97F4A7C15ull;
    h ^= static_cast<uint32_t>(b) * 0xC2B2AE3D27D4EB4Full;
    h ^= static_cast<uint32_t>(c) * 0x165667B19E3779F9ull;
    h ^= h >> 31;
    return static_cast<size_t>(h) & (entries_.size() - 1);
  }
  std::vector<Entry> entries_;
};

}  // namespace qsm::reliability
