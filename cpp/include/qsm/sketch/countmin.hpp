// Count-Min sketch (Cormode & Muthukrishnan, "An improved data stream summary:
// the count-min sketch and its applications", J. Algorithms 55, 2005).
//
// State: `depth` rows of `width` uint64 counters, row-major. Item x (already
// hashed to a 64-bit XXH3 value h by qsmcore.hash64) adds its count c to
// counter[r][h_r(h)] in every row r; the estimate is min_r counter[r][h_r(h)].
//
// Row hashing. The (epsilon, delta) guarantee needs h_1..h_d drawn independently
// from a pairwise-independent family. Each row draws its own (a0, a1, b), three
// uniform 64-bit words from splitmix64(seed), and applies Dietzfelbinger's
// multiply-add-shift to the two 32-bit halves of h (the vector form, Thorup,
// "High speed hashing for integers and strings", 2015, section 3.3):
//     v_r(h) = ((a0 * lo32(h) + a1 * hi32(h) + b) mod 2^64) >> 32
// which is strongly universal (2-independent) from 64-bit keys to 32 bits.
// The column is then Lemire's multiply-high range reduction (v * width) >> 32:
// every column gets floor or ceil of 2^32 / width of the 2^32 values of v, a
// relative non-uniformity below width / 2^32 (under 1e-3 for width <= 4 million). Rows are
// independent because their parameters are independent draws. We chose this over
// Kirsch-Mitzenmacher double hashing (h1 + r*h2), whose rows are not pairwise independent of each
// other, and over per-row bit mixers, which have no independence proof.
//
// Determinism: counters are exact integer sums, so a plain update is the same
// whatever the order of additions; the parallel update sums per-thread private
// tables (small sketches) or splits rows across threads (large ones), no atomics. Conservative
// update (Estan & Varghese 2002) reads the row minimum before writing, so it runs sequentially in
// key order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "qsm/core/config.hpp"
#include "qsm/core/parallel.hpp"

namespace qsm::cms {

// The parameters of one row's hash function.
struct RowHash {
  uint64_t a0, a1, b;
};

// splitmix64 step (Steele, Lea & Flood 2014): the parameter stream for row hashes.
QSM_HD QSM_FORCEINLINE uint64_t splitmix64_next(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Row r's hash parameters for a sketch seeded with `seed`: a pure function of
// (seed, r), so two sketches with the same seed hash identically (mergeable).
inline RowHash row_hash(uint64_t seed, uint32_t row) {
  // Domain-separate from the item hash seed, then skip to row r's three words.
  uint64_t state = seed ^ 0x434D53526F777348ull;  // "CMSRowsH"
  state += 3ull * row * 0x9E3779B97F4A7C15ull;
  RowHash p;
  p.a0 = splitmix64_next(state);
  p.a1 = splitmix64_next(state);
  p.b = splitmix64_next(state);
  return p;
}

inline std::vector<RowHash> row_hashes(uint64_t seed, uint32_t depth) {
  std::vector<RowHash> out(depth);
  for (uint32_t r = 0; r < depth; ++r) out[r] = row_hash(seed, r);
  return out;
}

// Column of key hash h in a row with parameters p: multiply-add-shift to 32
// bits, then multiply-high into [0, width). width must be in [1, 2^32).
QSM_HD QSM_FORCEINLINE uint64_t row_index(const RowHash& p, uint64_t h, uint64_t width) {
  const uint64_t lo = h & 0xFFFFFFFFull, hi = h >> 32;
  const uint64_t v = (p.a0 * lo + p.a1 * hi + p.b) >> 32;
  return (v * width) >> 32;
}

// Plain update of one row: counter[row_index(h_i)] += count_i (count 1 when counts is null).
inline void update_row(uint64_t* row, uint64_t width, const RowHash& p, const uint64_t* hashes,
                       const uint64_t* counts, uint64_t n) {
  if (counts == nullptr) {
    for (uint64_t i = 0; i < n; ++i) row[row_index(p, hashes[i], width)] += 1;
  } else {
    for (uint64_t i = 0; i < n; ++i) row[row_index(p, hashes[i], width)] += counts[i];
  }
}

// Items [begin, end) into every row, in blocks of items that stay in L1 while
// each row takes its turn: one pass over the hashes instead of one per row.
inline void update_rows_blocked(uint64_t* table, uint64_t width, uint32_t depth,
                                const RowHash* rows, const uint64_t* hashes, const uint64_t* counts,
                                uint64_t begin, uint64_t end) {
  constexpr uint64_t kBlock = 2048;
  for (uint64_t b = begin; b < end; b += kBlock) {
    const uint64_t m = std::min(end, b + kBlock) - b;
    for (uint32_t r = 0; r < depth; ++r)
      update_row(table + r * width, width, rows[r], hashes + b,
                 counts == nullptr ? nullptr : counts + b, m);
  }
}

// Plain batch update. Counters are integer sums, so any split of the work gives
// the same table. Small tables: each thread adds a contiguous range of items
// into a private zeroed table, and the partial tables are summed afterwards.
// Large tables (private copies would cost too much memory): rows are split
// across threads, each row owned by one thread for the whole batch.
inline void update_plain(uint64_t* table, uint64_t width, uint32_t depth, const RowHash* rows,
                         const uint64_t* hashes, const uint64_t* counts, uint64_t n, int threads) {
  constexpr uint64_t kMinItemsPerThread = 1 << 16;  // below this, starting threads costs more
  constexpr uint64_t kPrivateBytes = 64ull << 20;   // memory allowed for private tables
  const uint64_t cells = width * depth;
  const uint64_t workers =
      std::min<uint64_t>(static_cast<uint64_t>(resolve_threads(threads)), n / kMinItemsPerThread);
  if (workers <= 1) {
    update_rows_blocked(table, width, depth, rows, hashes, counts, 0, n);
    return;
  }
  if (cells * 8 * (workers - 1) <= kPrivateBytes) {
    const uint64_t grain = (n + workers - 1) / workers;
    std::vector<std::vector<uint64_t>> partial(workers - 1);
    parallel_for(n, grain, static_cast<int>(workers), [&](uint64_t begin, uint64_t end) {
      const uint64_t c = begin / grain;
      uint64_t* dst = table;  // chunk 0 writes the table itself; the others their own copy
      if (c > 0) {
        partial[c - 1].assign(cells, 0);
        dst = partial[c - 1].data();
      }
      update_rows_blocked(dst, width, depth, rows, hashes, counts, begin, end);
    });
    parallel_for(cells, 1 << 14, static_cast<int>(workers), [&](uint64_t begin, uint64_t end) {
      for (const auto& p : partial)
        if (!p.empty())
          for (uint64_t i = begin; i < end; ++i) table[i] += p[i];
    });
    return;
  }
  parallel_for(depth, 1, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t r = begin; r < end; ++r)
      update_row(table + r * width, width, rows[r], hashes, counts, n);
  });
}

// Conservative update (Estan & Varghese): raise each of the item's counters only
// to max(counter, min + count). Sequential in key order: each item reads state
// that the previous ones wrote.
inline void update_conservative(uint64_t* table, uint64_t width, uint32_t depth,
                                const RowHash* rows, const uint64_t* hashes, const uint64_t* counts,
                                uint64_t n) {
  std::vector<uint64_t> idx(depth);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t c = counts == nullptr ? 1 : counts[i];
    uint64_t m = UINT64_MAX;
    for (uint32_t r = 0; r < depth; ++r) {
      idx[r] = r * width + row_index(rows[r], hashes[i], width);
      m = std::min(m, table[idx[r]]);
    }
    const uint64_t target = m + c;
    for (uint32_t r = 0; r < depth; ++r) table[idx[r]] = std::max(table[idx[r]], target);
  }
}

// Estimate of one key: the minimum of its counters.
QSM_HD QSM_FORCEINLINE uint64_t estimate(const uint64_t* table, uint64_t width, uint32_t depth,
                                         const RowHash* rows, uint64_t h) {
  uint64_t m = UINT64_MAX;
  for (uint32_t r = 0; r < depth; ++r) {
    const uint64_t c = table[r * width + row_index(rows[r], h, width)];
    m = c < m ? c : m;
  }
  return m;
}

// Batch query; reads only, so any chunking gives the same answer.
inline void query(const uint64_t* table, uint64_t width, uint32_t depth, const RowHash* rows,
                  const uint64_t* hashes, uint64_t* out, uint64_t n, int threads) {
  parallel_for(n, 1 << 15, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) out[i] = estimate(table, width, depth, rows, hashes[i]);
  });
}

// Elementwise sum (merge of two sketches with the same shape and seed).
inline void merge_into(uint64_t* dst, const uint64_t* src, uint64_t cells, int threads) {
  parallel_for(cells, 1 << 16, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) dst[i] += src[i];
  });
}

}  // namespace qsm::cms
