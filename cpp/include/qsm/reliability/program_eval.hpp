// A Program's gates evaluated on a whole sampling group at once (CPU kernel): every
// node is a row of kGroupWords words (row-major: vals[node * kGroupWords + j] is
// node's word in block j of the group), and each gate is a loop over its rows that
// the compiler vectorizes, so the interpreter's per-gate work is paid once per 64
// blocks instead of once per block. Same logic as evaluate_gates (mc_program.hpp),
// which the GPU runs block by block; the tests hold the two equal.
#pragma once

#include <cstdint>

#include "qsm/core/cpu_dispatch.hpp"
#include "qsm/reliability/bernoulli_group.hpp"
#include "qsm/reliability/mc_program.hpp"

namespace qsm::reliability {

inline constexpr int64_t kRow = kGroupWords;

// VOTE(K) over rows for small K (2 <= K <= 4, the common 2-of-3, 3-of-5 ...): rows
// s_1 .. s_K of the lanes with at least i ones among the inputs so far, s_1 .. s_{K-1}
// in `planes` and s_K in `out`: 2 K operations per input word, against about 3 per
// counter plane a carry passes through in the general case below.
template <int K>
QSM_FORCEINLINE void vote_rows_small(const uint64_t* vals, const int32_t* in, int32_t n,
                                     uint64_t* planes, uint64_t* out) {
  uint64_t* s[K];
  for (int i = 0; i < K - 1; ++i) s[i] = planes + i * kRow;
  s[K - 1] = out;
  for (int i = 0; i < K; ++i)
    for (int64_t j = 0; j < kRow; ++j) s[i][j] = 0;
  for (int32_t a = 0; a < n; ++a) {
    const uint64_t* x = vals + in[a] * kRow;
    for (int i = K - 1; i >= 1; --i)
      for (int64_t j = 0; j < kRow; ++j) s[i][j] |= s[i - 1][j] & x[j];
    for (int64_t j = 0; j < kRow; ++j) s[0][j] |= x[j];
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
      return vote_rows_small<2>(vals, in, n, planes, out);
    case 3:
      return vote_rows_small<3>(vals, in, n, planes, out);
    case 4:
      return vote_rows_small<4>(vals, in, n, planes, out);
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
          for (int64_t j = 0; j < kRow; ++j) out[j] = first[j];
          for (int32_t a = 1; a < n; ++a) {
            const uint64_t* x = vals + in[a] * kRow;
            for (int64_t j = 0; j < kRow; ++j) out[j] &= x[j];
          }
          break;
        case kOpOr:
          for (int64_t j = 0; j < kRow; ++j) out[j] = first[j];
          for (int32_t a = 1; a < n; ++a) {
            const uint64_t* x = vals + in[a] * kRow;
            for (int64_t j = 0; j < kRow; ++j) out[j] |= x[j];
          }
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
