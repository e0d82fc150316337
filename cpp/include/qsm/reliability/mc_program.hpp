// The parts of the bit-parallel Monte Carlo kernel that run on the CPU and the GPU
// alike (QSM_HD, no allocation): the program view, gate evaluation on 64-trial
// words, the trial-range mask, and a group's failures drawn with scalar Philox
// streams — the GPU's path (one event row, one block column per thread), which the
// CPU kernel's SIMD-batched path must equal word for word (the tests run both on the
// CPU).
#pragma once

#include <algorithm>
#include <cstdint>

#include "qsm/core/config.hpp"
#include "qsm/core/philox.hpp"
#include "qsm/reliability/bernoulli_group.hpp"

namespace qsm::reliability {

inline constexpr int32_t kOpAnd = 0, kOpOr = 1, kOpVote = 2, kOpNot = 3;

struct ProgramView {
  int64_t n_events = 0, n_gates = 0;
  const int32_t* op = nullptr;
  const int32_t* k = nullptr;
  const int32_t* offsets = nullptr;
  const int32_t* inputs = nullptr;
  int64_t top = 0;
  QSM_HD int64_t nodes() const { return n_events + n_gates; }
};

// VOTE(k): lanes where at least k of the n input words have a 1 (node x's word is
// vals[x * stride]): the inputs are added into a bit-sliced counter whose planes are
// created as carries reach them (no zeroing), then the count is compared with k most
// significant bit first.
QSM_HD inline uint64_t vote_word(const uint64_t* vals, int64_t stride, const int32_t* in, int32_t n,
                                 int32_t k) {
  if (k <= 0) return ~uint64_t{0};
  if (k > n) return 0;
  uint64_t count[32];  // planes [0, used) of every lane's count; n < 2^31
  int used = 0;
  for (int32_t a = 0; a < n; ++a) {
    uint64_t carry = vals[in[a] * stride];
    for (int l = 0; l < used && carry != 0; ++l) {
      const uint64_t c = count[l] & carry;
      count[l] ^= carry;
      carry = c;
    }
    if (carry != 0) count[used++] = carry;  // the carry left the top plane
  }
  int top_bit = 0;  // k's highest bit (k >= 1)
  while ((k >> (top_bit + 1)) != 0) ++top_bit;
  if (top_bit >= used) return 0;  // every count < 2^used <= k
  // "greater" is decided at the first bit where count and k differ.
  uint64_t greater = 0, equal = ~uint64_t{0};
  for (int l = used - 1; l >= 0; --l) {
    if ((k >> l) & 1) {
      equal &= count[l];
    } else {
      greater |= equal & count[l];
      equal &= ~count[l];
    }
  }
  return greater | equal;
}

// Fills the gate words of one block from its event words; node x's word is
// vals[x * stride] (stride kGroupWords: one column of a group's rows).
QSM_HD inline void evaluate_gates(const ProgramView& g, uint64_t* vals, int64_t stride) {
  for (int64_t j = 0; j < g.n_gates; ++j) {
    const int32_t* in = g.inputs + g.offsets[j];
    const int32_t n = g.offsets[j + 1] - g.offsets[j];
    uint64_t v = 0;
    switch (g.op[j]) {
      case kOpAnd:
        v = ~uint64_t{0};
        for (int32_t a = 0; a < n; ++a) v &= vals[in[a] * stride];
        break;
      case kOpOr:
        for (int32_t a = 0; a < n; ++a) v |= vals[in[a] * stride];
        break;
      case kOpVote:
        v = vote_word(vals, stride, in, n, g.k[j]);
        break;
      default:  // kOpNot
        v = ~vals[in[0] * stride];
        break;
    }
    vals[(g.n_events + j) * stride] = v;
  }
}

// Lanes of block b inside the trial range [t0, t1).
QSM_HD QSM_FORCEINLINE uint64_t lane_mask(uint64_t b, uint64_t t0, uint64_t t1) {
  const uint64_t lo = b * 64, hi = lo + 64;
  if (t1 <= lo || t0 >= hi) return 0;  // the block is outside the range
  const uint64_t a = std::max(t0, lo) - lo, e = std::min(t1, hi) - lo;
  const uint64_t upto = e == 64 ? ~uint64_t{0} : (uint64_t{1} << e) - 1;
  return upto & ~((uint64_t{1} << a) - 1);
}

// A group's rows: node x's word in block j of the group is rows[x * kGroupWords + j]
// (the layout of program_eval.hpp). The GPU fills them in two parallel steps, each a
// loop of the CPU's scalar path below: one thread per (group, event) samples an
// event's row, then one thread per (group, block) evaluates the gates on a column.

// The words of DrawRng(key, index, lane), in the same order, for the GPU: next_pair
// computes exactly one Philox block whatever the position's parity (a word left over
// from the previous block comes first), so threads of a warp at different positions
// of their streams run their Philox rounds together; and nothing is indexed by a
// runtime value, so the state stays in registers.
class PairedDrawRng {
 public:
  QSM_HD PairedDrawRng(uint64_t key, uint64_t index, uint32_t lane)
      : key_(philox_key(key)),
        lane_(lane),
        index_lo_(static_cast<uint32_t>(index)),
        index_hi_(static_cast<uint32_t>(index >> 32)) {}

  QSM_HD QSM_FORCEINLINE void next_pair(uint64_t& a, uint64_t& b) {
    uint64_t lo, hi;
    block(lo, hi);
    a = has_spare_ ? spare_ : lo;
    b = has_spare_ ? lo : hi;
    spare_ = hi;  // still one left over exactly when there was one before
  }

  QSM_HD QSM_FORCEINLINE uint64_t next_u64() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    uint64_t lo;
    block(lo, spare_);
    has_spare_ = true;
    return lo;
  }

 private:
  QSM_HD QSM_FORCEINLINE void block(uint64_t& lo, uint64_t& hi) {
    const U32x4 b = philox4x32<10>(U32x4{{block_no_++, lane_, index_lo_, index_hi_}}, key_);
    lo = static_cast<uint64_t>(b.v[0]) | (static_cast<uint64_t>(b.v[1]) << 32);
    hi = static_cast<uint64_t>(b.v[2]) | (static_cast<uint64_t>(b.v[3]) << 32);
  }

  PhiloxKey key_;
  uint32_t lane_, index_lo_, index_hi_;
  uint32_t block_no_ = 0;
  uint64_t spare_ = 0;
  bool has_spare_ = false;
};

// Event `event`'s row of group `group`, from its stream DrawRng(key, group, event).
// Returns false if the sampler outgrew its scratch.
QSM_HD inline bool sample_event_row(const BernoulliP& bp, uint64_t key, uint64_t group,
                                    uint32_t event, GroupScratch& scratch, uint64_t* row) {
  PairedDrawRng src(key, group, event);
  return bernoulli_group(bp, src, scratch, DepositPortable{}, row);
}

// Failed trials among `range`'s lanes of one block: the gates on column `col`
// (rows + j for block j), then the top node's word.
QSM_HD inline uint64_t block_failures(const ProgramView& g, uint64_t* col, uint64_t range) {
  evaluate_gates(g, col, kGroupWords);
  return static_cast<uint64_t>(popcount64(col[g.top * kGroupWords] & range));
}

// Failed trials of group `group` (blocks group * kGroupWords ..) inside [t0, t1):
// every event's row, then every block's column. rows holds the group's nodes() rows.
QSM_HD inline bool group_failures(const ProgramView& g, const BernoulliP* bp, uint64_t key,
                                  uint64_t group, uint64_t t0, uint64_t t1, GroupScratch& scratch,
                                  uint64_t* rows, uint64_t& failures) {
  for (int64_t i = 0; i < g.n_events; ++i)
    if (!sample_event_row(bp[i], key, group, static_cast<uint32_t>(i), scratch,
                          rows + i * kGroupWords))
      return false;
  for (int j = 0; j < kGroupWords; ++j) {
    const uint64_t range = lane_mask(group * kGroupWords + static_cast<uint64_t>(j), t0, t1);
    if (range != 0) failures += block_failures(g, rows + j, range);
  }
  return true;
}

// Failures of trials [t0, t0 + n) along group_failures, one group after another:
// the GPU's path run on one CPU thread (the tests hold it equal to run_mc).
inline bool scalar_failures(const ProgramView& g, const BernoulliP* bp, uint64_t key, uint64_t t0,
                            uint64_t n, GroupScratch& scratch, uint64_t* vals, uint64_t& failures) {
  failures = 0;
  if (n == 0) return true;
  const uint64_t t1 = t0 + n;
  const uint64_t g_last = ((t1 - 1) >> 6) / kGroupWords;
  for (uint64_t group = (t0 >> 6) / kGroupWords; group <= g_last; ++group)
    if (!group_failures(g, bp, key, group, t0, t1, scratch, vals, failures)) return false;
  return true;
}

}  // namespace qsm::reliability
