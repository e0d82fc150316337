// Count-Min plain update on the GPU: one thread per (item, row), atomicAdd on
// the 64-bit counter. Integer addition commutes, so the counters equal the CPU
// backend's bit for bit; the column comes from the same qsm::cms::row_index.
#include <vector>

#include "cuda/cuda_check.cuh"
#include "qsm/sketch/countmin.hpp"

namespace qsm::cuda {

namespace {

__global__ void cms_update_kernel(unsigned long long* table, uint64_t width, uint32_t depth,
                                  const qsm::cms::RowHash* rows, const uint64_t* hashes,
                                  const uint64_t* counts, uint64_t n) {
  const uint64_t total = n * depth;
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  for (uint64_t t = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < total;
       t += stride) {
    // Consecutive threads take consecutive items of one row: coalesced hash loads.
    const uint64_t r = t / n, i = t - r * n;
    const uint64_t col = qsm::cms::row_index(rows[r], hashes[i], width);
    const unsigned long long c = counts == nullptr ? 1ull : counts[i];
    atomicAdd(table + r * width + col, c);
  }
}

}  // namespace

// Adds the batch to `table` (host memory, depth x width, row-major) in place.
void cms_update(uint64_t* table, uint64_t width, uint32_t depth, uint64_t seed,
                const uint64_t* hashes, const uint64_t* counts, uint64_t n) {
  if (n == 0) return;
  const std::vector<qsm::cms::RowHash> rows = qsm::cms::row_hashes(seed, depth);
  detail::DeviceBuffer<uint64_t> d_table(width * depth), d_hash(n);
  detail::DeviceBuffer<uint64_t> d_count(counts == nullptr ? 0 : n);
  detail::DeviceBuffer<qsm::cms::RowHash> d_rows(depth);
  d_table.upload(table);
  d_hash.upload(hashes);
  if (counts != nullptr) d_count.upload(counts);
  d_rows.upload(rows.data());
  constexpr unsigned block = 256;
  cms_update_kernel<<<detail::grid_for(n * depth, block), block>>>(
      reinterpret_cast<unsigned long long*>(d_table.get()), width, depth, d_rows.get(),
      d_hash.get(), counts == nullptr ? nullptr : d_count.get(), n);
  detail::check_launch("cms_update_kernel");
  d_table.download(table);
}

}  // namespace qsm::cuda
