// CPU driver of the latency budget: requests start .. start + n - 1 in parallel.
// Request start + i goes to out[i] (and its stage latencies to row i of
// per_stage, n_stages doubles a row), so the result is independent of threads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "qsm/core/parallel.hpp"
#include "qsm/latency/budget.hpp"

namespace qsm::latency {

inline constexpr uint64_t kBudgetGrain = 4096;

inline void budget_run(const Stage* stages, uint32_t n_stages, uint64_t key, uint64_t start,
                       uint64_t n, double* out, double* per_stage, int threads) {
  uint32_t scratch_size = 0;
  for (uint32_t s = 0; s < n_stages; ++s)
    scratch_size = std::max(scratch_size, stage_scratch(stages[s]));
  parallel_for(n, kBudgetGrain, threads, [&](uint64_t begin, uint64_t end) {
    std::vector<double> scratch(scratch_size);
    for (uint64_t i = begin; i < end; ++i) {
      double* row = per_stage != nullptr ? per_stage + i * n_stages : nullptr;
      out[i] = request_latency(stages, n_stages, key, start + i, scratch.data(), row);
    }
  });
}

}  // namespace qsm::latency
