// Bit-parallel Monte Carlo over a flat reliability Program (python/qsmcore/
// reliability/_program.py): 64 trials per uint64 word, one word per node.
//
// Trial t lives in block b = t / 64, bit t % 64. Stream layout (docs/determinism.md):
// the word of basic event i in block b is bernoulli_word(p_i) read from
// DrawRng(key, index = b, lane = i), so it is a pure function of (key, b, i): the
// same for any thread count, chunking or split of the trial range into calls.
// On the CPU the first Philox block of 16 consecutive blocks b of one event comes
// from the SIMD batch generator (the same numbers as DrawRng computes alone).
//
// Gates are bitwise: AND, OR, NOT directly; VOTE(k) adds its input words into a
// bit-sliced binary counter (one word per counter bit, ripple-carry half adders)
// and compares the counter with k, MSB first, for all 64 lanes at once.
//
// Importance sampling (failure biasing): events are sampled with q_i >= p_i, and a
// lane where the top event failed gets the likelihood ratio
//   w = prod_i (p_i/q_i)^{x_i} ((1-p_i)/(1-q_i))^{1-x_i}
//     = exp(base + sum_{i: x_i = 1} d_i),  base = sum_i log((1-p_i)/(1-q_i)),
//                                          d_i = log(p_i/q_i) - log((1-p_i)/(1-q_i)),
// accumulated per failed lane over the set bits of (x_i & failed): work in
// proportion to the failures. Failure counts are integers (exact in any split);
// sums of w are added per block, then per chunk in chunk order (identical for any
// thread count; a different split of the range changes only their rounding).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "qsm/core/parallel.hpp"
#include "qsm/core/philox_simd.hpp"
#include "qsm/reliability/bernoulli_word.hpp"
#include "qsm/reliability/mc_program.hpp"

namespace qsm::reliability {

// Blocks that share one SIMD Philox batch, and blocks per parallel chunk (fixed,
// never derived from the thread count).
inline constexpr int kGroupBlocks = kPhiloxBatch;
inline constexpr uint64_t kChunkBlocks = 512;

// Event words of blocks b0 .. b0+nb-1 (nb <= kGroupBlocks): vals[j*stride + i].
template <class Deposit>
QSM_FORCEINLINE void sample_group_impl(const BernoulliP* bp, int64_t n_events, uint64_t key,
                                       uint64_t b0, int nb, PhiloxBatchFn batch_fn, uint64_t* vals,
                                       int64_t stride, Deposit deposit) {
  PhiloxBatch batch;
  for (int64_t i = 0; i < n_events; ++i) {
    if (bp[i].kind != 2) {  // p = 0 or 1: no randomness spent
      const uint64_t w = bp[i].kind == 1 ? ~uint64_t{0} : 0;
      for (int j = 0; j < nb; ++j) vals[j * stride + i] = w;
      continue;
    }
    const auto lane = static_cast<uint32_t>(i);
    batch_fn(key, lane, b0, batch);
    for (int j = 0; j < nb; ++j) {
      BitReservoir bits(DrawRng(key, b0 + static_cast<uint64_t>(j), lane, batch.block(j)));
      vals[j * stride + i] = bernoulli_word(bp[i], bits, deposit);
    }
  }
}

using SampleGroupFn = void (*)(const BernoulliP*, int64_t, uint64_t, uint64_t, int, PhiloxBatchFn,
                               uint64_t*, int64_t);

inline void sample_group_portable(const BernoulliP* bp, int64_t n_events, uint64_t key, uint64_t b0,
                                  int nb, PhiloxBatchFn batch_fn, uint64_t* vals, int64_t stride) {
  sample_group_impl(bp, n_events, key, b0, nb, batch_fn, vals, stride, DepositPortable{});
}

#if QSM_X86_DISPATCH
// Compiled for POPCNT too: the baseline ISA turns __builtin_popcountll into a
// library call, which cost more than the rest of the sampler.
__attribute__((target("popcnt,bmi2"))) inline void sample_group_bmi2(
    const BernoulliP* bp, int64_t n_events, uint64_t key, uint64_t b0, int nb,
    PhiloxBatchFn batch_fn, uint64_t* vals, int64_t stride) {
  sample_group_impl(bp, n_events, key, b0, nb, batch_fn, vals, stride, DepositBmi2{});
}
#endif

inline SampleGroupFn sample_group_fn() {
#if QSM_X86_DISPATCH
  if (use_bmi2()) return sample_group_bmi2;
#endif
  return sample_group_portable;
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

// The structure of a Program as an evaluator: a block's words are the event words
// followed by one word per gate; returns the top node's word.
struct ProgramEval {
  ProgramView g;
  int64_t n_events() const { return g.n_events; }
  int64_t words() const { return g.nodes(); }
  uint64_t operator()(uint64_t* vals) const {
    evaluate_gates(g, vals);
    return vals[g.top];
  }
};

// Failures (and, with weights, likelihood-ratio sums) of trials [t0, t0 + n).
// `sample_p` are the probabilities the events are drawn with (p, or q for IS).
// Eval: n_events(), words() per block (>= n_events) and operator()(vals) -> the
// failed-system word of a block whose vals[0 .. n_events) hold the event words.
template <class Eval>
McTally run_mc(const Eval& eval, const double* sample_p, const IsWeights* weights, uint64_t key,
               uint64_t t0, uint64_t n, int threads) {
  if (n == 0) return {};
  const uint64_t t1 = t0 + n;
  const uint64_t b_first = t0 >> 6, b_end = (t1 + 63) >> 6;
  const int64_t n_events = eval.n_events();
  std::vector<BernoulliP> bp(static_cast<size_t>(n_events));
  for (int64_t i = 0; i < n_events; ++i) bp[i] = bernoulli_p(sample_p[i]);
  const PhiloxBatchFn batch_fn = philox_batch_fn();
  const SampleGroupFn sample = sample_group_fn();
  const int64_t stride = eval.words();
  auto map = [&](uint64_t begin, uint64_t end) {
    McTally tally;
    std::vector<uint64_t> vals(static_cast<size_t>(stride) * kGroupBlocks);
    double acc[64];
    for (uint64_t c = begin; c < end; c += kGroupBlocks) {
      const int nb = static_cast<int>(std::min<uint64_t>(kGroupBlocks, end - c));
      const uint64_t b0 = b_first + c;
      sample(bp.data(), n_events, key, b0, nb, batch_fn, vals.data(), stride);
      for (int j = 0; j < nb; ++j) {
        uint64_t* v = vals.data() + j * stride;
        const uint64_t failed = eval(v) & lane_mask(b0 + static_cast<uint64_t>(j), t0, t1);
        tally.failures += static_cast<uint64_t>(__builtin_popcountll(failed));
        if (weights == nullptr || failed == 0) continue;
        for (uint64_t m = failed; m != 0; m &= m - 1) acc[__builtin_ctzll(m)] = weights->base;
        for (size_t e = 0; e < weights->biased.size(); ++e) {
          const double d = weights->d[e];
          for (uint64_t m = v[weights->biased[e]] & failed; m != 0; m &= m - 1)
            acc[__builtin_ctzll(m)] += d;
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
  return parallel_reduce(b_end - b_first, kChunkBlocks, threads, McTally{}, map, merge);
}

// The words themselves, for tests and teaching: events[b][i] and top[b] for the
// blocks b_first .. b_first + n_blocks - 1 (every lane, no range mask).
template <class Eval>
void sample_words(const Eval& eval, const double* sample_p, uint64_t key, uint64_t b_first,
                  uint64_t n_blocks, uint64_t* events, uint64_t* top, int threads) {
  const int64_t n_events = eval.n_events();
  std::vector<BernoulliP> bp(static_cast<size_t>(n_events));
  for (int64_t i = 0; i < n_events; ++i) bp[i] = bernoulli_p(sample_p[i]);
  const PhiloxBatchFn batch_fn = philox_batch_fn();
  const SampleGroupFn sample = sample_group_fn();
  const int64_t stride = eval.words();
  parallel_for(n_blocks, kChunkBlocks, threads, [&](uint64_t begin, uint64_t end) {
    std::vector<uint64_t> vals(static_cast<size_t>(stride) * kGroupBlocks);
    for (uint64_t c = begin; c < end; c += kGroupBlocks) {
      const int nb = static_cast<int>(std::min<uint64_t>(kGroupBlocks, end - c));
      sample(bp.data(), n_events, key, b_first + c, nb, batch_fn, vals.data(), stride);
      for (int j = 0; j < nb; ++j) {
        uint64_t* v = vals.data() + j * stride;
        std::copy(v, v + n_events, events + (c + j) * static_cast<uint64_t>(n_events));
        top[c + j] = eval(v);
      }
    }
  });
}

}  // namespace qsm::reliability
