// Philox4x32-R counter-based generator (Salmon, Moraes, Dror, Shaw, SC'11) and
// the stream layout every qsmcore kernel draws from.
//
// Stream layout (the determinism contract, see DESIGN.md):
//   key      = 64 bits derived from the user's seed (numpy SeedSequence ->
//              generate_state(2, uint32) -> (k0, k1)); see python/qsmcore/_seed.py.
//   counter  = { c0: block number inside one draw,
//                c1: stream lane (a kernel's choice: replication, purpose, ...),
//                c2: draw index, low 32 bits,
//                c3: draw index, high 32 bits }.
// Each draw (variate number i of lane s) owns the counters (*, s, i) and so an
// unbounded private sequence of 128-bit blocks. Rejection samplers may use as
// many blocks as they like without disturbing any other draw; this is what
// makes results independent of threads, chunking, device and call splitting.
#pragma once

#include "qsm/core/config.hpp"

namespace qsm {

struct U32x4 {
  uint32_t v[4];
};

struct PhiloxKey {
  uint32_t k0, k1;
};

QSM_HD QSM_FORCEINLINE PhiloxKey philox_key(uint64_t key) {
  return PhiloxKey{static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32)};
}

// Philox4x32 with R rounds; R = 10 is the recommended (Crush-resistant) variant.
template <int R = 10>
QSM_HD QSM_FORCEINLINE U32x4 philox4x32(U32x4 ctr, PhiloxKey key) {
  constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  uint32_t c0 = ctr.v[0], c1 = ctr.v[1], c2 = ctr.v[2], c3 = ctr.v[3];
  uint32_t k0 = key.k0, k1 = key.k1;
#if defined(__CUDACC__)
#pragma unroll
#endif
  for (int r = 0; r < R; ++r) {
    if (r > 0) {  // key schedule: bump before every round but the first
      k0 += W0;
      k1 += W1;
    }
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo32(M0, c0, hi0, lo0);
    mulhilo32(M1, c2, hi1, lo1);
    const uint32_t n0 = hi1 ^ c1 ^ k0;
    const uint32_t n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  return U32x4{{c0, c1, c2, c3}};
}

// 64 random bits -> a double uniform on the open interval (0, 1) with 53 random
// bits: k * 2^-53 for the top 53 bits k, every value exactly representable.
// k = 0 (probability 2^-53) maps to 2^-54 instead of 0, so log(u) and 1/u are
// always finite. ((k + 0.5) * 2^-53 would need 54 significant bits and round
// to 1.0 for the largest k.)
QSM_HD QSM_FORCEINLINE double u01_open(uint64_t bits) {
  const uint64_t k = bits >> 11;
  return k == 0 ? 0x1.0p-54 : static_cast<double>(k) * 0x1.0p-53;
}

// The private random sequence of one draw: lazily generates Philox blocks
// (c0 = 0, 1, 2, ...) and hands out 64-bit words, two per block.
class DrawRng {
 public:
  QSM_HD DrawRng(uint64_t key, uint64_t index, uint32_t lane = 0)
      : key_(philox_key(key)),
        lane_(lane),
        index_lo_(static_cast<uint32_t>(index)),
        index_hi_(static_cast<uint32_t>(index >> 32)) {}

  // Same stream, with block 0 already computed (by the SIMD batch generator).
  QSM_HD DrawRng(uint64_t key, uint64_t index, uint32_t lane, const U32x4& block0)
      : DrawRng(key, index, lane) {
    block_ = block0;
    block_no_ = 1;
    used_ = 0;
  }

  QSM_HD QSM_FORCEINLINE uint64_t next_u64() {
    if (used_ == 2) refill();
    const uint32_t lo = block_.v[2 * used_], hi = block_.v[2 * used_ + 1];
    ++used_;
    return static_cast<uint64_t>(lo) | (static_cast<uint64_t>(hi) << 32);
  }

  // Uniform on (0, 1), 53 random bits.
  QSM_HD QSM_FORCEINLINE double uniform() { return u01_open(next_u64()); }

 private:
  QSM_HD QSM_FORCEINLINE void refill() {
    block_ = philox4x32<10>(U32x4{{block_no_, lane_, index_lo_, index_hi_}}, key_);
    ++block_no_;
    used_ = 0;
  }

  PhiloxKey key_;
  uint32_t lane_, index_lo_, index_hi_;
  uint32_t block_no_ = 0;
  uint32_t used_ = 2;  // 2 = block empty
  U32x4 block_{};
};

}  // namespace qsm
