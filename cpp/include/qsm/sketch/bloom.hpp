// Bloom filters over 64-bit item hashes (qsmcore.sketch.BloomFilter).
//
// Two layouts share one state type, an array of uint64 words:
//
// * classic (Bloom 1970): m bits, k probes per item by enhanced double hashing
//   (Dillinger & Manolios 2004): x_0 = h1, x_i = x_{i-1} + y_{i-1}, y_i = y_{i-1} + i,
//   all mod m, with h1 and h2 the item hash h and h with its 32-bit halves swapped,
//   each mapped onto [0, m) by Lemire's multiply-high reduction. The i-dependent
//   step keeps probes from collapsing when y = 0, which plain Kirsch-Mitzenmacher
//   double hashing (g_i = h1 + i*h2) suffers from.
// * split block (Putze, Sanders & Singler 2007; the layout of Apache Parquet's and
//   Impala's SBBF): 256-bit blocks of eight 32-bit words; the block is chosen by the
//   high 32 bits of h, and each word gets one bit, at (lo32(h) * salt_j) >> 27. A
//   lookup touches one cache line. Word pair (2j, 2j+1) is stored as uint64 word j
//   of the block (low half first), which is byte-identical to eight little-endian
//   uint32 words.
//
// Setting bits is an OR, so the final state does not depend on the order of the
// items: the parallel inserts (classic: atomic fetch_or, one thread per chunk of
// items; split block: one thread per range of blocks) give the same words as the
// sequential one.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <vector>

#include "qsm/core/config.hpp"
#include "qsm/core/parallel.hpp"

namespace qsm::sketch {

// floor(a * b / 2^64): maps a uniform 64-bit word onto [0, b) without a division.
QSM_HD QSM_FORCEINLINE uint64_t mulhi64(uint64_t a, uint64_t b) {
#if QSM_DEVICE_PASS
  return __umul64hi(a, b);
#else
  return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
#endif
}

// words[0] |= mask, atomically when several threads write the same filter. The
// relaxed pre-check skips the locked instruction for bits already set.
template <bool kAtomic>
QSM_HD QSM_FORCEINLINE void or_word(uint64_t* word, uint64_t mask) {
  if constexpr (kAtomic) {
#if QSM_DEVICE_PASS
    atomicOr(reinterpret_cast<unsigned long long*>(word), static_cast<unsigned long long>(mask));
#else
    std::atomic_ref<uint64_t> ref(*word);
    if ((ref.load(std::memory_order_relaxed) & mask) != mask)
      ref.fetch_or(mask, std::memory_order_relaxed);
#endif
  } else {
    *word |= mask;
  }
}

// ---- classic ---------------------------------------------------------------------

// Calls f(bit) for the k probe positions of hash h in a filter of m bits (k <= m).
template <class F>
QSM_HD QSM_FORCEINLINE void classic_probes(uint64_t h, uint64_t m, uint32_t k, F&& f) {
  uint64_t x = mulhi64(h, m);
  uint64_t y = mulhi64((h << 32) | (h >> 32), m);
  f(x);
  for (uint32_t i = 1; i < k; ++i) {
    x += y;
    if (x >= m) x -= m;
    y += i;  // i < k <= m, so one subtraction reduces it
    if (y >= m) y -= m;
    f(x);
  }
}

template <bool kAtomic>
QSM_HD QSM_FORCEINLINE void classic_insert(uint64_t* words, uint64_t m, uint32_t k, uint64_t h) {
  classic_probes(h, m, k,
                 [&](uint64_t b) { or_word<kAtomic>(words + (b >> 6), 1ull << (b & 63)); });
}

// Stops at the first clear bit: most queries of absent items end after one or two.
QSM_HD QSM_FORCEINLINE bool classic_query(const uint64_t* words, uint64_t m, uint32_t k,
                                          uint64_t h) {
  uint64_t x = mulhi64(h, m);
  uint64_t y = mulhi64((h << 32) | (h >> 32), m);
  if (!((words[x >> 6] >> (x & 63)) & 1)) return false;
  for (uint32_t i = 1; i < k; ++i) {
    x += y;
    if (x >= m) x -= m;
    y += i;
    if (y >= m) y -= m;
    if (!((words[x >> 6] >> (x & 63)) & 1)) return false;
  }
  return true;
}

// ---- split block -----------------------------------------------------------------

inline constexpr uint64_t kBlockWords = 4;  // 256 bits as four uint64 words

QSM_HD QSM_FORCEINLINE uint64_t block_index(uint64_t h, uint64_t blocks) {
  return ((h >> 32) * blocks) >> 32;  // blocks <= 2^32
}

// The 8 one-bit masks of lo32(h), two 32-bit lanes per uint64 word. The odd salts
// are those of the Parquet SBBF specification.
QSM_HD QSM_FORCEINLINE void block_masks(uint64_t h, uint64_t mask[4]) {
  const uint32_t key = static_cast<uint32_t>(h);
  constexpr uint32_t s0 = 0x47b6137bU, s1 = 0x44974d91U, s2 = 0x8824ad5bU, s3 = 0xa2b7289dU;
  constexpr uint32_t s4 = 0x705495c7U, s5 = 0x2df1424bU, s6 = 0x9efc4947U, s7 = 0x5c6bfb31U;
  auto bit = [key](uint32_t salt) { return static_cast<uint64_t>((key * salt) >> 27); };
  mask[0] = (1ull << bit(s0)) | (1ull << (32 + bit(s1)));
  mask[1] = (1ull << bit(s2)) | (1ull << (32 + bit(s3)));
  mask[2] = (1ull << bit(s4)) | (1ull << (32 + bit(s5)));
  mask[3] = (1ull << bit(s6)) | (1ull << (32 + bit(s7)));
}

template <bool kAtomic>
QSM_HD QSM_FORCEINLINE void block_insert(uint64_t* words, uint64_t blocks, uint64_t h) {
  uint64_t* b = words + kBlockWords * block_index(h, blocks);
  uint64_t mask[4];
  block_masks(h, mask);
  for (int j = 0; j < 4; ++j) or_word<kAtomic>(b + j, mask[j]);
}

QSM_HD QSM_FORCEINLINE bool block_query(const uint64_t* words, uint64_t blocks, uint64_t h) {
  const uint64_t* b = words + kBlockWords * block_index(h, blocks);
  uint64_t mask[4];
  block_masks(h, mask);
  uint64_t miss = 0;
  for (int j = 0; j < 4; ++j) miss |= mask[j] & ~b[j];
  return miss == 0;
}

// ---- batch kernels (CPU) ------------------------------------------------------------

inline constexpr uint64_t kBloomGrain = 1u << 15;
inline constexpr uint64_t kPrefetchAhead = 16;

// Runs body<kAtomic>(begin, end) over [0, n): sequential (plain ORs) for one thread
// or one chunk, else chunks in parallel with atomic ORs.
template <class Body>
void bloom_for(uint64_t n, int threads, Body&& body) {
  if (resolve_threads(threads) <= 1 || n <= kBloomGrain) {
    body.template operator()<false>(0, n);
    return;
  }
  parallel_for(n, kBloomGrain, threads,
               [&](uint64_t begin, uint64_t end) { body.template operator()<true>(begin, end); });
}

// The k probes of a classic filter are k cache misses on a large filter; prefetching
// every probe of the item kClassicAhead places ahead keeps several misses in flight.
inline constexpr uint64_t kClassicAhead = 8;

template <bool kWrite>
QSM_FORCEINLINE void classic_prefetch(const uint64_t* words, uint64_t m, uint32_t k, uint64_t h) {
  classic_probes(h, m, k, [&](uint64_t b) { __builtin_prefetch(words + (b >> 6), kWrite); });
}

inline void classic_add(uint64_t* words, uint64_t m, uint32_t k, const uint64_t* h, uint64_t n,
                        int threads) {
  bloom_for(n, threads, [&]<bool kAtomic>(uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) {
      if (i + kClassicAhead < end) classic_prefetch<true>(words, m, k, h[i + kClassicAhead]);
      classic_insert<kAtomic>(words, m, k, h[i]);
    }
  });
}

inline void classic_contains(const uint64_t* words, uint64_t m, uint32_t k, const uint64_t* h,
                             uint64_t n, bool* out, int threads) {
  parallel_for(n, kBloomGrain, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) {
      if (i + kClassicAhead < end) classic_prefetch<false>(words, m, k, h[i + kClassicAhead]);
      out[i] = classic_query(words, m, k, h[i]);
    }
  });
}

// Sequential insert of hashes h[0..n), prefetching the block kPrefetchAhead ahead.
inline void block_insert_run(uint64_t* words, uint64_t blocks, const uint64_t* h, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n)
      __builtin_prefetch(words + kBlockWords * block_index(h[i + kPrefetchAhead], blocks), 1);
    block_insert<false>(words, blocks, h[i]);
  }
}

inline constexpr uint64_t kCompact = 2048;  // hashes per compaction batch (16 KiB)

// Parallel insert without atomics: part p of P owns blocks [pB/P, (p+1)B/P) and scans
// every hash, inserting those that land in its range, so no two threads ever write
// the same word. The scan copies a batch's own hashes to a buffer without branches
// (a mispredicted branch per item would also discard the cache misses in flight),
// then inserts them with prefetching. Atomic ORs measured 2-3x slower than this.
inline void block_add(uint64_t* words, uint64_t blocks, const uint64_t* h, uint64_t n,
                      int threads) {
  const int t = resolve_threads(threads);
  const uint64_t parts = std::min<uint64_t>(static_cast<uint64_t>(t), blocks);
  if (parts <= 1 || n <= kBloomGrain) {
    block_insert_run(words, blocks, h, n);
    return;
  }
  parallel_for(parts, 1, t, [&](uint64_t p0, uint64_t p1) {
    std::vector<uint64_t> buf(kCompact);
    for (uint64_t p = p0; p < p1; ++p) {
      const uint64_t lo = blocks * p / parts, width = blocks * (p + 1) / parts - lo;
      for (uint64_t base = 0; base < n; base += kCompact) {
        const uint64_t end = std::min(n, base + kCompact);
        uint64_t count = 0;
        for (uint64_t i = base; i < end; ++i) {
          buf[count] = h[i];
          count += (block_index(h[i], blocks) - lo) < width;  // lo <= block < lo + width
        }
        block_insert_run(words, blocks, buf.data(), count);
      }
    }
  });
}

inline void block_contains(const uint64_t* words, uint64_t blocks, const uint64_t* h, uint64_t n,
                           bool* out, int threads) {
  parallel_for(n, kBloomGrain, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) {
      if (i + kPrefetchAhead < end)
        __builtin_prefetch(words + kBlockWords * block_index(h[i + kPrefetchAhead], blocks));
      out[i] = block_query(words, blocks, h[i]);
    }
  });
}

// Number of set bits (for the Swamidass-Baldi count estimate and the fill ratio).
inline uint64_t bloom_popcount(const uint64_t* words, uint64_t nwords) {
  uint64_t c = 0;
  for (uint64_t i = 0; i < nwords; ++i) c += static_cast<uint64_t>(std::popcount(words[i]));
  return c;
}

}  // namespace qsm::sketch
