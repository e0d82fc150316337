// qsmcore.reliability.monte_carlo on the GPU (naive estimator). The groups of
// kGroupWords 64-trial blocks are processed in chunks, each in two launches over the
// chunk's group rows (mc_program.hpp's layout: node x's word of block j at
// rows[x * kGroupWords + j]):
//   1. sample: one thread per (event, group) runs the steps of sample_event_row (the
//      CPU's scalar path for that stream: group_levels_down, then group_levels_up)
//      into the event's row;
//   2. gates: one thread per (group, block) runs block_failures on its column, and
//      each warp adds its failures once.
// Threads of a warp sample the same event (same p), so their level loops stay in
// step; the gate threads of a warp read adjacent words of each row. Both kernels are
// grid-stride loops (grid_for caps the grid). The failure count equals the CPU's for
// the same seed and range (tests/test_reliability_mc_cuda.py).
#include <algorithm>
#include <vector>

#include "cuda/cuda_check.cuh"
#include "qsm/reliability/mc_program.hpp"

namespace qsm::cuda {

namespace {

using reliability::BernoulliP;
using reliability::kGroupWords;
using reliability::ProgramView;

// Row bytes a chunk may use: large enough that a launch has work for every SM,
// small enough to leave the device's memory to others.
constexpr uint64_t kChunkBytes = uint64_t{1} << 30;

// The loop runs the same number of times on every lane of a warp (it steps by warps),
// so every lane reaches the __syncwarp between a row's way down and its way up: the
// lanes' descents end at different levels, and without it each subset of lanes would
// run the whole way up on its own (measured: 4 of 32 lanes active on average).
__global__ void sample_kernel(const BernoulliP* bp, int64_t n_events, int64_t nodes, uint64_t key,
                              uint64_t g_first, uint64_t n_groups, uint64_t* rows, int* overflow) {
  const uint64_t n = n_groups * static_cast<uint64_t>(n_events);
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;  // a multiple of 32
  const unsigned lane = threadIdx.x & 31;
  reliability::GroupScratch scratch;  // local memory, interleaved across the warp
  for (uint64_t warp = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x - lane;
       warp < n; warp += stride) {
    const uint64_t id = warp + lane;
    const uint64_t i = id < n ? id / n_groups : 0, t = id < n ? id % n_groups : 0;
    const BernoulliP p = bp[i];
    const bool random = id < n && p.kind == 2;
    bool fits = true;
    if (random) {
      reliability::PairedDrawRng src(key, g_first + t, static_cast<uint32_t>(i));
      fits = reliability::group_levels_down(p, src, scratch);
    }
    __syncwarp();
    const int deepest = __reduce_max_sync(0xffffffffu, random && fits ? scratch.levels : 0);
    uint64_t* row = rows + (t * static_cast<uint64_t>(nodes) + i) * kGroupWords;
    if (!fits) {
      atomicExch(overflow, 1);
    } else if (random) {
      reliability::group_levels_up(scratch, reliability::DepositPortable{}, row, deepest - 1);
    } else if (id < n) {
      reliability::constant_group(p, row);
    }
  }
}

__global__ void gates_kernel(ProgramView g, uint64_t g_first, uint64_t n_groups, uint64_t t0,
                             uint64_t t1, uint64_t* rows, unsigned long long* failures) {
  const uint64_t n = n_groups * kGroupWords;
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  uint64_t mine = 0;
  for (uint64_t id = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; id < n;
       id += stride) {
    const uint64_t t = id / kGroupWords, j = id % kGroupWords;
    const uint64_t range = reliability::lane_mask((g_first + t) * kGroupWords + j, t0, t1);
    uint64_t* col = rows + t * static_cast<uint64_t>(g.nodes()) * kGroupWords + j;
    if (range != 0) mine += reliability::block_failures(g, col, range);
  }
  // Every thread of the grid gets here: one atomic per warp.
  for (int d = 16; d > 0; d /= 2) mine += __shfl_down_sync(0xffffffffu, mine, d);
  if ((threadIdx.x & 31) == 0 && mine != 0)
    atomicAdd(failures, static_cast<unsigned long long>(mine));
}

}  // namespace

uint64_t reliability_mc_failures(const ProgramView& host, const double* p, uint64_t key,
                                 uint64_t start, uint64_t trials) {
  if (trials == 0) return 0;
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
  const uint64_t g_first = (start >> 6) / kGroupWords;
  const uint64_t n_groups = ((t1 - 1) >> 6) / kGroupWords + 1 - g_first;
  const uint64_t group_bytes = (n_events + n_gates) * kGroupWords * sizeof(uint64_t);
  size_t free_bytes = 0, total_bytes = 0;
  detail::check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  const uint64_t budget = std::min<uint64_t>(kChunkBytes, free_bytes / 4);
  const uint64_t chunk = std::clamp<uint64_t>(budget / group_bytes, 1, n_groups);
  detail::DeviceBuffer<uint64_t> rows(chunk * group_bytes / sizeof(uint64_t));
  detail::DeviceBuffer<unsigned long long> failures(1);
  detail::DeviceBuffer<int> overflow(1);
  const unsigned long long zero = 0;
  const int no = 0;
  failures.upload(&zero);
  overflow.upload(&no);
  const unsigned block = 128;
  for (uint64_t c = 0; c < n_groups; c += chunk) {
    const uint64_t groups = std::min(chunk, n_groups - c);
    if (n_events != 0) {
      sample_kernel<<<detail::grid_for(groups * n_events, block), block>>>(
          d_bp.get(), host.n_events, host.nodes(), key, g_first + c, groups, rows.get(),
          overflow.get());
      detail::check_launch("sample_kernel");
    }
    gates_kernel<<<detail::grid_for(groups * kGroupWords, block), block>>>(
        g, g_first + c, groups, start, t1, rows.get(), failures.get());
    detail::check_launch("gates_kernel");
  }
  int overflowed = 0;
  overflow.download(&overflowed);
  if (overflowed) reliability::group_scratch_exceeded();
  unsigned long long out = 0;
  failures.download(&out);
  return static_cast<uint64_t>(out);
}

}  // namespace qsm::cuda
