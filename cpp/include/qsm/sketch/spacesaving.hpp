// Space-Saving heavy hitters (Metwally, Agrawal & El Abbadi, "Efficient
// computation of frequent and top-k elements in data streams", ICDT 2005),
// weighted form, on 64-bit key hashes, and the top-k candidate selection that
// CountMinTopK uses.
//
// k monitored entries (hash, count, error). An item already monitored adds its
// weight w to its count. Otherwise, while fewer than k are monitored, it enters
// with (w, 0); once full it replaces the entry with the minimum count m and
// enters with (m + w, m). Invariants, for stream length N (sum of weights):
//   count - error <= f(x) <= count for every monitored x;
//   f(x) <= m for every unmonitored x, where m is the minimum count when full (0 otherwise);
//   sum of counts <= N, hence m <= N / k, so every x with f(x) > N / k is monitored.
// Storage: an indexed binary min-heap on count (O(log k) per item) plus an
// open-addressing hash index from key hash to entry (O(1) expected). The
// algorithm is sequential by nature (each item reads the minimum the previous
// ones left), so updates are single-threaded and deterministic in key order.
//
// Merge (Agarwal et al., "Mergeable summaries", PODS 2012; the Space-Saving form
// of Cafaro, Pulimeno & Tempesta 2016): every key in either summary gets
// count = c1 + c2 and error = e1 + e2, where a key missing from summary i uses
// (m_i, m_i); the k largest counts are kept (ties: smaller hash first). For any
// k + 1 keys the summed counts are at most N1 + m1 + N2 + m2 <= (k + 1) N / k,
// so a dropped key cannot have f > N / k, and all the invariants above still hold.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

namespace qsm::spacesaving {

// Open-addressing index: 64-bit key hash -> int32 entry, linear probing with
// backward-shift deletion (no tombstones). The table doubles when half full, so
// memory follows the number of keys held, not the capacity k a caller (or a
// hostile stored image) asks for.
class HashIndex {
 public:
  explicit HashIndex(uint64_t expected = 0) { reset(expected); }

  void reset(uint64_t expected) {
    uint64_t cap = 16;
    while (cap < 2 * expected) cap <<= 1;
    init(cap);
  }

  int32_t find(uint64_t key) const {
    for (uint64_t i = home(key);; i = next(i)) {
      if (vals_[i] < 0) return -1;
      if (keys_[i] == key) return vals_[i];
    }
  }

  void insert(uint64_t key, int32_t value) {  // key must be absent
    if (2 * (count_ + 1) > keys_.size()) grow();
    place(key, value);
    ++count_;
  }

  void erase(uint64_t key) {  // key must be present
    uint64_t i = home(key);
    while (keys_[i] != key || vals_[i] < 0) i = next(i);
    // Backward shift: pull later entries of the probe run into the hole when
    // their home position does not lie cyclically in (hole, their slot].
    for (uint64_t j = next(i);; j = next(j)) {
      if (vals_[j] < 0) break;
      const uint64_t h = home(keys_[j]);
      const bool stays = (i <= j) ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      keys_[i] = keys_[j];
      vals_[i] = vals_[j];
      i = j;
    }
    vals_[i] = -1;
    --count_;
  }

 private:
  void init(uint64_t cap) {
    bits_ = 0;
    while ((uint64_t{1} << bits_) < cap) ++bits_;
    keys_.assign(cap, 0);
    vals_.assign(cap, -1);
    count_ = 0;
  }

  void place(uint64_t key, int32_t value) {
    uint64_t i = home(key);
    while (vals_[i] >= 0) i = next(i);
    keys_[i] = key;
    vals_[i] = value;
  }

  void grow() {
    std::vector<uint64_t> keys = std::move(keys_);
    std::vector<int32_t> vals = std::move(vals_);
    const uint64_t count = count_;
    init(2 * keys.size());
    for (size_t i = 0; i < keys.size(); ++i)
      if (vals[i] >= 0) place(keys[i], vals[i]);
    count_ = count;
  }

  // Fibonacci hashing of the (already random) key: top bits of key * 2^64/phi.
  uint64_t home(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> (64 - bits_); }
  uint64_t next(uint64_t i) const { return (i + 1) & (keys_.size() - 1); }

  int bits_ = 0;
  uint64_t count_ = 0;
  std::vector<uint64_t> keys_;
  std::vector<int32_t> vals_;
};

struct Entry {
  uint64_t hash, count, error;
};

class SpaceSaving {
 public:
  // Storage grows with the keys monitored (at most k), not with k itself.
  explicit SpaceSaving(uint32_t k) : k_(k) {
    if (k == 0) throw std::invalid_argument("k must be positive");
  }

  uint32_t k() const { return k_; }
  uint32_t size() const { return static_cast<uint32_t>(hash_.size()); }
  // m: the count an unmonitored key can at most have (0 until the summary is full).
  uint64_t min_count() const { return size() < k_ ? 0 : heap_[0].count; }

  // Weighted update in key order. origin(e) becomes the batch position of the
  // item that last made entry e start monitoring a new key (-1: from an earlier batch).
  void update(const uint64_t* hashes, const uint64_t* weights, uint64_t n) {
    std::fill(origin_.begin(), origin_.end(), -1);
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t w = weights == nullptr ? 1 : weights[i];
      if (w == 0) continue;  // a zero weight must not evict anything
      const uint64_t h = hashes[i];
      const int32_t e = index_.find(h);
      if (e >= 0) {
        heap_[pos_[e]].count += w;
        sift_down(pos_[e]);
      } else if (size() < k_) {
        push(h, w, 0, static_cast<int64_t>(i));
      } else {
        const int32_t v = heap_[0].entry;
        index_.erase(hash_[v]);
        hash_[v] = h;
        error_[v] = heap_[0].count;
        heap_[0].count += w;
        origin_[v] = static_cast<int64_t>(i);
        index_.insert(h, v);
        sift_down(0);
      }
    }
  }

  // Entries in storage order (hash, count, error) and their batch origins.
  const std::vector<uint64_t>& hashes() const { return hash_; }
  std::vector<uint64_t> counts() const {
    std::vector<uint64_t> out(size());
    for (uint32_t e = 0; e < size(); ++e) out[e] = heap_[pos_[e]].count;
    return out;
  }
  const std::vector<uint64_t>& errors() const { return error_; }
  const std::vector<int64_t>& origins() const { return origin_; }

  // Replace the state by `entries` (at most k, distinct hashes, error <= count).
  void assign(const std::vector<Entry>& entries) {
    if (entries.size() > k_) throw std::invalid_argument("more entries than k");
    hash_.clear();
    error_.clear();
    origin_.clear();
    heap_.clear();
    pos_.clear();
    index_.reset(entries.size());
    for (const Entry& e : entries) {
      if (index_.find(e.hash) >= 0) throw std::invalid_argument("duplicate key hash");
      if (e.error > e.count) throw std::invalid_argument("error exceeds count");
      push(e.hash, e.count, e.error, -1);
    }
  }

  std::vector<Entry> entries() const {
    std::vector<Entry> out(size());
    for (uint32_t i = 0; i < size(); ++i) out[i] = {hash_[i], heap_[pos_[i]].count, error_[i]};
    return out;
  }

  // The merged entries of `a` (minimum ma) and `b` (minimum mb), top k by count
  // (ties: smaller hash first), sorted that way.
  static std::vector<Entry> merge(const std::vector<Entry>& a, uint64_t ma,
                                  const std::vector<Entry>& b, uint64_t mb, uint32_t k) {
    HashIndex in_b(b.size());
    for (size_t j = 0; j < b.size(); ++j) in_b.insert(b[j].hash, static_cast<int32_t>(j));
    std::vector<char> b_used(b.size(), 0);
    std::vector<Entry> all;
    all.reserve(a.size() + b.size());
    for (const Entry& e : a) {
      const int32_t j = in_b.find(e.hash);
      if (j >= 0) {
        b_used[j] = 1;
        all.push_back({e.hash, e.count + b[j].count, e.error + b[j].error});
      } else {
        all.push_back({e.hash, e.count + mb, e.error + mb});
      }
    }
    for (size_t j = 0; j < b.size(); ++j)
      if (!b_used[j]) all.push_back({b[j].hash, b[j].count + ma, b[j].error + ma});
    sort_by_count(all);
    if (all.size() > k) all.resize(k);
    return all;
  }

  static void sort_by_count(std::vector<Entry>& v) {
    std::sort(v.begin(), v.end(), [](const Entry& x, const Entry& y) {
      return x.count != y.count ? x.count > y.count : x.hash < y.hash;
    });
  }

 private:
  void push(uint64_t h, uint64_t c, uint64_t err, int64_t origin) {
    const auto e = static_cast<int32_t>(hash_.size());
    hash_.push_back(h);
    error_.push_back(err);
    origin_.push_back(origin);
    pos_.push_back(static_cast<uint32_t>(heap_.size()));
    heap_.push_back({c, e});
    index_.insert(h, e);
    sift_up(pos_[e]);
  }

  // Heap items carry their count, so sifting reads one array, not two.
  struct HeapItem {
    uint64_t count;
    int32_t entry;
  };

  void place(uint32_t p, const HeapItem& item) {
    heap_[p] = item;
    pos_[item.entry] = p;
  }

  void sift_up(uint32_t p) {
    const HeapItem item = heap_[p];
    while (p > 0) {
      const uint32_t parent = (p - 1) / 2;
      if (heap_[parent].count <= item.count) break;
      place(p, heap_[parent]);
      p = parent;
    }
    place(p, item);
  }

  void sift_down(uint32_t p) {
    const HeapItem item = heap_[p];
    const auto n = static_cast<uint32_t>(heap_.size());
    for (;;) {
      uint32_t c = 2 * p + 1;
      if (c >= n) break;
      if (c + 1 < n && heap_[c + 1].count < heap_[c].count) ++c;
      if (heap_[c].count >= item.count) break;
      place(p, heap_[c]);
      p = c;
    }
    place(p, item);
  }

  uint32_t k_;
  HashIndex index_;
  std::vector<uint64_t> hash_, error_;  // per entry
  std::vector<int64_t> origin_;
  std::vector<HeapItem> heap_;  // min-heap on count
  std::vector<uint32_t> pos_;   // entry id -> heap position
};

// Candidate selection for CountMinTopK: the k distinct hashes with the largest
// estimates among the current candidates (origin -1) and a batch (origin = first
// batch position), given every item's estimate. Deterministic: ranked by
// (estimate desc, hash asc), independent of the input order.
struct Candidate {
  uint64_t hash, estimate;
  int64_t origin;
};

inline std::vector<Candidate> select_top(const uint64_t* cand_hash, const uint64_t* cand_est,
                                         uint64_t nc, const uint64_t* batch_hash,
                                         const uint64_t* batch_est, uint64_t nb, uint32_t k) {
  auto better = [](const Candidate& x, const Candidate& y) {
    return x.estimate != y.estimate ? x.estimate > y.estimate : x.hash < y.hash;
  };
  // Min-heap under `better` (the worst kept candidate on top) plus an index of
  // the kept hashes, so a key seen many times in a batch is considered once.
  std::vector<Candidate> heap;
  heap.reserve(std::min<uint64_t>(k, nc + nb));
  HashIndex kept(std::min<uint64_t>(k, nc + nb));
  auto worse_first = [&](const Candidate& x, const Candidate& y) { return better(x, y); };
  auto offer = [&](uint64_t h, uint64_t est, int64_t origin) {
    const Candidate c{h, est, origin};
    if (heap.size() == k && !better(c, heap.front())) return;
    if (kept.find(h) >= 0) return;
    if (heap.size() == k) {
      std::pop_heap(heap.begin(), heap.end(), worse_first);
      kept.erase(heap.back().hash);
      heap.pop_back();
    }
    heap.push_back(c);
    std::push_heap(heap.begin(), heap.end(), worse_first);
    kept.insert(h, 0);
  };
  for (uint64_t i = 0; i < nc; ++i) offer(cand_hash[i], cand_est[i], -1);
  for (uint64_t i = 0; i < nb; ++i) offer(batch_hash[i], batch_est[i], static_cast<int64_t>(i));
  std::sort(heap.begin(), heap.end(), better);
  return heap;
}

}  // namespace qsm::spacesaving
