// HyperLogLog (Flajolet, Fusy, Gandouet, Meunier 2007) with Otmar Ertl's
// improved raw estimator ("New cardinality estimation algorithms for
// HyperLogLog sketches", arXiv:1702.01284, 2017), the estimator Redis >= 5 uses.
//
// State: m = 2^p registers, one uint8 each, value in [0, q + 1] with q = 64 - p.
// A 64-bit hash h goes to register  i = h mod 2^p  (the low p bits) with rank
// k = 1 + (number of trailing zeros of h >> p), capped at q + 1 by setting bit q
// of h >> p. That is Redis' hllPatLen convention, so with Redis' hash
// (MurmurHash64A, seed 0xadc83b19, p = 14) the registers equal Redis' bit for bit.
//
// The estimate uses only the register histogram C[0..q+1] (how many registers
// hold each value), so it costs O(m) for the histogram plus O(q) arithmetic.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "qsm/core/config.hpp"
#include "qsm/core/hash_batch.hpp"
#include "qsm/core/parallel.hpp"

namespace qsm::hll {

inline constexpr int kMinPrecision = 4;
inline constexpr int kMaxPrecision = 18;
inline constexpr int kMaxRank = 64 - kMinPrecision + 1;  // histogram size bound - 1

QSM_HD QSM_FORCEINLINE int ctz64(uint64_t w) {  // w != 0
#if QSM_DEVICE_PASS
  return __ffsll(static_cast<long long>(w)) - 1;
#else
  return __builtin_ctzll(w);
#endif
}

// Register index of hash h: its low p bits.
QSM_HD QSM_FORCEINLINE uint32_t register_index(uint64_t h, int p) {
  return static_cast<uint32_t>(h & ((uint64_t{1} << p) - 1));
}

// Rank of hash h: 1 + trailing zeros of the 64 - p bits above the index, at most 65 - p.
QSM_HD QSM_FORCEINLINE uint8_t register_rank(uint64_t h, int p) {
  const uint64_t w = (h >> p) | (uint64_t{1} << (64 - p));
  return static_cast<uint8_t>(ctz64(w) + 1);
}

// Fold hashes [0, n) into regs serially.
inline void update_serial(uint8_t* regs, int p, const uint64_t* hashes, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t h = hashes[i];
    const uint32_t idx = register_index(h, p);
    const uint8_t k = register_rank(h, p);
    // Branch rather than an unconditional store: after the first few thousand
    // items almost no update raises a register, and the branch predicts well.
    if (k > regs[idx]) regs[idx] = k;
  }
}

// Runs fold(dst, begin, end) over [0, n) in blocks: block 0 folds into regs,
// the others into private register arrays that are max-merged at the end. Max
// is associative and commutative, so the registers never depend on `threads`
// or on the schedule.
template <class Fold>
inline void fold_blocks(uint8_t* regs, int p, uint64_t n, int threads, Fold&& fold) {
  const uint64_t m = uint64_t{1} << p;
  // A block must be long enough to pay for zeroing and merging m private bytes.
  const uint64_t min_block = std::max<uint64_t>(uint64_t{1} << 17, 16 * m);
  const uint64_t workers = static_cast<uint64_t>(resolve_threads(threads));
  const uint64_t blocks = std::min(workers, n / min_block);
  if (blocks <= 1) {
    fold(regs, uint64_t{0}, n);
    return;
  }
  std::vector<std::vector<uint8_t>> local(blocks - 1);
  parallel_for(blocks, 1, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t b = begin; b < end; ++b) {
      uint8_t* dst = regs;
      if (b > 0) {
        local[b - 1].assign(m, 0);
        dst = local[b - 1].data();
      }
      fold(dst, n * b / blocks, n * (b + 1) / blocks);
    }
  });
  for (const auto& part : local)
    for (uint64_t j = 0; j < m; ++j) regs[j] = std::max(regs[j], part[j]);
}

// Fold n hashes into the m = 2^p registers.
inline void update(uint8_t* regs, int p, const uint64_t* hashes, uint64_t n, int threads) {
  fold_blocks(regs, p, n, threads, [&](uint8_t* dst, uint64_t lo, uint64_t hi) {
    update_serial(dst, p, hashes + lo, hi - lo);
  });
}

// Hash numeric values with qsm::hash_numeric's xxh3 (qsmcore.hash64) and fold
// them in, without writing the hashes to memory: each worker hashes a small
// block into a buffer that stays in L1, then folds it. Same registers as
// hash_numeric followed by update.
template <class T>
inline void update_numeric(uint8_t* regs, int p, const T* values, uint64_t n, uint64_t seed,
                           int threads) {
  const auto hash_range = qsm::detail::hash_numeric_range_fn<T>();
  fold_blocks(regs, p, n, threads, [&](uint8_t* dst, uint64_t lo, uint64_t hi) {
    constexpr uint64_t kBuffer = 1024;
    uint64_t buf[kBuffer];
    for (uint64_t i = lo; i < hi; i += kBuffer) {
      const uint64_t len = std::min(kBuffer, hi - i);
      hash_range(values + i, buf, len, seed);
      update_serial(dst, p, buf, len);
    }
  });
}

// regs[j] = max(regs[j], other[j]): the union of the two multisets' sketches.
inline void merge(uint8_t* regs, const uint8_t* other, uint64_t m) {
  for (uint64_t j = 0; j < m; ++j) regs[j] = std::max(regs[j], other[j]);
}

// C[k] = number of registers equal to k, k = 0..65-p. Returns false if a
// register exceeds 65 - p (impossible from updates: corrupted input).
inline bool histogram(const uint8_t* regs, int p, std::vector<uint64_t>& counts) {
  const uint64_t m = uint64_t{1} << p;
  const int top = 65 - p;
  // 256 bins, so the inner loop has no bounds check (values above `top` are
  // detected afterwards), and four interleaved copies, so that runs of equal
  // registers do not serialize on one counter's store-to-load latency.
  uint32_t part[4][256] = {};
  uint64_t j = 0;
  for (; j + 4 <= m; j += 4) {
    ++part[0][regs[j]];
    ++part[1][regs[j + 1]];
    ++part[2][regs[j + 2]];
    ++part[3][regs[j + 3]];
  }
  for (; j < m; ++j) ++part[0][regs[j]];
  uint64_t bins[256];
  for (int k = 0; k < 256; ++k)
    bins[k] = uint64_t{part[0][k]} + part[1][k] + part[2][k] + part[3][k];
  counts.assign(static_cast<size_t>(top + 1), 0);
  for (int k = 0; k <= top; ++k) counts[static_cast<size_t>(k)] = bins[k];
  for (int k = top + 1; k < 256; ++k)
    if (bins[k] != 0) return false;
  return true;
}

// Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), for x in [0, 1]; sigma(1) = inf.
inline double ertl_sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0, z = x, previous;
  do {  // until the partial sum stops changing in double precision
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous != z);
  return z;
}

// Ertl's tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3, for x in [0, 1].
inline double ertl_tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0, z = 1.0 - x, previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    const double d = 1.0 - x;
    z -= d * d * y;  // d*d is pow(d, 2) correctly rounded, as glibc's pow gives
  } while (previous != z);
  return z / 3.0;
}

// alpha_inf = 1 / (2 ln 2): the bias constant of the estimator as m -> inf.
inline constexpr double kAlphaInf = 0.721347520444481703680;

// Ertl's improved raw estimate from the histogram C[0..q+1], q = 64 - p:
//   z = m tau(1 - C[q+1]/m);  z = (z + C[k]) / 2 for k = q..1;  z += m sigma(C[0]/m)
//   N = alpha_inf m^2 / z.
// The operations and their order are Redis' hllCount, so the double result is
// the same and llround of it is Redis' PFCOUNT.
inline double ertl_estimate(const std::vector<uint64_t>& counts, int p) {
  const double m = static_cast<double>(uint64_t{1} << p);
  const int q = 64 - p;
  double z = m * ertl_tau((m - static_cast<double>(counts[static_cast<size_t>(q + 1)])) / m);
  for (int k = q; k >= 1; --k) {
    z += static_cast<double>(counts[static_cast<size_t>(k)]);
    z *= 0.5;
  }
  z += m * ertl_sigma(static_cast<double>(counts[0]) / m);
  return kAlphaInf * m * m / z;
}

// ---- Redis' string layout (p = 14) -------------------------------------------------

inline constexpr int kRedisPrecision = 14;
inline constexpr uint64_t kRedisRegisters = uint64_t{1} << kRedisPrecision;
inline constexpr uint64_t kRedisHeader = 16;
inline constexpr uint64_t kRedisDenseBytes = kRedisRegisters * 6 / 8;  // 12288

// Dense: register j occupies bits [6j, 6j + 6) of the byte string read as one
// little-endian bit stream (low bits of a byte first).
inline void redis_pack_dense(const uint8_t* regs, uint8_t* out) {
  std::memset(out, 0, kRedisDenseBytes);
  for (uint64_t j = 0; j < kRedisRegisters; ++j) {
    const uint64_t bit = 6 * j, byte = bit / 8, shift = bit % 8;
    const unsigned v = regs[j] & 63u;
    out[byte] = static_cast<uint8_t>(out[byte] | (v << shift));
    if (shift > 2) out[byte + 1] = static_cast<uint8_t>(out[byte + 1] | (v >> (8 - shift)));
  }
}

inline void redis_unpack_dense(const uint8_t* in, uint8_t* regs) {
  for (uint64_t j = 0; j < kRedisRegisters; ++j) {
    const uint64_t bit = 6 * j, byte = bit / 8, shift = bit % 8;
    unsigned v = in[byte] >> shift;
    if (shift > 2) v |= static_cast<unsigned>(in[byte + 1]) << (8 - shift);
    regs[j] = static_cast<uint8_t>(v & 63u);
  }
}

// Sparse: a run-length code over the registers in order.
//   00xxxxxx           ZERO:  xxxxxx + 1 registers (1..64) are 0
//   01xxxxxx yyyyyyyy  XZERO: (xxxxxx << 8 | yyyyyyyy) + 1 registers (1..16384) are 0
//   1vvvvvxx           VAL:   xx + 1 registers (1..4) hold vvvvv + 1 (1..32)
// Returns "" on success, else why the bytes are not a valid sparse HLL.
inline std::string redis_unpack_sparse(const uint8_t* in, uint64_t len, uint8_t* regs) {
  std::memset(regs, 0, kRedisRegisters);
  uint64_t idx = 0, pos = 0;
  while (pos < len) {
    const uint8_t op = in[pos];
    uint64_t run = 0;
    if ((op & 0xc0) == 0) {
      run = (op & 0x3fu) + 1;
      pos += 1;
    } else if ((op & 0xc0) == 0x40) {
      if (pos + 1 >= len) return "sparse encoding: XZERO opcode cut off at the end";
      run = ((static_cast<uint64_t>(op & 0x3fu) << 8) | in[pos + 1]) + 1;
      pos += 2;
    } else {
      run = (op & 0x3u) + 1;
      const uint8_t value = static_cast<uint8_t>(((op >> 2) & 0x1fu) + 1);
      if (idx + run > kRedisRegisters)
        return "sparse encoding: the opcodes cover more than 16384 registers";
      for (uint64_t r = 0; r < run; ++r) regs[idx + r] = value;
      pos += 1;
    }
    idx += run;
    if (idx > kRedisRegisters)
      return "sparse encoding: the opcodes cover more than 16384 registers";
  }
  if (idx != kRedisRegisters)
    return "sparse encoding: the opcodes cover " + std::to_string(idx) + " registers, not 16384";
  return "";
}

// ---- Redis' element bytes for integers ---------------------------------------------

// Decimal ASCII of v (what a Redis client sends for an integer), two digits per
// step from a table. Returns the length.
inline int format_decimal(uint64_t v, bool negative, char* buf /* >= 21 bytes */) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char tmp[20];
  int n = 20;
  while (v >= 100) {
    const unsigned r = static_cast<unsigned>(v % 100);
    v /= 100;
    tmp[--n] = kPairs[2 * r + 1];
    tmp[--n] = kPairs[2 * r];
  }
  if (v >= 10) {
    tmp[--n] = kPairs[2 * v + 1];
    tmp[--n] = kPairs[2 * v];
  } else {
    tmp[--n] = static_cast<char>('0' + v);
  }
  int len = 0;
  if (negative) buf[len++] = '-';
  std::memcpy(buf + len, tmp + n, static_cast<size_t>(20 - n));
  return len + (20 - n);
}

template <class T>
inline int format_integer(T value, char* buf) {
  if constexpr (std::is_signed_v<T>) {
    const bool negative = value < 0;
    // Magnitude without overflow for the most negative value.
    const uint64_t mag = negative ? uint64_t{0} - static_cast<uint64_t>(static_cast<int64_t>(value))
                                  : static_cast<uint64_t>(value);
    return format_decimal(mag, negative, buf);
  } else {
    return format_decimal(static_cast<uint64_t>(value), false, buf);
  }
}

}  // namespace qsm::hll
