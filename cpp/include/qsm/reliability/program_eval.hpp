// A Program's gates evaluated on a whole sampling group at once (CPU kernel): every
// node is a row of kGroupWords words (row-major: vals[node * kGroupWords + j] is
// node's word in block j of the group), and each gate is a loop over its rows, four
// words at a time, so the interpreter's per-gate work is paid once per 64 blocks
// instead of once per block. Same logic as evaluate_gates (mc_program.hpp),
// which the GPU runs block by block; the tests hold the two equal.
#pragma once

#include <cstdint>
#include <cstring>

#include "qsm/core/cpu_dispatch.hpp"
#include "qsm/reliability/bernoulli_group.hpp"
#include "qsm/reliability/mc_program.hpp"

namespace qsm::reliability {

inline constexpr int64_t kRow = kGroupWords;

// Four words of a row as one value (a GCC/clang vector extension): one AVX2 register
// where the evaluator is compiled for AVX2, two SSE2 registers otherwise. The gates
// below run over a row four words at a time with every input read once and the
// result written once: row-at-a-time loops (copy the first input, then AND in the
// next ...) became rep movs / rep stos, whose start-up cost on 512-byte rows was
// ~40% of the evaluator's time.
typedef uint64_t Words4 __attribute__((vector_size(32)));
inline constexpr int64_t kWords4 = 4;

// (Loads and stores are memcpy's in the loops themselves: a helper that returned a
// Words4 would have a different ABI with and without AVX, which GCC warns about.)

// AND (kAnd) or OR of the n >= 1 input rows.
template <bool kAnd>
QSM_FORCEINLINE void and_or_rows(const uint64_t* vals, const int32_t* in, int32_t n,
                                 uint64_t* out) {
  for (int64_t j = 0; j < kRow; j += kWords4) {
    Words4 v, x;
    std::memcpy(&v, vals + in[0] * kRow + j, sizeof v);
    for (int32_t a = 1; a < n; ++a) {
      std::memcpy(&x, vals + in[a] * kRow + j, sizeof x);
      v = kAnd ? (v & x) : (v | x);
    }
    std::memcpy(out + j, &v, sizeof v);
  }
}

// VOTE(K) over rows for small K (2 <= K <= 4, the common 2-of-3, 3-of-5 ...): running
// s_1 .. s_K, the lanes with at least i ones among the inputs so far, in registers:
// 2 K operations per input word, against about 3 per counter plane a carry passes
// through in the general case below.
template <int K>
QSM_FORCEINLINE void vote_rows_small(const uint64_t* vals, const int32_t* in, int32_t n,
                                     uint64_t* out) {
  for (int64_t j = 0; j < kRow; j += kWords4) {
    Words4 s[K] = {}, x;
    for (int32_t a = 0; a < n; ++a) {
      std::memcpy(&x, vals + in[a] * kRow + j, sizeof x);
      for (int i = K - 1; i >= 1; --i) s[i] |= s[i - 1] & x;
      s[0] |= x;
    }
    std::memcpy(out + j, &s[K - 1], sizeof x);
  }
}

// VOTE(k) over rows: the inputs are added into bit-sliced counter planes (rows of
// `planes`, created as carries reach them), then compared with k MSB first.
QSM_FORCEINLINE void vote_rows(const uint64_t* vals, const int32_t* in, int32_t n, int32_t k,
                               uint64_t* planes, uint64_t* out) {
  if (k <= 0 || k > n) {
    const uint64_t w = k <= 0 ? ~uint64_t{0} : 0;
    for (int64_t j = 0; j < kRow; ++j) out[j] = w;
    return;
  }
  switch (k) {
    case 2:
      return vote_rows_small<2>(vals, in, n, out);
    case 3:
      return vote_rows_small<3>(vals, in, n, out);
    case 4:
      return vote_rows_small<4>(vals, in, n, out);
    default:
      break;
  }
  int used = 0;  // planes [0, used) hold the count so far; n < 2^31
  for (int32_t a = 0; a < n; ++a) {
    uint64_t carry[kRow];
    const uint64_t* x = vals + in[a] * kRow;
    for (int64_t j = 0; j < kRow; ++j) carry[j] = x[j];
    bool left = true;  // some carry leaves the top plane
    for (int l = 0; l < used && left; ++l) {
      uint64_t* c = planes + l * kRow;
      uint64_t any = 0;
      for (int64_t j = 0; j < kRow; ++j) {
        const uint64_t t = c[j] & carry[j];
        c[j] ^= carry[j];
        carry[j] = t;
        any |= t;
      }
      left = any != 0;
    }
    if (left) {
      uint64_t* c = planes + used * kRow;
      for (int64_t j = 0; j < kRow; ++j) c[j] = carry[j];
      ++used;
    }
  }
  int top_bit = 0;  // k's highest bit (k >= 1)
  while ((k >> (top_bit + 1)) != 0) ++top_bit;
  if (top_bit >= used) {  // every count < 2^used <= k
    for (int64_t j = 0; j < kRow; ++j) out[j] = 0;
    return;
  }
  uint64_t greater[kRow] = {}, equal[kRow];
  for (int64_t j = 0; j < kRow; ++j) equal[j] = ~uint64_t{0};
  for (int l = used - 1; l >= 0; --l) {
    const uint64_t* c = planes + l * kRow;
    if ((k >> l) & 1) {
      for (int64_t j = 0; j < kRow; ++j) equal[j] &= c[j];
    } else {
      for (int64_t j = 0; j < kRow; ++j) {
        greater[j] |= equal[j] & c[j];
        equal[j] &= ~c[j];
      }
    }
  }
  for (int64_t j = 0; j < kRow; ++j) out[j] = greater[j] | equal[j];
}

// The structure of a Program as a group evaluator: rows are the event rows, one row
// per gate, then 32 rows of vote-counter scratch; returns the top node's row. The row
// loops are compiled twice, for the baseline ISA and for AVX2 (4 words per operation
// instead of 2), and run where use_avx2() holds.
struct ProgramEval {
  ProgramView g;
  int64_t n_events() const { return g.n_events; }
  int64_t rows() const { return g.nodes() + 32; }
  const uint64_t* operator()(uint64_t* vals) const {
#if QSM_X86_DISPATCH
    static const bool avx2 = use_avx2();
    if (avx2) return evaluate_avx2(vals);
#endif
    return evaluate(vals);
  }

#if QSM_X86_DISPATCH
  __attribute__((target("avx2"))) const uint64_t* evaluate_avx2(uint64_t* vals) const {
    return evaluate(vals);
  }
#endif

  QSM_FORCEINLINE const uint64_t* evaluate(uint64_t* vals) const {
    uint64_t* planes = vals + g.nodes() * kRow;
    for (int64_t gate = 0; gate < g.n_gates; ++gate) {
      const int32_t* in = g.inputs + g.offsets[gate];
      const int32_t n = g.offsets[gate + 1] - g.offsets[gate];
      uint64_t* out = vals + (g.n_events + gate) * kRow;
      if (n == 0) {  // an empty AND holds, an empty OR or vote(k >= 1) fails
        const uint64_t w = g.op[gate] == kOpAnd || (g.op[gate] == kOpVote && g.k[gate] <= 0);
        for (int64_t j = 0; j < kRow; ++j) out[j] = uint64_t{0} - w;
        continue;
      }
      const uint64_t* first = vals + in[0] * kRow;
      switch (g.op[gate]) {
        case kOpAnd:
          and_or_rows<true>(vals, in, n, out);
          break;
        case kOpOr:
          and_or_rows<false>(vals, in, n, out);
          break;
        case kOpVote:
          vote_rows(vals, in, n, g.k[gate], planes, out);
          break;
        default:  // kOpNot
          for (int64_t j = 0; j < kRow; ++j) out[j] = ~first[j];
          break;
      }
    }
    return vals + g.top * kRow;
  }
};

}  // namespace qsm::reliability
