// XXH3 64-bit hash with a 64-bit seed, written from the XXH3 specification in
// xxHash's doc/xxhash_spec.md. Results are bit-exact with xxHash's
// XXH3_64bits_withSeed (and so with Python's xxhash.xxh3_64_intdigest(data, seed)),
// which lets users reproduce any hash-derived value outside qsmcore.
//
// Every function is QSM_HD: the same code hashes on the CPU and inside CUDA kernels.
// Input is read as little-endian; like the rest of qsmcore this assumes a
// little-endian host (x86-64, AArch64) and device.
//
// xxh3_64_u64 is the hot path for integer arrays: the 8-byte case with every
// secret word folded into a compile-time constant, so it is pure ALU work.
#pragma once

#include <cstddef>

#include "qsm/core/config.hpp"

namespace qsm {
namespace detail {

inline constexpr uint64_t kXxhPrime32_1 = 0x9E3779B1u;
inline constexpr uint64_t kXxhPrime32_2 = 0x85EBCA77u;
inline constexpr uint64_t kXxhPrime32_3 = 0xC2B2AE3Du;
inline constexpr uint64_t kXxhPrime64_1 = 0x9E3779B185EBCA87ull;
inline constexpr uint64_t kXxhPrime64_2 = 0xC2B2AE3D27D4EB4Full;
inline constexpr uint64_t kXxhPrime64_3 = 0x165667B19E3779F9ull;
inline constexpr uint64_t kXxhPrime64_4 = 0x85EBCA77C2B2AE63ull;
inline constexpr uint64_t kXxhPrime64_5 = 0x27D4EB2F165667C5ull;
inline constexpr uint64_t kXxhPrimeMx1 = 0x165667919E3779F9ull;
inline constexpr uint64_t kXxhPrimeMx2 = 0x9FB21C651E98DF25ull;

inline constexpr size_t kXxh3SecretSize = 192;
inline constexpr size_t kXxh3StripeLen = 64;
inline constexpr size_t kXxh3SecretConsumeRate = 8;  // secret advance per stripe
// 16 stripes of 64 bytes make a 1024-byte block.
inline constexpr size_t kXxh3StripesPerBlock =
    (kXxh3SecretSize - kXxh3StripeLen) / kXxh3SecretConsumeRate;
inline constexpr size_t kXxh3BlockLen = kXxh3StripeLen * kXxh3StripesPerBlock;

// The default secret (kSecret in the spec: b8 fe 6c 39 23 a4 ...) as 24 little-endian
// words. Words keep every secret 8-byte aligned, which lets the device read it with
// word loads. One literal, two copies: device code cannot read a host constexpr
// array, and host code must never read a __constant__ one.
#define QSM_XXH3_SECRET_WORDS                                                                  \
  {0xBE4BA423396CFEB8ull, 0x1CAD21F72C81017Cull, 0xDB979083E96DD4DEull, 0x1F67B3B7A4A44072ull, \
   0x78E5C0CC4EE679CBull, 0x2172FFCC7DD05A82ull, 0x8E2443F7744608B8ull, 0x4C263A81E69035E0ull, \
   0xCB00C391BB52283Cull, 0xA32E531B8B65D088ull, 0x4EF90DA297486471ull, 0xD8ACDEA946EF1938ull, \
   0x3F349CE33F76FAA8ull, 0x1D4F0BC7C7BBDCF9ull, 0x3159B4CD4BE0518Aull, 0x647378D9C97E9FC8ull, \
   0xC3EBD33483ACC5EAull, 0xEB6313FAFFA081C5ull, 0x49DAF0B751DD0D17ull, 0x9E68D429265516D3ull, \
   0xFCA1477D58BE162Bull, 0xCE31D07AD1B8F88Full, 0x280416958F3ACB45ull, 0x7E404BBBCAFBD7AFull}

inline constexpr size_t kXxh3SecretWords = kXxh3SecretSize / 8;
inline constexpr uint64_t kXxh3Secret[kXxh3SecretWords] = QSM_XXH3_SECRET_WORDS;
#if defined(__CUDACC__)
static __constant__ uint64_t kXxh3SecretDevice[kXxh3SecretWords] = QSM_XXH3_SECRET_WORDS;
#endif
#undef QSM_XXH3_SECRET_WORDS

// Compile-time read of 8 secret bytes at any offset, for constants that the short
// paths would otherwise load at run time.
constexpr uint64_t xxh3_secret64_ce(size_t off) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    const size_t b = off + i;
    v |= ((kXxh3Secret[b / 8] >> (8 * (b % 8))) & 0xFF) << (8 * i);
  }
  return v;
}
constexpr uint32_t xxh3_secret32_ce(size_t off) {
  return static_cast<uint32_t>(xxh3_secret64_ce(off));
}
// Bytes 1..8 (fe 6c 39 23 a4 4b be 7c) straddle the first two words.
static_assert(xxh3_secret64_ce(1) == 0x7CBE4BA423396CFEull);

// Per-length-range secret combinations of the spec, folded once.
inline constexpr uint64_t kXxh3Len0Flip = xxh3_secret64_ce(56) ^ xxh3_secret64_ce(64);
inline constexpr uint64_t kXxh3Len1to3Flip = xxh3_secret32_ce(0) ^ xxh3_secret32_ce(4);
inline constexpr uint64_t kXxh3Len4to8Flip = xxh3_secret64_ce(8) ^ xxh3_secret64_ce(16);
inline constexpr uint64_t kXxh3Len9to16Flip1 = xxh3_secret64_ce(24) ^ xxh3_secret64_ce(32);
inline constexpr uint64_t kXxh3Len9to16Flip2 = xxh3_secret64_ce(40) ^ xxh3_secret64_ce(48);

QSM_HD QSM_FORCEINLINE const uint64_t* xxh3_default_secret() {
#if QSM_DEVICE_PASS
  return kXxh3SecretDevice;
#else
  return kXxh3Secret;
#endif
}

QSM_HD QSM_FORCEINLINE uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

QSM_HD QSM_FORCEINLINE uint32_t bswap32(uint32_t x) {
#if QSM_DEVICE_PASS
  return __byte_perm(x, 0, 0x0123);
#else
  return __builtin_bswap32(x);
#endif
}

QSM_HD QSM_FORCEINLINE uint64_t bswap64(uint64_t x) {
#if QSM_DEVICE_PASS
  const uint32_t lo = static_cast<uint32_t>(x), hi = static_cast<uint32_t>(x >> 32);
  return (static_cast<uint64_t>(bswap32(lo)) << 32) | bswap32(hi);
#else
  return __builtin_bswap64(x);
#endif
}

// Unaligned little-endian loads. The host compiles memcpy to one mov; the device
// has no unaligned loads, so it assembles bytes.
QSM_HD QSM_FORCEINLINE uint32_t read_le32(const uint8_t* p) {
#if QSM_DEVICE_PASS
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
#else
  uint32_t v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
#endif
}

QSM_HD QSM_FORCEINLINE uint64_t read_le64(const uint8_t* p) {
#if QSM_DEVICE_PASS
  return static_cast<uint64_t>(read_le32(p)) | (static_cast<uint64_t>(read_le32(p + 4)) << 32);
#else
  uint64_t v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
#endif
}

// Word k of secret `s`, or with kDerive of the secret xxHash derives from `seed` for
// the long path (seed added to even words, subtracted from odd ones).
template <bool kDerive>
QSM_HD QSM_FORCEINLINE uint64_t secret_word(const uint64_t* s, size_t k, uint64_t seed) {
  if constexpr (kDerive) {
    return s[k] + ((k & 1) ? 0 - seed : seed);
  } else {
    return s[k];
  }
}

// 8 secret bytes from byte offset `off`. The host does one unaligned load; the
// device (and a derived secret, which exists only per word) uses one word, or two
// shifted together. Offsets are compile-time constants after inlining, so the
// branch folds; word k + 1 stays inside the secret as no read ends past byte 185.
template <bool kDerive = false>
QSM_HD QSM_FORCEINLINE uint64_t secret64(const uint64_t* s, size_t off, uint64_t seed = 0) {
#if !QSM_DEVICE_PASS
  if constexpr (!kDerive) return read_le64(reinterpret_cast<const uint8_t*>(s) + off);
#endif
  const size_t k = off / 8;
  const unsigned shift = static_cast<unsigned>(off % 8) * 8;
  const uint64_t lo = secret_word<kDerive>(s, k, seed);
  if (shift == 0) return lo;
  return (lo >> shift) | (secret_word<kDerive>(s, k + 1, seed) << (64 - shift));
}

// XXH64's final mix, used by XXH3 for lengths 0..3.
QSM_HD QSM_FORCEINLINE uint64_t xxh64_avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= kXxhPrime64_2;
  h ^= h >> 29;
  h *= kXxhPrime64_3;
  return h ^ (h >> 32);
}

QSM_HD QSM_FORCEINLINE uint64_t xxh3_avalanche(uint64_t h) {
  h ^= h >> 37;
  h *= kXxhPrimeMx1;
  return h ^ (h >> 32);
}

// Stronger mix for 4..8 bytes, where the input has less room to spread.
QSM_HD QSM_FORCEINLINE uint64_t xxh3_rrmxmx(uint64_t h, uint64_t len) {
  h ^= rotl64(h, 49) ^ rotl64(h, 24);
  h *= kXxhPrimeMx2;
  h ^= (h >> 35) + len;
  h *= kXxhPrimeMx2;
  return h ^ (h >> 28);
}

QSM_HD QSM_FORCEINLINE uint64_t xxh3_len_0(uint64_t seed) {
  return xxh64_avalanche(seed ^ kXxh3Len0Flip);
}

QSM_HD QSM_FORCEINLINE uint64_t xxh3_len_1to3(const uint8_t* p, size_t len, uint64_t seed) {
  const uint32_t c1 = p[0], c2 = p[len >> 1], c3 = p[len - 1];
  const uint32_t combined = (c1 << 16) | (c2 << 24) | c3 | (static_cast<uint32_t>(len) << 8);
  return xxh64_avalanche(combined ^ (kXxh3Len1to3Flip + seed));
}

// The seed's low half is byte-swapped into the high half so both halves of the
// keyed word depend on it.
QSM_HD QSM_FORCEINLINE uint64_t xxh3_seed_4to8(uint64_t seed) {
  return seed ^ (static_cast<uint64_t>(bswap32(static_cast<uint32_t>(seed))) << 32);
}

QSM_HD QSM_FORCEINLINE uint64_t xxh3_len_4to8(const uint8_t* p, size_t len, uint64_t seed) {
  const uint64_t lo = read_le32(p + len - 4), hi = read_le32(p);
  const uint64_t bitflip = kXxh3Len4to8Flip - xxh3_seed_4to8(seed);
  return xxh3_rrmxmx((lo + (hi << 32)) ^ bitflip, len);
}

QSM_HD QSM_FORCEINLINE uint64_t xxh3_len_9to16(const uint8_t* p, size_t len, uint64_t seed) {
  const uint64_t lo = read_le64(p) ^ (kXxh3Len9to16Flip1 + seed);
  const uint64_t hi = read_le64(p + len - 8) ^ (kXxh3Len9to16Flip2 - seed);
  const uint64_t acc = len + bswap64(lo) + hi + mul128_fold64(lo, hi);
  return xxh3_avalanche(acc);
}

// 16 input bytes against the 16 secret bytes at `off`.
QSM_HD QSM_FORCEINLINE uint64_t xxh3_mix16(const uint8_t* p, const uint64_t* s, size_t off,
                                           uint64_t seed) {
  return mul128_fold64(read_le64(p) ^ (secret64(s, off) + seed),
                       read_le64(p + 8) ^ (secret64(s, off + 8) - seed));
}

// 17..128 bytes: pairs of 16-byte blocks taken from both ends, overlapping as needed.
QSM_HD inline uint64_t xxh3_len_17to128(const uint8_t* p, size_t len, uint64_t seed) {
  const uint64_t* s = xxh3_default_secret();
  uint64_t acc = len * kXxhPrime64_1;
  if (len > 32) {
    if (len > 64) {
      if (len > 96) {
        acc += xxh3_mix16(p + 48, s, 96, seed);
        acc += xxh3_mix16(p + len - 64, s, 112, seed);
      }
      acc += xxh3_mix16(p + 32, s, 64, seed);
      acc += xxh3_mix16(p + len - 48, s, 80, seed);
    }
    acc += xxh3_mix16(p + 16, s, 32, seed);
    acc += xxh3_mix16(p + len - 32, s, 48, seed);
  }
  acc += xxh3_mix16(p, s, 0, seed);
  acc += xxh3_mix16(p + len - 16, s, 16, seed);
  return xxh3_avalanche(acc);
}

// 129..240 bytes: the first 8 blocks use the secret from 0, later ones reuse it
// from offset 3 (the spec's MIDSIZE_STARTOFFSET), the last block from 136 - 17.
QSM_HD inline uint64_t xxh3_len_129to240(const uint8_t* p, size_t len, uint64_t seed) {
  const uint64_t* s = xxh3_default_secret();
  uint64_t acc = len * kXxhPrime64_1;
  for (size_t i = 0; i < 8; ++i) acc += xxh3_mix16(p + 16 * i, s, 16 * i, seed);
  acc = xxh3_avalanche(acc);
  const size_t rounds = len / 16;
  for (size_t i = 8; i < rounds; ++i) acc += xxh3_mix16(p + 16 * i, s, 16 * (i - 8) + 3, seed);
  acc += xxh3_mix16(p + len - 16, s, 136 - 17, seed);
  return xxh3_avalanche(acc);
}

// One 64-byte stripe into the 8 accumulators, secret from byte `off`. Each lane
// also adds its raw input to the neighbouring lane, so no input bit can be
// cancelled by the multiply.
template <bool kDerive>
QSM_HD QSM_FORCEINLINE void xxh3_accumulate_512(uint64_t* acc, const uint8_t* p, const uint64_t* s,
                                                size_t off, uint64_t seed) {
  for (int i = 0; i < 8; ++i) {
    const uint64_t data = read_le64(p + 8 * i);
    const uint64_t key = data ^ secret64<kDerive>(s, off + 8 * i, seed);
    acc[i ^ 1] += data;
    acc[i] += (key & 0xFFFFFFFFu) * (key >> 32);
  }
}

// Applied after each block, with the last 64 bytes of the secret.
template <bool kDerive>
QSM_HD QSM_FORCEINLINE void xxh3_scramble(uint64_t* acc, const uint64_t* s, uint64_t seed) {
  constexpr size_t kFirstWord = (kXxh3SecretSize - kXxh3StripeLen) / 8;
  for (int i = 0; i < 8; ++i) {
    uint64_t a = acc[i];
    a ^= a >> 47;
    a ^= secret_word<kDerive>(s, kFirstWord + i, seed);
    acc[i] = a * kXxhPrime32_1;
  }
}

// More than 240 bytes: 1024-byte blocks of 16 stripes, each block closed by a
// scramble; then the remaining whole stripes, and a last stripe ending exactly at
// the end of the input (overlapping the previous one). With kDerive the secret is
// the one derived from `seed`, else `s` itself (and `seed` is unused).
template <bool kDerive>
QSM_HD inline uint64_t xxh3_hash_long(const uint8_t* p, size_t len, const uint64_t* s,
                                      uint64_t seed) {
  uint64_t acc[8] = {kXxhPrime32_3, kXxhPrime64_1, kXxhPrime64_2, kXxhPrime64_3,
                     kXxhPrime64_4, kXxhPrime32_2, kXxhPrime64_5, kXxhPrime32_1};
  const size_t blocks = (len - 1) / kXxh3BlockLen;
  for (size_t b = 0; b < blocks; ++b) {
    const uint8_t* block = p + b * kXxh3BlockLen;
    for (size_t n = 0; n < kXxh3StripesPerBlock; ++n) {
      xxh3_accumulate_512<kDerive>(acc, block + n * kXxh3StripeLen, s, n * kXxh3SecretConsumeRate,
                                   seed);
    }
    xxh3_scramble<kDerive>(acc, s, seed);
  }
  const uint8_t* tail = p + blocks * kXxh3BlockLen;
  const size_t stripes = ((len - 1) - blocks * kXxh3BlockLen) / kXxh3StripeLen;
  for (size_t n = 0; n < stripes; ++n) {
    xxh3_accumulate_512<kDerive>(acc, tail + n * kXxh3StripeLen, s, n * kXxh3SecretConsumeRate,
                                 seed);
  }
  xxh3_accumulate_512<kDerive>(acc, p + len - kXxh3StripeLen, s,
                               kXxh3SecretSize - kXxh3StripeLen - 7, seed);

  // Merge the accumulators pairwise against the secret from offset 11.
  uint64_t h = len * kXxhPrime64_1;
  for (int i = 0; i < 4; ++i) {
    h += mul128_fold64(acc[2 * i] ^ secret64<kDerive>(s, 11 + 16 * i, seed),
                       acc[2 * i + 1] ^ secret64<kDerive>(s, 11 + 16 * i + 8, seed));
  }
  return xxh3_avalanche(h);
}

// The long path does not take the seed directly: it hashes with a secret derived
// from it. The host materializes that secret once per call.
QSM_HD QSM_FORCEINLINE void xxh3_derive_secret(uint64_t* out, uint64_t seed) {
  const uint64_t* s = xxh3_default_secret();
  for (size_t k = 0; k < kXxh3SecretWords; ++k) out[k] = secret_word<true>(s, k, seed);
}

}  // namespace detail

// XXH3_64bits_withSeed(data, len, seed).
QSM_HD inline uint64_t xxh3_64(const void* data, size_t len, uint64_t seed) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  if (len <= 16) {
    if (len > 8) return detail::xxh3_len_9to16(p, len, seed);
    if (len >= 4) return detail::xxh3_len_4to8(p, len, seed);
    if (len > 0) return detail::xxh3_len_1to3(p, len, seed);
    return detail::xxh3_len_0(seed);
  }
  if (len <= 128) return detail::xxh3_len_17to128(p, len, seed);
  if (len <= 240) return detail::xxh3_len_129to240(p, len, seed);
#if QSM_DEVICE_PASS
  // A 192-byte secret array would live in local memory: derive words as they are read.
  return detail::xxh3_hash_long<true>(p, len, detail::xxh3_default_secret(), seed);
#else
  if (seed == 0) return detail::xxh3_hash_long<false>(p, len, detail::xxh3_default_secret(), 0);
  uint64_t secret[detail::kXxh3SecretWords];
  detail::xxh3_derive_secret(secret, seed);
  return detail::xxh3_hash_long<false>(p, len, secret, 0);
#endif
}

// xxh3_64 of the 8 little-endian bytes of `value`: the 4..8 path with len = 8,
// whose two 4-byte reads swap the halves of `value` (a rotate by 32). rrmxmx's
// first step is linear over xor, so it is distributed over (value, bitflip): the
// bitflip part k depends only on the seed and leaves the loop over an array.
QSM_HD QSM_FORCEINLINE uint64_t xxh3_64_u64(uint64_t value, uint64_t seed) {
  using detail::rotl64;
  const uint64_t bitflip = detail::kXxh3Len4to8Flip - detail::xxh3_seed_4to8(seed);
  const uint64_t k = bitflip ^ rotl64(bitflip, 49) ^ rotl64(bitflip, 24);
  uint64_t h = rotl64(value, 32) ^ rotl64(value, 32 + 49 - 64) ^ rotl64(value, 32 + 24) ^ k;
  h *= detail::kXxhPrimeMx2;
  h ^= (h >> 35) + 8;  // + len
  h *= detail::kXxhPrimeMx2;
  return h ^ (h >> 28);
}

}  // namespace qsm
