// CPU backend of qsmcore.random.sample: draw number start + i of lane `lane`
// goes to out[i]. The kind switch happens once, outside the loop, so each
// distribution gets its own tight loop.
#pragma once

#include <cstdint>

#include "qsm/core/distributions.hpp"
#include "qsm/core/parallel.hpp"
#include "qsm/core/philox.hpp"

namespace qsm {

inline constexpr uint64_t kSampleGrain = 1u << 15;

inline void sample_into(const Dist& d, uint64_t key, uint64_t start, uint32_t lane, double* out,
                        uint64_t n, int threads) {
  dispatch_kind(d.kind, [&](auto kind) {
    constexpr DistKind K = decltype(kind)::value;
    parallel_for(n, kSampleGrain, threads, [&](uint64_t begin, uint64_t end) {
      for (uint64_t i = begin; i < end; ++i) {
        DrawRng rng(key, start + i, lane);
        out[i] = sample_as<K>(d, rng);
      }
    });
  });
}

}  // namespace qsm
