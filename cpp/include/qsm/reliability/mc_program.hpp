// The parts of the bit-parallel Monte Carlo kernel that run on the CPU and the GPU
// alike (QSM_HD, no allocation): the program view, gate evaluation on 64-trial
// words, the trial-range mask, and the whole failed-system word of one block drawn
// with scalar Philox streams — the GPU's per-thread path, which the CPU kernel's
// SIMD-batched path must equal word for word (the tests run both on the CPU).
#pragma once

#include <algorithm>
#include <cstdint>

#include "qsm/core/config.hpp"
#include "qsm/core/philox.hpp"
#include "qsm/reliability/bernoulli_word.hpp"

namespace qsm::reliability {

inline constexpr int32_t kOpAnd = 0, kOpOr = 1, kOpVote = 2, kOpNot = 3;

struct ProgramView {
  int64_t n_events = 0, n_gates = 0;
  const int32_t* op = nullptr;
  const int32_t* k = nullptr;
  const int32_t* offsets = nullptr;
  const int32_t* inputs = nullptr;
  int64_t top = 0;
  int64_t nodes() const { return n_events + n_gates; }
};

// VOTE(k): lanes where at least k of the n input words have a 1.
QSM_HD inline uint64_t vote_word(const uint64_t* vals, const int32_t* in, int32_t n, int32_t k) {
  if (k <= 0) return ~uint64_t{0};
  if (k > n) return 0;
  uint64_t count[32] = {};  // bit l of every lane's count; n < 2^31
  int width = 0;
  for (int32_t a = 0; a < n; ++a) {
    uint64_t carry = vals[in[a]];
    for (int l = 0; carry != 0; ++l) {
      const uint64_t c = count[l] & carry;
      count[l] ^= carry;
      carry = c;
      width = std::max(width, l + 1);
    }
  }
  int top_bit = 31;
  while (top_bit > 0 && top_bit >= width && ((k >> top_bit) & 1) == 0) --top_bit;
  // count >= k: MSB first, "greater" is decided at the first bit where they differ.
  uint64_t greater = 0, equal = ~uint64_t{0};
  for (int l = top_bit; l >= 0; --l) {
    if ((k >> l) & 1) {
      equal &= count[l];
    } else {
      greater |= equal & count[l];
      equal &= ~count[l];
    }
  }
  return greater | equal;
}

// Fills the gate words vals[n_events ..] from the event words vals[0 .. n_events).
QSM_HD inline void evaluate_gates(const ProgramView& g, uint64_t* vals) {
  for (int64_t j = 0; j < g.n_gates; ++j) {
    const int32_t* in = g.inputs + g.offsets[j];
    const int32_t n = g.offsets[j + 1] - g.offsets[j];
    uint64_t v = 0;
    switch (g.op[j]) {
      case kOpAnd:
        v = ~uint64_t{0};
        for (int32_t a = 0; a < n; ++a) v &= vals[in[a]];
        break;
      case kOpOr:
        for (int32_t a = 0; a < n; ++a) v |= vals[in[a]];
        break;
      case kOpVote:
        v = vote_word(vals, in, n, g.k[j]);
        break;
      default:  // kOpNot
        v = ~vals[in[0]];
        break;
    }
    vals[g.n_events + j] = v;
  }
}

// Lanes of block b inside the trial range [t0, t1).
QSM_HD QSM_FORCEINLINE uint64_t lane_mask(uint64_t b, uint64_t t0, uint64_t t1) {
  const uint64_t lo = b * 64, hi = lo + 64;
  const uint64_t a = std::max(t0, lo) - lo, e = std::min(t1, hi) - lo;
  if (a >= e) return 0;
  const uint64_t upto = e == 64 ? ~uint64_t{0} : (uint64_t{1} << e) - 1;
  return upto & ~((uint64_t{1} << a) - 1);
}

// The failed-system word of block b (trials 64b .. 64b+63, every lane): event i's
// word from its own stream DrawRng(key, b, lane = i), one Philox block at a time,
// then the gates. vals holds n_events + n_gates words of scratch.
QSM_HD inline uint64_t block_failed_word(const ProgramView& g, const BernoulliP* bp, uint64_t key,
                                         uint64_t b, uint64_t* vals) {
  for (int64_t i = 0; i < g.n_events; ++i) {
    if (bp[i].kind != 2) {  // p = 0 or 1: no randomness spent
      vals[i] = bp[i].kind == 1 ? ~uint64_t{0} : 0;
      continue;
    }
    BitReservoir bits(DrawRng(key, b, static_cast<uint32_t>(i)));
    vals[i] = bernoulli_word(bp[i], bits, DepositPortable{});
  }
  evaluate_gates(g, vals);
  return vals[g.top];
}

// Failures of trials [t0, t0 + n) along block_failed_word, one block after another:
// the GPU's path run on one CPU thread (the tests hold it equal to run_mc).
inline uint64_t scalar_failures(const ProgramView& g, const BernoulliP* bp, uint64_t key,
                                uint64_t t0, uint64_t n, uint64_t* vals) {
  uint64_t failures = 0;
  const uint64_t t1 = t0 + n;
  for (uint64_t b = t0 >> 6; b < (t1 + 63) >> 6; ++b)
    failures += static_cast<uint64_t>(
        popcount64(block_failed_word(g, bp, key, b, vals) & lane_mask(b, t0, t1)));
  return failures;
}

}  // namespace qsm::reliability
