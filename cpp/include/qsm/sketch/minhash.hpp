// MinHash signatures (Broder 1997) over 64-bit item hashes, and LSH band keys
// (qsmcore.sketch.MinHash, MinHashLSH).
//
// "One hash, k mixers": slot i of the signature keeps min over items of
// mix(h ^ key_i), where h is the item's XXH3-64 hash, key_i the i-th output of a
// splitmix64 stream seeded with the sketch seed, and mix Stafford's "Mix13"
// finalizer (the splitmix64 output function). mix is a bijection of the 64-bit
// words with full avalanche, so each slot is a pseudo-random permutation of the
// hash space and the k minima behave as k (approximately min-wise independent)
// permutations, at two multiplications per item and slot instead of k full hashes.
// The keys come from a different function than the item hash, so no item can
// make h ^ key_i structurally zero in a slot.
//
// A minimum is exact and order-free: the parallel update (per-chunk minima, then
// the elementwise min of the chunks) equals the sequential one bit for bit.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "qsm/core/config.hpp"
#include "qsm/core/hash.hpp"
#include "qsm/core/parallel.hpp"

namespace qsm::sketch {

inline constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ull;

// Stafford's Mix13 (the splitmix64 finalizer): a bijection with full avalanche.
QSM_HD QSM_FORCEINLINE uint64_t mix13(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Output i (0-based) of splitmix64 started at state `seed`.
QSM_HD QSM_FORCEINLINE uint64_t splitmix64_at(uint64_t seed, uint64_t i) {
  return mix13(seed + (i + 1) * kGoldenGamma);
}

QSM_HD QSM_FORCEINLINE uint64_t minhash_value(uint64_t h, uint64_t key) { return mix13(h ^ key); }

// sig[i] = min(sig[i], min over items j of minhash_value(h[j], keys[i])).
inline void minhash_fold(uint64_t* sig, const uint64_t* keys, uint32_t k, const uint64_t* h,
                         uint64_t begin, uint64_t end) {
  for (uint64_t j = begin; j < end; ++j) {
    const uint64_t x = h[j];
    for (uint32_t i = 0; i < k; ++i) sig[i] = std::min(sig[i], minhash_value(x, keys[i]));
  }
}

inline void minhash_update(uint64_t* sig, const uint64_t* keys, uint32_t k, const uint64_t* h,
                           uint64_t n, int threads) {
  const int t = resolve_threads(threads);
  // Any chunking gives the same minima; this one just keeps threads busy.
  const uint64_t grain = std::max<uint64_t>(2048, (n + 4 * t - 1) / (4 * static_cast<uint64_t>(t)));
  if (t <= 1 || n <= grain) {
    minhash_fold(sig, keys, k, h, 0, n);
    return;
  }
  const uint64_t chunks = chunk_count(n, grain);
  std::vector<uint64_t> part(chunks * k, ~0ull);
  parallel_for(n, grain, t, [&](uint64_t begin, uint64_t end) {
    minhash_fold(part.data() + (begin / grain) * k, keys, k, h, begin, end);
  });
  for (uint64_t c = 0; c < chunks; ++c)
    for (uint32_t i = 0; i < k; ++i) sig[i] = std::min(sig[i], part[c * k + i]);
}

// LSH band key of band b: XXH3-64 (seed b) of the r signature words of the band,
// as 8r little-endian bytes.
QSM_HD QSM_FORCEINLINE uint64_t band_key(const uint64_t* sig, uint32_t band, uint32_t rows) {
  return xxh3_64(sig + static_cast<uint64_t>(band) * rows, 8 * static_cast<size_t>(rows), band);
}

}  // namespace qsm::sketch
