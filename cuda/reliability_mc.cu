// qsmcore.reliability.monte_carlo on the GPU (naive estimator): one thread per block
// of 64 trials, running the same QSM_HD path as the CPU (mc_program.hpp:
// block_failed_word — event words from the streams DrawRng(key, block, event), then
// the gates), so the failure count equals the CPU's for the same seed and range.
// Each thread needs n_events + n_gates words of scratch; blocks run in batches sized
// to the scratch.
#include <algorithm>
#include <vector>

#include "cuda/cuda_check.cuh"
#include "qsm/reliability/mc_program.hpp"

namespace qsm::cuda {

namespace {

using reliability::BernoulliP;
using reliability::ProgramView;

__global__ void mc_kernel(ProgramView g, const BernoulliP* bp, uint64_t key, uint64_t b_first,
                          uint64_t n_blocks, uint64_t t0, uint64_t t1, uint64_t* scratch,
                          unsigned long long* failures) {
  const uint64_t words = static_cast<uint64_t>(g.n_events + g.n_gates);
  const uint64_t id = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  uint64_t* vals = scratch + id * words;  // this thread's row, reused along the loop
  unsigned long long mine = 0;
  for (uint64_t t = id; t < n_blocks; t += stride) {
    const uint64_t b = b_first + t;
    const uint64_t w = reliability::block_failed_word(g, bp, key, b, vals);
    mine += static_cast<unsigned long long>(__popcll(w & reliability::lane_mask(b, t0, t1)));
  }
  if (mine) atomicAdd(failures, mine);
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
  const uint64_t b_first = start >> 6, n_blocks = ((t1 + 63) >> 6) - b_first;
  const unsigned block = 128;
  const unsigned grid = detail::grid_for(n_blocks, block);
  // Scratch: one row of words per resident thread (the grid-stride loop reuses rows).
  const uint64_t threads = static_cast<uint64_t>(grid) * block;
  const uint64_t words = n_events + n_gates;
  detail::DeviceBuffer<uint64_t> scratch(threads * words);
  detail::DeviceBuffer<unsigned long long> failures(1);
  const unsigned long long zero = 0;
  failures.upload(&zero);
  mc_kernel<<<grid, block>>>(g, d_bp.get(), key, b_first, n_blocks, start, t1, scratch.get(),
                             failures.get());
  detail::check_launch("mc_kernel");
  unsigned long long out = 0;
  failures.download(&out);
  return static_cast<uint64_t>(out);
}

}  // namespace qsm::cuda
