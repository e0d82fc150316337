// CPU driver of the latency budget: requests start .. start + n - 1 in parallel.
// Request start + i goes to out[i] (and its stage latencies to row i of
// per_stage, n_stages doubles a row), so the result is independent of threads.
//
// Fast path: inside a chunk of requests, stage by stage, the calls' draw indices
// (i * N + j, lane s) form one contiguous range, so block 0 of 16 consecutive
// draws comes from the SIMD Philox and each kind gets its own inlined sampler.
// Stage latencies are added to out[i] in stage order, as request_latency does,
// so the fast path and the scalar reference (budget_reference) agree bit for bit.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "qsm/core/distributions.hpp"
#include "qsm/core/parallel.hpp"
#include "qsm/core/philox_simd.hpp"
#include "qsm/latency/budget.hpp"

namespace qsm::latency {

inline constexpr uint64_t kBudgetGrain = 4096;

// Adds stage s's latency of requests [begin, end) (0-based in out) to out.
// Variates are drawn 16 at a time into a local array (a tight loop over a local
// copy of the Dist, which no store to out can alias), then fed to the selection.
template <DistKind K>
void stage_range(const Stage& st, uint32_t s, uint32_t n_stages, uint64_t key, uint64_t start,
                 uint64_t begin, uint64_t end, double* out, double* per_stage, double* scratch,
                 PhiloxBatchFn batch_fn) {
  const Dist d = st.dist;
  const uint64_t calls = st.calls;
  uint64_t r = begin;
  uint32_t j = 0;
  KthSmallest acc(st, scratch);
  auto feed = [&](const double* xs, int count) {
    for (int q = 0; q < count; ++q) {
      acc.push(xs[q], j);
      if (++j == calls) {
        const double v = acc.result();
        if (per_stage != nullptr) per_stage[r * n_stages + s] = v;
        out[r] += v;
        ++r;
        j = 0;
      }
    }
  };
  uint64_t f = (start + begin) * calls;
  const uint64_t f_end = (start + end) * calls;
  double xs[kPhiloxBatch];
  PhiloxBatch batch;
  for (; f + kPhiloxBatch <= f_end; f += kPhiloxBatch) {
    if constexpr (K == DistKind::Deterministic) {
      for (int q = 0; q < kPhiloxBatch; ++q) xs[q] = d.p[0];
    } else {
      batch_fn(key, s, f, batch);
      for (int q = 0; q < kPhiloxBatch; ++q) {
        DrawRng rng(key, f + q, s, batch.block(q));
        xs[q] = sample_as<K>(d, rng);
      }
    }
    feed(xs, kPhiloxBatch);
  }
  for (; f < f_end; ++f) {
    DrawRng rng(key, f, s);
    xs[0] = sample_as<K>(d, rng);
    feed(xs, 1);
  }
}

inline uint32_t budget_scratch(const Stage* stages, uint32_t n_stages) {
  uint32_t size = 1;
  for (uint32_t s = 0; s < n_stages; ++s) size = std::max(size, stage_scratch(stages[s]));
  return size;
}

inline void budget_run(const Stage* stages, uint32_t n_stages, uint64_t key, uint64_t start,
                       uint64_t n, double* out, double* per_stage, int threads) {
  const uint32_t scratch_size = budget_scratch(stages, n_stages);
  const PhiloxBatchFn batch_fn = philox_batch_fn();
  parallel_for(n, kBudgetGrain, threads, [&](uint64_t begin, uint64_t end) {
    std::vector<double> scratch(scratch_size);
    std::fill(out + begin, out + end, 0.0);
    for (uint32_t s = 0; s < n_stages; ++s) {
      dispatch_kind(stages[s].dist.kind, [&](auto kind) {
        constexpr DistKind K = decltype(kind)::value;
        stage_range<K>(stages[s], s, n_stages, key, start, begin, end, out, per_stage,
                       scratch.data(), batch_fn);
      });
    }
  });
}

// The scalar reference: request_latency (the QSM_HD function a GPU would run)
// for every request. Slower; kept so tests can check the fast path against it.
inline void budget_reference(const Stage* stages, uint32_t n_stages, uint64_t key, uint64_t start,
                             uint64_t n, double* out, double* per_stage, int threads) {
  const uint32_t scratch_size = budget_scratch(stages, n_stages);
  parallel_for(n, kBudgetGrain, threads, [&](uint64_t begin, uint64_t end) {
    std::vector<double> scratch(scratch_size);
    for (uint64_t i = begin; i < end; ++i) {
      double* row = per_stage != nullptr ? per_stage + i * n_stages : nullptr;
      out[i] = request_latency(stages, n_stages, key, start + i, scratch.data(), row);
    }
  });
}

}  // namespace qsm::latency
