// Bit-parallel Monte Carlo over a flat reliability Program (python/qsmcore/
// reliability/_program.py): 64 trials per uint64 word, one word per node.
//
// Trial t lives in block b = t / 64, bit t % 64; blocks form groups of kGroupWords
// (g = b / kGroupWords, aligned to block 0). Stream layout (docs/determinism.md):
// the words of basic event i for the blocks of group g are bernoulli_group(p_i)
// read from DrawRng(key, index = g, lane = i), so they are a pure function of
// (key, g, i): the same for any thread count, chunking or split of the trial range
// into calls (a call computes whole groups and masks the lanes outside its range).
// On the CPU the stream's blocks come 8 or 16 at a time from the SIMD Philox generator.
//
// Gates are bitwise: AND, OR, NOT directly; VOTE(k) keeps running "at least i" words
// for k = 2..4, and otherwise adds its input words into a bit-sliced binary counter
// (one word per counter bit, ripple-carry half adders) and compares the counter with
// k, MSB first, for all 64 lanes at once (program_eval.hpp).
//
// Importance sampling (failure biasing): events are sampled with q_i >= p_i, and a
// lane where the top event failed gets the likelihood ratio
//   w = prod_i (p_i/q_i)^{x_i} ((1-p_i)/(1-q_i))^{1-x_i}
//     = exp(base + sum_{i: x_i = 1} d_i),  base = sum_i log((1-p_i)/(1-q_i)),
//                                          d_i = log(p_i/q_i) - log((1-p_i)/(1-q_i)),
// accumulated per failed lane over the set bits of (x_i & failed): work in
// proportion to the failures. Failure counts are integers (exact in any split);
// sums of w are added per block, then per chunk of groups in chunk order (identical
// for any thread count; a different split of the range changes only their rounding).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "qsm/core/parallel.hpp"
#include "qsm/core/philox_simd.hpp"
#include "qsm/reliability/bernoulli_group.hpp"
#include "qsm/reliability/mc_program.hpp"
#include "qsm/reliability/program_eval.hpp"

namespace qsm::reliability {

// Groups per parallel chunk (fixed, never derived from the thread count): 512 blocks.
inline constexpr uint64_t kChunkGroups = 8;

// The 64-bit words w0, w1, ... of DrawRng(key, index, lane) from the SIMD Philox
// generator: 16 blocks (32 words) at a time while a group surely needs them (it
// uses ~136), then 8 at a time, so little is computed and thrown away. take(n) hands
// out the next n words as one contiguous run, so the sampler's level loops read
// them straight from the buffer.
class BatchedStream {
 public:
  static constexpr int kMaxTake = kGroupWords;  // a level has at most kGroupWords words

  BatchedStream(uint64_t key, uint32_t lane, uint64_t index)
      : key_(key), index_(index), lane_(lane) {}

  QSM_FORCEINLINE const uint64_t* take(int n) {
    if (end_ - pos_ < n) refill(n);
    const uint64_t* run = buf_ + pos_;
    pos_ += n;
    return run;
  }

 private:
  // Keeps the unread words, then appends Philox batches until n words are there.
  void refill(int n) {
    static const PhiloxWordsFn wide = philox_words_fn<2>(), narrow = philox_words_fn<1>();
    const int left = end_ - pos_;
    for (int i = 0; i < left; ++i) buf_[i] = buf_[pos_ + i];
    pos_ = 0;
    end_ = left;
    while (end_ < n) {
      const bool many = c0_ < 64;  // words 0 .. 127
      (many ? wide : narrow)(key_, lane_, index_, c0_, buf_ + end_);
      c0_ += many ? 16 : 8;
      end_ += many ? 32 : 16;
    }
  }

  uint64_t key_, index_;
  uint32_t lane_, c0_ = 0;
  int pos_ = 0, end_ = 0;
  uint64_t buf_[kMaxTake + 32];  // < n unread words, then at most one batch too many
};

// Event rows of group g: vals[i * kGroupWords + j] is event i's word in block j.
template <class Deposit>
QSM_FORCEINLINE void sample_group_impl(const BernoulliP* bp, int64_t n_events, uint64_t key,
                                       uint64_t g, GroupScratch& scratch, uint64_t* vals,
                                       Deposit deposit) {
  for (int64_t i = 0; i < n_events; ++i) {
    BatchedStream src(key, static_cast<uint32_t>(i), g);
    if (!bernoulli_group(bp[i], src, scratch, deposit, vals + i * kGroupWords))
      group_scratch_exceeded();
  }
}

using SampleGroupFn = void (*)(const BernoulliP*, int64_t, uint64_t, uint64_t, GroupScratch&,
                               uint64_t*);

inline void sample_group_portable(const BernoulliP* bp, int64_t n_events, uint64_t key, uint64_t g,
                                  GroupScratch& scratch, uint64_t* vals) {
  sample_group_impl(bp, n_events, key, g, scratch, vals, DepositPortable{});
}

#if QSM_X86_DISPATCH
// Compiled for POPCNT and BMI1 (andn) too: the baseline ISA turns
// __builtin_popcountll into a library call, which cost more than the rest of the
// sampler.
__attribute__((target("popcnt,bmi,bmi2"))) inline void sample_group_bmi2(const BernoulliP* bp,
                                                                         int64_t n_events,
                                                                         uint64_t key, uint64_t g,
                                                                         GroupScratch& scratch,
                                                                         uint64_t* vals) {
  sample_group_impl(bp, n_events, key, g, scratch, vals, DepositBmi2{});
}
#endif

inline SampleGroupFn sample_group_fn() {
#if QSM_X86_DISPATCH
  if (use_bmi2()) return sample_group_bmi2;
#endif
  return sample_group_portable;
}

// Set bits of x without the POPCNT instruction (this loop is compiled for the
// baseline ISA, where __builtin_popcountll becomes a library call).
QSM_FORCEINLINE int count_ones(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ull;
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<int>((x * 0x0101010101010101ull) >> 56);
}

// Set bits of a group's kGroupWords words: POPCNT where the CPU has it (the tally of a
// small program, 2-of-3 say, is a visible part of its time), else count_ones.
using GroupOnesFn = uint64_t (*)(const uint64_t*);

inline uint64_t group_ones_portable(const uint64_t* w) {
  uint64_t ones = 0;
  for (int j = 0; j < kGroupWords; ++j) ones += static_cast<uint64_t>(count_ones(w[j]));
  return ones;
}

#if QSM_X86_DISPATCH
__attribute__((target("popcnt"))) inline uint64_t group_ones_popcnt(const uint64_t* w) {
  uint64_t ones = 0;
  for (int j = 0; j < kGroupWords; ++j) ones += static_cast<uint64_t>(__builtin_popcountll(w[j]));
  return ones;
}
#endif

inline GroupOnesFn group_ones_fn() {
#if QSM_X86_DISPATCH
  if (use_bmi2()) return group_ones_popcnt;  // use_bmi2 checks POPCNT too
#endif
  return group_ones_portable;
}

struct McTally {
  uint64_t failures = 0;  // lanes where the top event failed (under q for IS)
  double sum_w = 0.0;     // importance sampling: sum of likelihood ratios of those lanes
  double sum_w2 = 0.0;
};

// Log-likelihood-ratio terms for failure biasing (see the header comment).
struct IsWeights {
  double base = 0.0;
  std::vector<int64_t> biased;  // events with q_i != p_i
  std::vector<double> d;        // d_i for those events, same order
};

inline IsWeights is_weights(const double* p, const double* q, int64_t n_events) {
  IsWeights w;
  for (int64_t i = 0; i < n_events; ++i) {
    if (q[i] == p[i]) continue;                         // ratio 1 whichever state
    const double lf = std::log(p[i]) - std::log(q[i]);  // -inf for p = 0: weight 0
    const double lw = std::log1p(-p[i]) - std::log1p(-q[i]);
    w.base += lw;
    w.biased.push_back(i);
    w.d.push_back(lf - lw);
  }
  return w;
}

// Failures (and, with weights, likelihood-ratio sums) of trials [t0, t0 + n).
// `sample_p` are the probabilities the events are drawn with (p, or q for IS).
// Eval: n_events(), rows() (>= n_events) and operator()(vals) -> the failed-system
// row of a group whose rows 0 .. n_events - 1 hold the event words (program_eval.hpp).
template <class Eval>
McTally run_mc(const Eval& eval, const double* sample_p, const IsWeights* weights, uint64_t key,
               uint64_t t0, uint64_t n, int threads) {
  if (n == 0) return {};
  const uint64_t t1 = t0 + n;
  const uint64_t b_last = (t1 - 1) >> 6;  // the range's last block
  const uint64_t g_first = (t0 >> 6) / kGroupWords, g_end = b_last / kGroupWords + 1;
  const int64_t n_events = eval.n_events();
  std::vector<BernoulliP> bp(static_cast<size_t>(n_events));
  for (int64_t i = 0; i < n_events; ++i) bp[i] = bernoulli_p(sample_p[i]);
  const SampleGroupFn sample = sample_group_fn();
  const GroupOnesFn group_ones = group_ones_fn();
  const auto rows = static_cast<size_t>(eval.rows());
  auto map = [&](uint64_t begin, uint64_t end) {
    McTally tally;
    // Not zeroed: every row is written before it is read (sampler, then evaluator).
    const auto vals = std::make_unique_for_overwrite<uint64_t[]>(rows * kGroupWords);
    GroupScratch scratch;
    double acc[64];
    for (uint64_t c = begin; c < end; ++c) {
      const uint64_t g = g_first + c;
      sample(bp.data(), n_events, key, g, scratch, vals.get());
      const uint64_t* top = eval(vals.get());
      const uint64_t lo = g * kGroupWords * 64;  // the group's first trial
      if (weights == nullptr && t0 <= lo && t1 - lo >= kGroupWords * 64) {  // all in range
        tally.failures += group_ones(top);
        continue;
      }
      for (int j = 0; j < kGroupWords; ++j) {
        const uint64_t range = lane_mask(g * kGroupWords + static_cast<uint64_t>(j), t0, t1);
        const uint64_t failed = top[j] & range;
        tally.failures += static_cast<uint64_t>(count_ones(failed));
        if (weights == nullptr || failed == 0) continue;
        for (uint64_t m = failed; m != 0; m &= m - 1) acc[__builtin_ctzll(m)] = weights->base;
        for (size_t e = 0; e < weights->biased.size(); ++e) {
          const double d = weights->d[e];
          const uint64_t x = vals[static_cast<size_t>(weights->biased[e]) * kGroupWords + j];
          for (uint64_t m = x & failed; m != 0; m &= m - 1) acc[__builtin_ctzll(m)] += d;
        }
        for (uint64_t m = failed; m != 0; m &= m - 1) {
          const double w = std::exp(acc[__builtin_ctzll(m)]);
          tally.sum_w += w;
          tally.sum_w2 += w * w;
        }
      }
    }
    return tally;
  };
  auto merge = [](McTally& a, const McTally& b) {
    a.failures += b.failures;
    a.sum_w += b.sum_w;
    a.sum_w2 += b.sum_w2;
  };
  return parallel_reduce(g_end - g_first, kChunkGroups, threads, McTally{}, map, merge);
}

// The words themselves, for tests and teaching: events[b][i] and top[b] for the
// blocks b_first .. b_first + n_blocks - 1 (every lane, no range mask).
template <class Eval>
void sample_words(const Eval& eval, const double* sample_p, uint64_t key, uint64_t b_first,
                  uint64_t n_blocks, uint64_t* events, uint64_t* top, int threads) {
  if (n_blocks == 0) return;
  const int64_t n_events = eval.n_events();
  std::vector<BernoulliP> bp(static_cast<size_t>(n_events));
  for (int64_t i = 0; i < n_events; ++i) bp[i] = bernoulli_p(sample_p[i]);
  const SampleGroupFn sample = sample_group_fn();
  const auto rows = static_cast<size_t>(eval.rows());
  const uint64_t b_end = b_first + n_blocks;
  const uint64_t g_first = b_first / kGroupWords, g_end = (b_end - 1) / kGroupWords + 1;
  parallel_for(g_end - g_first, 1, threads, [&](uint64_t begin, uint64_t end) {
    // Not zeroed: every row is written before it is read (sampler, then evaluator).
    const auto vals = std::make_unique_for_overwrite<uint64_t[]>(rows * kGroupWords);
    GroupScratch scratch;
    for (uint64_t c = begin; c < end; ++c) {
      const uint64_t g = g_first + c;
      sample(bp.data(), n_events, key, g, scratch, vals.get());
      const uint64_t* top_row = eval(vals.get());
      for (int j = 0; j < kGroupWords; ++j) {
        const uint64_t b = g * kGroupWords + static_cast<uint64_t>(j);
        if (b < b_first || b >= b_end) continue;
        uint64_t* out = events + (b - b_first) * static_cast<uint64_t>(n_events);
        for (int64_t i = 0; i < n_events; ++i) out[i] = vals[i * kGroupWords + j];
        top[b - b_first] = top_row[j];
      }
    }
  });
}

}  // namespace qsm::reliability
