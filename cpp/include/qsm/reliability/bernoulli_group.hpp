// Exact Bernoulli(p) words, kGroupWords at a time: the failure indicators of one
// event for a group of 64-trial blocks (bit t of word j = trial 64 j + t), read
// from one Philox stream, exact for p's double value, with no floating point.
//
// Trial t fails when its uniform U_t = 0.r1 r2 r3 ... (binary) is below p =
// 0.p1 p2 p3 ...: at the first position J where r_J != p_J, U_t < p exactly when
// p_J = 1. So a trial that agrees with p_1 is a Bernoulli(0.p2 p3 ...) trial, and
// the words are built by levels. Level 1 holds the group's 64 G trials: each of its
// G words reads one random word r, decides the lanes where r differs from p_1
// (failed where p_1 = 1), and leaves the others undecided. The N_1 undecided lanes,
// taken in order (word by word, lowest lane first), become the trials of level 2:
// ceil(N_1 / 64) words that compare with p_2, and so on. A level with no trials,
// or one past p's last one-bit (its trials have U >= p: working), ends the descent.
// Going back up, each word's undecided lanes receive the next bits of the level
// below's outcomes, deposited in increasing lane order (pdep).
//
// Every random bit decides a trial with probability 1/2, so about 2 bits are spent
// per trial (2.1 G random words per group, whatever p), and no step waits on the
// previous word: each level is a pass over independent words. The random words are
// w0, w1, ... of the stream, consumed in level order; unused bits of a level's last
// word (the lanes past its N trials) are masked off, not carried over. Only the
// undecided lanes are stored: a decided lane failed exactly where p_L is 1.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "qsm/core/config.hpp"
#include "qsm/core/cpu_dispatch.hpp"
#include "qsm/core/philox.hpp"

namespace qsm::reliability {

// p's binary expansion: bit j (j >= 1, weight 2^-j) is 1 exactly when
// first <= j <= last and bit (last - j) of `odd` is set. kind: 0 p = 0, 1 p = 1,
// 2 otherwise (0 < p < 1).
struct BernoulliP {
  uint64_t odd = 0;
  int first = 0, last = 0, kind = 0;
};

inline BernoulliP bernoulli_p(double p) {
  BernoulliP b;
  if (!(p > 0.0)) return b;  // p = 0 (callers reject NaN and negatives before)
  if (p >= 1.0) {
    b.kind = 1;
    return b;
  }
  int ex = 0;
  const double f = std::frexp(p, &ex);                      // p = f 2^ex, f in [0.5, 1)
  const auto m = static_cast<uint64_t>(std::ldexp(f, 53));  // exact: 53-bit integer
  const int tz = __builtin_ctzll(m);
  b.kind = 2;
  b.odd = m >> tz;
  b.first = 1 - ex;
  b.last = 53 - ex - tz;
  return b;
}

// Set bits of x, on the host and in device code.
QSM_HD QSM_FORCEINLINE int popcount64(uint64_t x) {
#if QSM_DEVICE_PASS
  return __popcll(x);
#else
  return __builtin_popcountll(x);
#endif
}

// pdep on 32 bits without the instruction, at a fixed cost (no data-dependent loop, so
// GPU threads of a warp stay in step): the "expand" of Hacker's Delight (7-5). Step i
// moves the bits that must travel 2^i places further left, the moves decided by
// parallel suffix parities of the mask's holes.
QSM_HD QSM_FORCEINLINE uint32_t deposit32(uint32_t x, uint32_t m) {
  const uint32_t m0 = m;
  uint32_t mk = ~m << 1, mv[5];
  for (int i = 0; i < 5; ++i) {
    uint32_t mp = mk ^ (mk << 1);  // parity of the holes at or below each bit
    mp ^= mp << 2;
    mp ^= mp << 4;
    mp ^= mp << 8;
    mp ^= mp << 16;
    mv[i] = mp & m;                         // mask bits that move 2^i further
    m = (m ^ mv[i]) | (mv[i] >> (1 << i));  // ... seen from the source side
    mk &= ~mp;
  }
  for (int i = 4; i >= 0; --i) x = (x & ~mv[i]) | ((x << (1 << i)) & mv[i]);
  return x & m0;
}

// Portable pdep: the low bits of src onto the set bits of mask, lowest first.
QSM_HD QSM_FORCEINLINE uint64_t deposit_portable(uint64_t src, uint64_t mask) {
  const auto lo = static_cast<uint32_t>(mask), hi = static_cast<uint32_t>(mask >> 32);
  const int n_lo = popcount64(lo);
  const uint64_t rest = src >> n_lo;  // n_lo <= 32
  return deposit32(static_cast<uint32_t>(src), lo) |
         (uint64_t{deposit32(static_cast<uint32_t>(rest), hi)} << 32);
}

// The bit operations of the sampler's way up: deposit (pdep), and a read of the n
// bits of a bit string (LSB first, word by word) that start at bit `off`. pdep uses
// only the low popcount(mask) bits of its source, so bits() leaves the bits above the
// n it is asked for unspecified. Portable here (also the GPU's), pdep and an
// unaligned load in DepositBmi2.
struct DepositPortable {
  QSM_HD QSM_FORCEINLINE uint64_t operator()(uint64_t src, uint64_t mask) const {
    return deposit_portable(src, mask);
  }
  // Bits off .. off + 63 of s (s[off / 64 + 1] must be readable): a funnel shift.
  QSM_HD QSM_FORCEINLINE uint64_t bits(const uint64_t* s, uint64_t off, int /*n*/) const {
    const uint64_t w = off >> 6;
    const unsigned b = static_cast<unsigned>(off & 63);
    return (s[w] >> b) | ((s[w + 1] << 1) << (63 - b));  // b = 0: no high part
  }
};

#if QSM_X86_DISPATCH
// The BMI2 instructions through inline assembly: a target("bmi2") function could not
// be inlined into the generic templates above. Only called where use_bmi2()
// (cpu_dispatch.hpp) holds; QSM_SIMD=baseline takes the portable code, which the
// tests use to check that both give the same words.
struct DepositBmi2 : DepositPortable {
  QSM_FORCEINLINE uint64_t operator()(uint64_t src, uint64_t mask) const {
    uint64_t r;
    asm("pdepq %2, %1, %0" : "=r"(r) : "r"(src), "rm"(mask));
    return r;
  }
  // An unaligned 8-byte load from byte off / 8 (x86 is little-endian) holds bits
  // off .. off + 56 at least after the shift; n > 57 (probability ~1e-10 per word)
  // takes the funnel shift.
  QSM_FORCEINLINE uint64_t bits(const uint64_t* s, uint64_t off, int n) const {
    if (n > 57) [[unlikely]]
      return DepositPortable::bits(s, off, n);
    uint64_t v;
    std::memcpy(&v, reinterpret_cast<const unsigned char*>(s) + (off >> 3), sizeof v);
    return v >> (off & 7);
  }
};
#endif

// Blocks (of 64 trials) per group, and the level words a group may use: about 2.1 G
// in practice. Using more takes a trial that survives ~180 levels (probability
// below 2^-170); the sampler then reports it instead of writing past the scratch.
inline constexpr int kGroupWords = 64;
inline constexpr int kGroupLevelWords = 4 * kGroupWords + 64;
// Level 1 has kGroupWords words and every other level at least one.
inline constexpr int kGroupMaxLevels = kGroupLevelWords - kGroupWords + 1;

// p's bit at position j >= 1, as a word of 64 copies.
QSM_HD QSM_FORCEINLINE uint64_t p_bit_word(const BernoulliP& p, int j) {
  return (j >= p.first && j <= p.last) ? uint64_t{0} - ((p.odd >> (p.last - j)) & 1) : 0;
}

// Level words of one group: the undecided lanes of each level word, then the
// outcomes. A word's decided lanes need no storage: they failed exactly where the
// level's p-bit is 1.
struct GroupScratch {
  uint64_t und[kGroupLevelWords], out[kGroupLevelWords + 1];
  uint64_t p_bits[kGroupMaxLevels + 1];  // p_L as a word of 64 copies, for L = 1 .. levels
  int32_t start[kGroupMaxLevels + 1];    // level L's words: [start[L - 1], start[L])
  int32_t levels = 0;                    // levels the descent used
};

// What every caller (CPU kernel, scalar twin, GPU host code) raises when a group's
// levels outgrew GroupScratch (probability below 2^-170).
[[noreturn]] inline void group_scratch_exceeded() {
  throw std::runtime_error(
      "reliability Monte Carlo: a group's sampling levels outgrew their scratch");
}

// The way down for 0 < p < 1 (p.kind == 2): level L compares its trials with p_L,
// reading the random words from src in the order of the header comment: src.take(n)
// (the next n as a contiguous run) where the source has it, else next_pair (the next
// two) and next_u64 (the next one).
// Returns false only if the levels outgrow the scratch.
template <class Source>
QSM_HD QSM_FORCEINLINE bool group_levels_down(const BernoulliP& p, Source& src, GroupScratch& s) {
  int32_t top = 0, words = kGroupWords;
  uint64_t last_lanes = ~uint64_t{0};  // lanes of the level's last word that are trials
  s.start[0] = 0;
  for (int level = 1;; ++level) {
    if (top + words > kGroupLevelWords) return false;
    s.p_bits[level] = p_bit_word(p, level);
    const uint64_t flip = ~s.p_bits[level];  // undecided: r's bit equals p_L
    uint64_t* und = s.und + top;
    uint64_t trials_below = 0;
    if (words == 1) {  // the deep levels: one word, no loop
      uint64_t r;
      if constexpr (requires { src.take(1); }) {
        r = *src.take(1);
      } else {
        r = src.next_u64();
      }
      const uint64_t u = (r ^ flip) & last_lanes;
      und[0] = u;
      trials_below = static_cast<uint64_t>(popcount64(u));
    } else {
      if constexpr (requires { src.take(words); }) {  // the CPU's buffered stream
        const uint64_t* r = src.take(words);
        QSM_UNROLL(4)
        for (int32_t k = 0; k < words; ++k) {
          const uint64_t u = r[k] ^ flip;
          und[k] = u;
          trials_below += static_cast<uint64_t>(popcount64(u));
        }
      } else {
        // Two words at a time: a GPU source computes one Philox block per pair, in step
        // across the threads of a warp whatever their stream positions (mc_program.hpp).
        int32_t k = 0;
        for (; k + 1 < words; k += 2) {
          uint64_t r0, r1;
          src.next_pair(r0, r1);
          const uint64_t u0 = r0 ^ flip, u1 = r1 ^ flip;
          und[k] = u0;
          und[k + 1] = u1;
          trials_below += static_cast<uint64_t>(popcount64(u0) + popcount64(u1));
        }
        if (k < words) {
          const uint64_t u = src.next_u64() ^ flip;
          und[k] = u;
          trials_below += static_cast<uint64_t>(popcount64(u));
        }
      }
      // The lanes of the last word past the level's trials are not trials.
      trials_below -= static_cast<uint64_t>(popcount64(und[words - 1] & ~last_lanes));
      und[words - 1] &= last_lanes;
    }
    top += words;
    s.start[level] = top;
    s.levels = level;
    if (trials_below == 0 || level >= p.last) return true;  // beyond p's last one-bit: working
    words = static_cast<int32_t>((trials_below + 63) >> 6);
    last_lanes = (trials_below & 63) ? (uint64_t{1} << (trials_below & 63)) - 1 : ~uint64_t{0};
  }
}

// One level's words on the way up: dst[k] for k in [first, end), from und[k] and the
// level below's outcomes `below` (bits from 0 on, in order). und and dst share the
// index k, which keeps the loop's pointers in registers.
template <class Deposit>
QSM_HD QSM_FORCEINLINE void level_up_words(const uint64_t* und, uint64_t* dst, int32_t first,
                                           int32_t end, uint64_t fail, const uint64_t* below,
                                           Deposit deposit) {
  uint64_t off = 0;
  QSM_UNROLL(2)
  for (int32_t k = first; k < end; ++k) {
    const uint64_t u = und[k];
    const int n = popcount64(u);
    dst[k] = (fail & ~u) | deposit(deposit.bits(below, off, n), u);
    off += static_cast<uint64_t>(n);
  }
}

// The way up, after group_levels_down: each word's decided lanes failed where the
// level's p-bit is 1; its undecided lanes take the outcomes of the level below, in
// order (deposit), and the deepest level's undecided lanes work. Level 1 writes the
// event's words: out[j] for block j. (Lanes of a level's last word past its trials
// get unspecified outcomes: the level above reads exactly as many outcomes as the
// level has trials.) The loop over levels starts at `from` (at least s.levels - 1)
// and skips the levels this descent did not reach: GPU threads of a warp pass `from`
// = the warp's deepest, so at each step all of them work on the same level, of about
// the same size.
template <class Deposit>
QSM_HD QSM_FORCEINLINE void group_levels_up(GroupScratch& s, Deposit deposit, uint64_t* out,
                                            int from) {
  const int levels = s.levels;
  const int32_t top = s.start[levels];
  const uint64_t deepest_fail = s.p_bits[levels];
  if (levels == 1) {
    for (int j = 0; j < kGroupWords; ++j) out[j] = deepest_fail & ~s.und[j];
    return;
  }
  for (int32_t k = s.start[levels - 1]; k < top; ++k) s.out[k] = deepest_fail & ~s.und[k];
  s.out[top] = 0;  // read (and ignored) by bits() past the deepest level's end
  // Levels 2 and below write their outcomes for the level above into s.out.
  for (int level = from; level >= 2; --level) {
    if (level >= levels) continue;
    const uint64_t fail = s.p_bits[level];
    const uint64_t* below = s.out + s.start[level];
    const int32_t first = s.start[level - 1], end = s.start[level];
    if (end - first == 1) {  // one word (so the level below has at most one): no loop
      const uint64_t und = s.und[first];
      s.out[first] = (fail & ~und) | deposit(below[0], und);
      continue;
    }
    level_up_words(s.und, s.out, first, end, fail, below, deposit);
  }
  // Level 1 (kGroupWords words, s.start[0] = 0) writes the event's words.
  level_up_words(s.und, out, 0, kGroupWords, s.p_bits[1], s.out + s.start[1], deposit);
}

// The kGroupWords words of one event, p = 0 or 1 (p.kind != 2): no randomness spent.
QSM_HD QSM_FORCEINLINE void constant_group(const BernoulliP& p, uint64_t* out) {
  const uint64_t w = p.kind == 1 ? ~uint64_t{0} : 0;
  for (int j = 0; j < kGroupWords; ++j) out[j] = w;
}

// The kGroupWords words of one event: out[j] for block j of the group. Returns false,
// with out untouched, only if the levels outgrow the scratch.
template <class Source, class Deposit>
QSM_HD QSM_FORCEINLINE bool bernoulli_group(const BernoulliP& p, Source& src, GroupScratch& s,
                                            Deposit deposit, uint64_t* out) {
  if (p.kind != 2) {
    constant_group(p, out);
    return true;
  }
  if (!group_levels_down(p, src, s)) return false;
  group_levels_up(s, deposit, out, s.levels - 1);
  return true;
}

}  // namespace qsm::reliability
