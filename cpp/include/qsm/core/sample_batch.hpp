// CPU backend of qsmcore.random.sample: draw number start + i of lane `lane`
// goes to out[i]. The kind switch happens once, outside the loop, so each
// distribution gets its own tight loop, and block 0 of every draw comes from the
// SIMD Philox (philox_simd.hpp), 16 draws at a time: the same numbers as the
// scalar DrawRng, several times faster.
#pragma once

#include <cstdint>

#include "qsm/core/distributions.hpp"
#include "qsm/core/parallel.hpp"
#include "qsm/core/philox.hpp"
#include "qsm/core/philox_simd.hpp"

namespace qsm {

inline constexpr uint64_t kSampleGrain = 1u << 15;  // a multiple of kPhiloxBatch

template <DistKind K>
void sample_range(const Dist& d, uint64_t key, uint64_t start, uint32_t lane, double* out,
                  uint64_t begin, uint64_t end, PhiloxBatchFn batch_fn) {
  uint64_t i = begin;
  if constexpr (K == DistKind::Deterministic) {
    for (; i < end; ++i) out[i] = d.p[0];
  } else {
    PhiloxBatch batch;
    for (; i + kPhiloxBatch <= end; i += kPhiloxBatch) {
      batch_fn(key, lane, start + i, batch);
      for (int j = 0; j < kPhiloxBatch; ++j) {
        DrawRng rng(key, start + i + j, lane, batch.block(j));
        out[i + j] = sample_as<K>(d, rng);
      }
    }
    for (; i < end; ++i) {
      DrawRng rng(key, start + i, lane);
      out[i] = sample_as<K>(d, rng);
    }
  }
}

inline void sample_into(const Dist& d, uint64_t key, uint64_t start, uint32_t lane, double* out,
                        uint64_t n, int threads) {
  const PhiloxBatchFn batch_fn = philox_batch_fn();
  dispatch_kind(d.kind, [&](auto kind) {
    constexpr DistKind K = decltype(kind)::value;
    parallel_for(n, kSampleGrain, threads, [&](uint64_t begin, uint64_t end) {
      sample_range<K>(d, key, start, lane, out, begin, end, batch_fn);
    });
  });
}

}  // namespace qsm
