// HyperLogLog register updates on the GPU: the same register_index/register_rank
// as the CPU (qsm/sketch/hll.hpp), one thread per hash, atomicMax on a uint32
// copy of the registers (CUDA has no 8-bit atomicMax). Max is order-independent,
// so the registers are bit-identical to the CPU's.
#include "cuda/cuda_check.cuh"
#include "qsm/sketch/hll.hpp"

namespace qsm::cuda {

namespace {

__global__ void hll_update_kernel(unsigned* regs, const uint64_t* hashes, uint64_t n, int p) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  for (uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    const uint64_t h = hashes[i];
    const unsigned k = qsm::hll::register_rank(h, p);
    unsigned* slot = regs + qsm::hll::register_index(h, p);
    // Skip the atomic when the register is already as high: most items, soon.
    if (k > *slot) atomicMax(slot, k);
  }
}

__global__ void widen_kernel(const uint8_t* in, unsigned* out, uint64_t m) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < m) out[i] = in[i];
}

__global__ void narrow_kernel(const unsigned* in, uint8_t* out, uint64_t m) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < m) out[i] = static_cast<uint8_t>(in[i]);
}

}  // namespace

void hll_update(uint8_t* registers, int p, const uint64_t* hashes, uint64_t n) {
  if (n == 0) return;
  const uint64_t m = uint64_t{1} << p;
  detail::DeviceBuffer<uint8_t> bytes(m);
  detail::DeviceBuffer<unsigned> wide(m);
  detail::DeviceBuffer<uint64_t> in(n);
  bytes.upload(registers);
  in.upload(hashes);
  constexpr unsigned block = 256;
  const unsigned reg_grid = static_cast<unsigned>((m + block - 1) / block);
  widen_kernel<<<reg_grid, block>>>(bytes.get(), wide.get(), m);
  detail::check_launch("hll widen_kernel");
  hll_update_kernel<<<detail::grid_for(n, block), block>>>(wide.get(), in.get(), n, p);
  detail::check_launch("hll_update_kernel");
  narrow_kernel<<<reg_grid, block>>>(wide.get(), bytes.get(), m);
  detail::check_launch("hll narrow_kernel");
  bytes.download(registers);
}

}  // namespace qsm::cuda
