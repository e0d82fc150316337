// MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit variant for 64-bit
// machines), as Redis uses it for HyperLogLog: 8-byte blocks read little-endian
// whatever the host byte order, tail bytes folded in from the last one down.
// Written from the algorithm's description; Redis calls it with seed 0xadc83b19.
#pragma once

#include <cstdint>

#include "qsm/core/config.hpp"

namespace qsm {

inline constexpr uint64_t kRedisHllSeed = 0xadc83b19ULL;

QSM_HD inline uint64_t murmur64a(const void* key, uint64_t len, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto* data = static_cast<const uint8_t*>(key);
  // Redis passes the length as an int and the seed as an unsigned int; for the
  // lengths a Redis string can have (< 2**31) the products below are the same.
  uint64_t h = seed ^ (len * m);
  const uint64_t blocks = len / 8;
  for (uint64_t b = 0; b < blocks; ++b, data += 8) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; --i) k = (k << 8) | data[i];  // little-endian load
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const unsigned tail = static_cast<unsigned>(len & 7);
  if (tail != 0) {
    for (unsigned i = tail; i-- > 0;) h ^= static_cast<uint64_t>(data[i]) << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

}  // namespace qsm
