// Batch hashing, the CPU backend of qsmcore.hash64.
//
// Every value is reduced to bytes and hashed with xxh3_64:
//   - integers (any width, signed or not, bool) as the 8 little-endian bytes of
//     their value widened to 64 bits (so int32(5), uint8(5) and uint64(5) agree);
//   - floats as the 8 bytes of their float64 value, with -0.0 folded to +0.0 and
//     every NaN to the canonical quiet NaN, so values that compare equal (or are
//     all NaN) hash equal;
//   - str as UTF-8, bytes as they are.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "qsm/core/config.hpp"
#include "qsm/core/cpu_dispatch.hpp"
#include "qsm/core/hash.hpp"
#include "qsm/core/parallel.hpp"

namespace qsm {

inline constexpr uint64_t kHashGrain = 1u << 16;

template <class T>
QSM_HD QSM_FORCEINLINE uint64_t hash_word(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    double x = static_cast<double>(v);
    if (x == 0.0) x = 0.0;  // -0.0 -> +0.0
    uint64_t bits;
    if (x != x) {
      bits = 0x7FF8000000000000ull;  // canonical quiet NaN
    } else {
#if QSM_DEVICE_PASS
      bits = static_cast<uint64_t>(__double_as_longlong(x));
#else
      __builtin_memcpy(&bits, &x, sizeof(bits));
#endif
    }
    return bits;
  } else if constexpr (std::is_signed_v<T>) {
    return static_cast<uint64_t>(static_cast<int64_t>(v));
  } else {
    return static_cast<uint64_t>(v);
  }
}

namespace detail {

template <class T>
void hash_numeric_range(const T* in, uint64_t* out, uint64_t n, uint64_t seed) {
  for (uint64_t i = 0; i < n; ++i) out[i] = xxh3_64_u64(hash_word(in[i]), seed);
}

#if QSM_X86_DISPATCH
// The same loop compiled for AVX2, where the compiler vectorizes it 4 words
// wide (~1.6x the SSE2 loop on this project's CI machine); chosen at run time,
// so a portable build still uses it. Integer arithmetic: identical results.
template <class T>
__attribute__((target("avx2"))) void hash_numeric_range_avx2(const T* in, uint64_t* out, uint64_t n,
                                                             uint64_t seed) {
  for (uint64_t i = 0; i < n; ++i) out[i] = xxh3_64_u64(hash_word(in[i]), seed);
}

template <class T>
auto hash_numeric_range_fn() {
  return use_avx2() ? hash_numeric_range_avx2<T> : hash_numeric_range<T>;
}
#else
template <class T>
auto hash_numeric_range_fn() {
  return hash_numeric_range<T>;
}
#endif

}  // namespace detail

// Numeric array -> hashes.
template <class T>
void hash_numeric(const T* in, uint64_t* out, uint64_t n, uint64_t seed, int threads) {
  const auto range = detail::hash_numeric_range_fn<T>();
  parallel_for(n, kHashGrain, threads, [&](uint64_t begin, uint64_t end) {
    range(in + begin, out + begin, end - begin, seed);
  });
}

// Numeric array -> the 64-bit words that hash_numeric feeds to xxh3 (used to
// hand any dtype to the GPU backend, which hashes words).
template <class T>
void hash_words(const T* in, uint64_t* out, uint64_t n, int threads) {
  parallel_for(n, kHashGrain, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) out[i] = hash_word(in[i]);
  });
}

// Fixed-width byte strings (NumPy dtype 'S'): trailing NULs are padding, as in NumPy.
inline void hash_fixed_bytes(const uint8_t* base, uint64_t itemsize, uint64_t n, uint64_t* out,
                             uint64_t seed, int threads) {
  parallel_for(n, kHashGrain, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) {
      const uint8_t* p = base + i * itemsize;
      uint64_t len = itemsize;
      while (len > 0 && p[len - 1] == 0) --len;
      out[i] = xxh3_64(p, len, seed);
    }
  });
}

// Writes the UTF-8 encoding of code point cp at dst and returns the end, or
// nullptr for a surrogate or a value past U+10FFFF (no UTF-8 form).
inline char* put_utf8(uint32_t cp, char* dst) {
  if (cp < 0x80) {
    *dst++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *dst++ = static_cast<char>(0xC0 | (cp >> 6));
    *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    if (cp >= 0xD800 && cp <= 0xDFFF) return nullptr;
    *dst++ = static_cast<char>(0xE0 | (cp >> 12));
    *dst++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp <= 0x10FFFF) {
    *dst++ = static_cast<char>(0xF0 | (cp >> 18));
    *dst++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *dst++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    return nullptr;
  }
  return dst;
}

// Fixed-width unicode strings (NumPy dtype 'U', UCS-4): hashed as their UTF-8
// encoding, so they agree with the same text passed as Python str.
inline void hash_fixed_ucs4(const uint32_t* base, uint64_t chars, uint64_t n, uint64_t* out,
                            uint64_t seed, int threads) {
  parallel_for(n, kHashGrain, threads, [&](uint64_t begin, uint64_t end) {
    std::vector<char> utf8(chars * 4 + 1);  // the longest possible encoding
    for (uint64_t i = begin; i < end; ++i) {
      const uint32_t* p = base + i * chars;
      uint64_t len = chars;
      while (len > 0 && p[len - 1] == 0) --len;
      char* dst = utf8.data();
      for (uint64_t j = 0; j < len; ++j) {
        dst = put_utf8(p[j], dst);
        if (dst == nullptr)
          throw std::invalid_argument("values: element " + std::to_string(i) +
                                      " holds a code point with no UTF-8 encoding");
      }
      out[i] = xxh3_64(utf8.data(), static_cast<size_t>(dst - utf8.data()), seed);
    }
  });
}

// Variable-length items packed back to back: item i is data[offsets[i], offsets[i+1]).
inline void hash_packed(const uint8_t* data, const uint64_t* offsets, uint64_t n, uint64_t* out,
                        uint64_t seed, int threads) {
  parallel_for(n, kHashGrain, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i)
      out[i] = xxh3_64(data + offsets[i], offsets[i + 1] - offsets[i], seed);
  });
}

}  // namespace qsm
