// Exact Bernoulli(p) words: 64 independent failure indicators (bit t = trial t
// of a block) drawn from one Philox stream, exact for p's double value.
//
// Trial t fails when its uniform U_t = 0.r1 r2 r3 ... (binary) is below p. We
// compare U_t with p's binary expansion p = 0.p1 p2 p3 ... most significant bit
// first, all 64 lanes at once: at position j the lanes whose bits so far equal
// p's ("undecided") read one fresh random bit r_j; p_j = 1 and r_j = 0 means
// U_t < p (failed), p_j = 0 and r_j = 1 means U_t > p (works), otherwise the lane
// stays undecided. Each position decides about half of the undecided lanes; after
// p's last one-bit every lane left is U_t >= p (works), so the word is exactly
// Bernoulli(p) per lane, whatever p (down to subnormals), with no floating point.
//
// Random bits are packed: position j takes only popcount(undecided) bits from a
// bit reservoir and deposits them onto the undecided lanes in increasing lane
// order (pdep). Feeding a full 64-bit word to every position would waste the bits
// of decided lanes (~7.3 words per 64 trials); packing spends ~2 bits per trial,
// so one Philox block (two words) decides a word most of the time. The reservoir
// reads the 64-bit words w0, w1, ... of the draw's stream (DrawRng order) from
// their least significant bit up. p = 0 and p = 1 take no random bits at all.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

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

// Reads a draw's random words LSB first, n bits at a time.
class BitReservoir {
 public:
  QSM_HD explicit BitReservoir(const DrawRng& rng) : rng_(rng) {}

  // The next n bits (0 <= n <= 64) in the low bits of the result.
  QSM_HD QSM_FORCEINLINE uint64_t take(int n) {
    if (avail_ >= n) {
      const uint64_t r = n == 64 ? buf_ : buf_ & ((uint64_t{1} << n) - 1);
      buf_ = n == 64 ? 0 : buf_ >> n;
      avail_ -= n;
      return r;
    }
    const uint64_t w = rng_.next_u64();
    const int need = n - avail_;  // 1..64 bits from w
    uint64_t r = avail_ == 0 ? w : buf_ | (w << avail_);
    if (n < 64) r &= (uint64_t{1} << n) - 1;
    buf_ = need == 64 ? 0 : w >> need;
    avail_ = 64 - need;
    return r;
  }

 private:
  DrawRng rng_;
  uint64_t buf_ = 0;
  int avail_ = 0;
};

// Set bits of x, on the host and in device code.
QSM_HD QSM_FORCEINLINE int popcount64(uint64_t x) {
#if QSM_DEVICE_PASS
  return __popcll(x);
#else
  return __builtin_popcountll(x);
#endif
}

// Portable pdep: the low bits of src onto the set bits of mask, lowest first.
QSM_HD QSM_FORCEINLINE uint64_t deposit_portable(uint64_t src, uint64_t mask) {
  uint64_t r = 0;
  for (uint64_t m = mask; m != 0; m &= m - 1) {
    if (src & 1) r |= m & (~m + 1);
    src >>= 1;
  }
  return r;
}

struct DepositPortable {
  QSM_HD QSM_FORCEINLINE uint64_t operator()(uint64_t src, uint64_t mask) const {
    return deposit_portable(src, mask);
  }
};

// The word for one (p, stream). Deposit is DepositPortable or the BMI2 pdep.
template <class Deposit>
QSM_HD QSM_FORCEINLINE uint64_t bernoulli_word(const BernoulliP& p, BitReservoir& bits,
                                               Deposit deposit) {
  if (p.kind == 0) return 0;
  if (p.kind == 1) return ~uint64_t{0};
  // Position 1 reads one whole word; the loop after it branches only to exit and to
  // refill the reservoir (position outcomes are coin flips: a branch on them would
  // mispredict about once per position).
  uint64_t r = bits.take(64);
  uint64_t pm = p.first == 1 ? ~uint64_t{0} : 0;  // p_1 as a mask
  uint64_t failed = ~r & pm;
  uint64_t undecided = ~(r ^ pm);
  for (int j = 2; j <= p.last && undecided != 0; ++j) {
    r = deposit(bits.take(popcount64(undecided)), undecided);
    pm = j >= p.first ? uint64_t{0} - ((p.odd >> (p.last - j)) & 1) : 0;
    failed |= undecided & ~r & pm;
    undecided &= ~(r ^ pm);
  }
  return failed;
}

#if QSM_X86_DISPATCH
// The BMI2 instruction through inline assembly: a target("bmi2") function could not
// be inlined into the generic templates above. Only called where use_bmi2() holds.
struct DepositBmi2 {
  QSM_FORCEINLINE uint64_t operator()(uint64_t src, uint64_t mask) const {
    uint64_t r;
    asm("pdepq %2, %1, %0" : "=r"(r) : "r"(src), "rm"(mask));
    return r;
  }
};
#endif

// BMI2 pdep (and POPCNT) where the CPU has them (QSM_SIMD=baseline forces the portable loop,
// which the tests use to check that both give the same words).
inline bool use_bmi2() {
#if QSM_X86_DISPATCH
  static const bool enabled = [] {
    const char* env = std::getenv("QSM_SIMD");
    if (env != nullptr && std::strcmp(env, "baseline") == 0) return false;
    return __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  }();
  return enabled;
#else
  return false;
#endif
}

}  // namespace qsm::reliability
