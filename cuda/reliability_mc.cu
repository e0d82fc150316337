// qsmcore.reliability.monte_carlo on the GPU (naive estimator): one thread per group
// of kGroupWords 64-trial blocks, running the same QSM_HD path as the CPU
// (mc_program.hpp: group_failures — event words from the streams
// DrawRng(key, group, event) through bernoulli_group, then the gates block by
// block), so the failure count equals the CPU's for the same seed and range.
// Each thread needs a GroupScratch and kGroupWords rows of n_events + n_gates words;
// the threads are as many as that scratch allows in a quarter of free memory, and a
// grid-stride loop covers the groups.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "cuda/cuda_check.cuh"
#include "qsm/reliability/mc_program.hpp"

namespace qsm::cuda {

namespace {

using reliability::BernoulliP;
using reliability::ProgramView;

__global__ void mc_kernel(ProgramView g, const BernoulliP* bp, uint64_t key, uint64_t g_first,
                          uint64_t n_groups, uint64_t t0, uint64_t t1,
                          reliability::GroupScratch* scratch, uint64_t* rows,
                          unsigned long long* failures, int* overflow) {
  const uint64_t words = static_cast<uint64_t>(g.n_events + g.n_gates) * reliability::kGroupWords;
  const uint64_t id = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  uint64_t* vals = rows + id * words;  // this thread's rows, reused along the loop
  uint64_t mine = 0;
  for (uint64_t t = id; t < n_groups; t += stride) {
    if (!reliability::group_failures(g, bp, key, g_first + t, t0, t1, scratch[id], vals, mine)) {
      atomicExch(overflow, 1);
      return;
    }
  }
  if (mine) atomicAdd(failures, static_cast<unsigned long long>(mine));
}

}  // namespace

uint64_t reliability_mc_failures(const ProgramView& host, const double* p, uint64_t key,
                                 uint64_t start, uint64_t trials) {
  const auto n_events = static_cast<uint64_t>(host.n_events);
  const auto n_gates = static_cast<uint64_t>(host.n_gates);
  std::vector<BernoulliP> bp(n_events);
  for (uint64_t i = 0; i < n_events; ++i) bp[i] = reliability::bernoulli_p(p[i]);
  const uint64_t n_inputs = static_cast<uint64_t>(host.offsets[n_gates]);
  detail::DeviceBuffer<BernoulliP> d_bp(n_events);
  detail::DeviceBuffer<int32_t> d_op(n_gates), d_k(n_gates), d_off(n_gates + 1), d_in(n_inputs);
  d_bp.upload(bp.data());
  d_op.upload(host.op);
  d_k.upload(host.k);
  d_off.upload(host.offsets);
  d_in.upload(host.inputs);
  ProgramView g = host;
  g.op = d_op.get();
  g.k = d_k.get();
  g.offsets = d_off.get();
  g.inputs = d_in.get();

  const uint64_t t1 = start + trials;
  if (trials == 0) return 0;
  const uint64_t g_first = (start >> 6) / reliability::kGroupWords;
  const uint64_t n_groups = ((t1 - 1) >> 6) / reliability::kGroupWords + 1 - g_first;
  const unsigned block = 128;
  // Threads: one per group, at most what a quarter of free memory holds in scratch.
  const uint64_t row_words = (n_events + n_gates) * reliability::kGroupWords;
  const uint64_t per_thread = sizeof(reliability::GroupScratch) + row_words * sizeof(uint64_t);
  size_t free_bytes = 0, total_bytes = 0;
  detail::check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  const uint64_t fit = std::max<uint64_t>(block, free_bytes / 4 / per_thread);
  const uint64_t threads_wanted = std::min<uint64_t>(n_groups, fit);
  const unsigned grid = detail::grid_for(threads_wanted, block);
  const uint64_t threads = static_cast<uint64_t>(grid) * block;
  detail::DeviceBuffer<reliability::GroupScratch> scratch(threads);
  detail::DeviceBuffer<uint64_t> rows(threads * row_words);
  detail::DeviceBuffer<unsigned long long> failures(1);
  detail::DeviceBuffer<int> overflow(1);
  const unsigned long long zero = 0;
  const int no = 0;
  failures.upload(&zero);
  overflow.upload(&no);
  mc_kernel<<<grid, block>>>(g, d_bp.get(), key, g_first, n_groups, start, t1, scratch.get(),
                             rows.get(), failures.get(), overflow.get());
  detail::check_launch("mc_kernel");
  int overflowed = 0;
  overflow.download(&overflowed);
  if (overflowed)
    throw std::runtime_error(
        "reliability Monte Carlo: a group's sampling levels outgrew their scratch");
  unsigned long long out = 0;
  failures.download(&out);
  return static_cast<uint64_t>(out);
}

}  // namespace qsm::cuda
