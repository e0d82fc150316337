// SIMD Philox4x32-10 for the CPU backend, bit-identical to philox4x32<10>: the
// first block (c0 = 0) of 16 consecutive draws at once, or 8 or 16 consecutive
// blocks of one draw as its 64-bit words in stream order.
//
// A single Philox block is a chain of 10 dependent multiply rounds, so one draw
// at a time leaves the core waiting on multiply latency (~13 ns per block here).
// Computing 4 (SSE2) or 8 (AVX2) independent counters per instruction with
// pmuludq fills the pipeline instead. The AVX2 path is chosen at run time
// (cpu_dispatch.hpp), so a portable build still uses it where the CPU has it.
#pragma once

#include <cstdint>

#include "qsm/core/cpu_dispatch.hpp"
#include "qsm/core/philox.hpp"

#if QSM_X86_DISPATCH
#include <immintrin.h>
#endif

namespace qsm {

inline constexpr int kPhiloxBatch = 16;

// Block 0 of kPhiloxBatch consecutive draws, word-major: w[k][j] is word k of
// philox4x32<10>({0, lane, lo32(index0 + j), hi32(index0 + j)}, key).
struct PhiloxBatch {
  alignas(32) uint32_t w[4][kPhiloxBatch];

  // The first block of draw j, ready for DrawRng's prefetched-block constructor.
  U32x4 block(int j) const { return U32x4{{w[0][j], w[1][j], w[2][j], w[3][j]}}; }
};

using PhiloxBatchFn = void (*)(uint64_t key, uint32_t lane, uint64_t index0, PhiloxBatch& out);

namespace detail {

// kPhiloxBatch counters in structure-of-arrays form: (c0[j], c1, c2[j], c3[j]).
struct PhiloxCounters {
  alignas(32) uint32_t c0[kPhiloxBatch], c2[kPhiloxBatch], c3[kPhiloxBatch];
  uint32_t c1 = 0;
};

// Draws index0 .. index0 + 15 of one lane, block c0 = 0 of each.
inline PhiloxCounters consecutive_draws(uint32_t lane, uint64_t index0) {
  PhiloxCounters c;
  c.c1 = lane;
  for (int j = 0; j < kPhiloxBatch; ++j) {
    const uint64_t idx = index0 + static_cast<uint64_t>(j);
    c.c0[j] = 0;
    c.c2[j] = static_cast<uint32_t>(idx);
    c.c3[j] = static_cast<uint32_t>(idx >> 32);
  }
  return c;
}

// Blocks c0_first .. c0_first + 15 of one draw (lane, index).
inline PhiloxCounters consecutive_blocks(uint32_t lane, uint64_t index, uint32_t c0_first) {
  PhiloxCounters c;
  c.c1 = lane;
  for (int j = 0; j < kPhiloxBatch; ++j) {
    c.c0[j] = c0_first + static_cast<uint32_t>(j);
    c.c2[j] = static_cast<uint32_t>(index);
    c.c3[j] = static_cast<uint32_t>(index >> 32);
  }
  return c;
}

inline void philox16_scalar(uint64_t key, const PhiloxCounters& c, PhiloxBatch& out) {
  const PhiloxKey k = philox_key(key);
  for (int j = 0; j < kPhiloxBatch; ++j) {
    const U32x4 b = philox4x32<10>(U32x4{{c.c0[j], c.c1, c.c2[j], c.c3[j]}}, k);
    for (int w = 0; w < 4; ++w) out.w[w][j] = b.v[w];
  }
}

#if QSM_X86_DISPATCH

// 32x32 -> 64 products of every lane: pmuludq multiplies the even lanes, so the
// odd lanes are shifted down, multiplied, and the halves merged back.
__attribute__((target("avx2"))) inline void mulhilo_avx2(__m256i a, __m256i m, __m256i& hi,
                                                         __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  // 0xAA: odd 32-bit lanes from the second operand
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// One Philox round on 8 counters.
__attribute__((target("avx2"))) inline void round_avx2(__m256i& c0, __m256i& c1, __m256i& c2,
                                                       __m256i& c3, __m256i k0, __m256i k1) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  __m256i hi0, lo0, hi1, lo1;
  mulhilo_avx2(c0, m0, hi0, lo0);
  mulhilo_avx2(c2, m1, hi1, lo1);
  c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), k0);
  c1 = lo1;
  c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), k1);
  c3 = lo0;
}

// The 10 rounds on G groups of 8 counters; with G = 2 the groups go through the
// rounds side by side, so one group's multiplies issue while the other's wait on
// latency.
template <int G>
__attribute__((target("avx2"))) inline void rounds_avx2(__m256i* c0, __m256i* c1, __m256i* c2,
                                                        __m256i* c3, uint64_t key) {
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const __m256i vk0 = _mm256_set1_epi32(static_cast<int>(k0));
    const __m256i vk1 = _mm256_set1_epi32(static_cast<int>(k1));
    for (int g = 0; g < G; ++g) round_avx2(c0[g], c1[g], c2[g], c3[g], vk0, vk1);
  }
}

__attribute__((target("avx2"))) inline void philox16_avx2(uint64_t key, const PhiloxCounters& c,
                                                          PhiloxBatch& out) {
  __m256i x0[2], x1[2], x2[2], x3[2];
  for (int g = 0; g < 2; ++g) {
    x0[g] = _mm256_load_si256(reinterpret_cast<const __m256i*>(c.c0 + 8 * g));
    x1[g] = _mm256_set1_epi32(static_cast<int>(c.c1));
    x2[g] = _mm256_load_si256(reinterpret_cast<const __m256i*>(c.c2 + 8 * g));
    x3[g] = _mm256_load_si256(reinterpret_cast<const __m256i*>(c.c3 + 8 * g));
  }
  rounds_avx2<2>(x0, x1, x2, x3, key);
  for (int g = 0; g < 2; ++g) {
    const __m256i x[4] = {x0[g], x1[g], x2[g], x3[g]};
    for (int w = 0; w < 4; ++w)
      _mm256_store_si256(reinterpret_cast<__m256i*>(out.w[w] + 8 * g), x[w]);
  }
}

inline void mulhilo_sse2(__m128i a, __m128i m, __m128i& hi, __m128i& lo) {
  const __m128i even = _mm_mul_epu32(a, m);
  const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), m);
  const __m128i low_mask = _mm_set1_epi64x(0xFFFFFFFFll);
  hi = _mm_or_si128(_mm_srli_epi64(even, 32), _mm_andnot_si128(low_mask, odd));
  lo = _mm_or_si128(_mm_and_si128(even, low_mask), _mm_slli_epi64(odd, 32));
}

inline void philox16_sse2(uint64_t key, const PhiloxCounters& c, PhiloxBatch& out) {
  const __m128i m0 = _mm_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m128i m1 = _mm_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int h = 0; h < kPhiloxBatch; h += 4) {
    __m128i c0 = _mm_load_si128(reinterpret_cast<const __m128i*>(c.c0 + h));
    __m128i c1 = _mm_set1_epi32(static_cast<int>(c.c1));
    __m128i c2 = _mm_load_si128(reinterpret_cast<const __m128i*>(c.c2 + h));
    __m128i c3 = _mm_load_si128(reinterpret_cast<const __m128i*>(c.c3 + h));
    uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
    for (int r = 0; r < 10; ++r) {
      if (r > 0) {
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
      }
      __m128i hi0, lo0, hi1, lo1;
      mulhilo_sse2(c0, m0, hi0, lo0);
      mulhilo_sse2(c2, m1, hi1, lo1);
      const __m128i n0 =
          _mm_xor_si128(_mm_xor_si128(hi1, c1), _mm_set1_epi32(static_cast<int>(k0)));
      const __m128i n2 =
          _mm_xor_si128(_mm_xor_si128(hi0, c3), _mm_set1_epi32(static_cast<int>(k1)));
      c0 = n0;
      c1 = lo1;
      c2 = n2;
      c3 = lo0;
    }
    _mm_store_si128(reinterpret_cast<__m128i*>(out.w[0] + h), c0);
    _mm_store_si128(reinterpret_cast<__m128i*>(out.w[1] + h), c1);
    _mm_store_si128(reinterpret_cast<__m128i*>(out.w[2] + h), c2);
    _mm_store_si128(reinterpret_cast<__m128i*>(out.w[3] + h), c3);
  }
}

// Stores the 8 blocks held in 32-bit lanes j of c0..c3 as 16 64-bit words in stream
// order (block j: w0 | w1 << 32, then w2 | w3 << 32); unpack works within 128-bit
// halves, so the halves are put back in block order at the end.
__attribute__((target("avx2"))) inline void store_words_avx2(__m256i c0, __m256i c1, __m256i c2,
                                                             __m256i c3, uint64_t* out) {
  const __m256i lo01 = _mm256_unpacklo_epi32(c0, c1), hi01 = _mm256_unpackhi_epi32(c0, c1);
  const __m256i lo23 = _mm256_unpacklo_epi32(c2, c3), hi23 = _mm256_unpackhi_epi32(c2, c3);
  const __m256i b04 = _mm256_unpacklo_epi64(lo01, lo23), b15 = _mm256_unpackhi_epi64(lo01, lo23);
  const __m256i b26 = _mm256_unpacklo_epi64(hi01, hi23), b37 = _mm256_unpackhi_epi64(hi01, hi23);
  auto* o = reinterpret_cast<__m256i*>(out);
  _mm256_storeu_si256(o, _mm256_permute2x128_si256(b04, b15, 0x20));
  _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(b26, b37, 0x20));
  _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(b04, b15, 0x31));
  _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(b26, b37, 0x31));
}

// Blocks c0_first .. c0_first + 8 G - 1 of one draw (lane, index) as 16 G 64-bit
// words in stream order, G = 1 or 2 groups of 8 counters. Two groups run at ~4.3 ns
// a block here; one group waits on latency (~5.1 ns a block) but computes half as
// many blocks when only a few words are still needed.
template <int G>
__attribute__((target("avx2"))) inline void philox_words_avx2(uint64_t key, uint32_t lane,
                                                              uint64_t index, uint32_t c0_first,
                                                              uint64_t* out) {
  __m256i x0[G], x1[G], x2[G], x3[G];
  for (int g = 0; g < G; ++g) {
    x0[g] = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(c0_first + 8 * g)),
                             _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    x1[g] = _mm256_set1_epi32(static_cast<int>(lane));
    x2[g] = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(index)));
    x3[g] = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(index >> 32)));
  }
  rounds_avx2<G>(x0, x1, x2, x3, key);
  for (int g = 0; g < G; ++g) store_words_avx2(x0[g], x1[g], x2[g], x3[g], out + 16 * g);
}

#endif  // QSM_X86_DISPATCH

using Philox16Fn = void (*)(uint64_t, const PhiloxCounters&, PhiloxBatch&);

inline Philox16Fn philox16_fn() {
#if QSM_X86_DISPATCH
  return use_avx2() ? philox16_avx2 : philox16_sse2;
#else
  return philox16_scalar;
#endif
}

inline void philox_batch_dispatch(uint64_t key, uint32_t lane, uint64_t index0, PhiloxBatch& out) {
  static const Philox16Fn fn = philox16_fn();
  fn(key, consecutive_draws(lane, index0), out);
}

// The same words through the 16-counter batch (SSE2 or scalar).
template <int G>
inline void philox_words_generic(uint64_t key, uint32_t lane, uint64_t index, uint32_t c0_first,
                                 uint64_t* out) {
  static const Philox16Fn fn = philox16_fn();
  PhiloxBatch b;
  fn(key, consecutive_blocks(lane, index, c0_first), b);
  for (int j = 0; j < 8 * G; ++j) {
    out[2 * j] = b.w[0][j] | (static_cast<uint64_t>(b.w[1][j]) << 32);
    out[2 * j + 1] = b.w[2][j] | (static_cast<uint64_t>(b.w[3][j]) << 32);
  }
}

}  // namespace detail

// Block 0 of draws index0 .. index0 + 15 of one lane, with the fastest implementation
// this CPU supports (see cpu_dispatch.hpp).
inline PhiloxBatchFn philox_batch_fn() { return detail::philox_batch_dispatch; }

// Blocks c0_first .. c0_first + 8 G - 1 of DrawRng(key, index, lane) as its 64-bit
// words 2 c0_first .. 2 c0_first + 16 G - 1, in stream order (G = 1 or 2).
using PhiloxWordsFn = void (*)(uint64_t key, uint32_t lane, uint64_t index, uint32_t c0_first,
                               uint64_t* out);
template <int G>
inline PhiloxWordsFn philox_words_fn() {
  static_assert(G == 1 || G == 2, "8 or 16 blocks");
#if QSM_X86_DISPATCH
  if (use_avx2()) return detail::philox_words_avx2<G>;
#endif
  return detail::philox_words_generic<G>;
}

}  // namespace qsm
