// qsmcore.random.sample on the GPU: one thread per draw, the same DrawRng
// counters and the same QSM_HD samplers as the CPU loop in sample_batch.hpp.
#include "cuda/cuda_check.cuh"
#include "cuda/launch.hpp"
#include "qsm/core/distributions.hpp"
#include "qsm/core/philox.hpp"

namespace qsm::cuda {

namespace {

template <DistKind K>
__global__ void sample_kernel(Dist d, uint64_t key, uint64_t start, uint32_t lane, double* out,
                              uint64_t n) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  for (uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    DrawRng rng(key, start + i, lane);
    out[i] = sample_as<K>(d, rng);
  }
}

}  // namespace

void sample(const Dist& d, uint64_t key, uint64_t start, uint32_t lane, double* out, uint64_t n) {
  if (n == 0) return;
  Dist dev = d;
  detail::DeviceBuffer<double> data(d.kind == DistKind::Empirical ? d.n_data : 0);
  if (d.kind == DistKind::Empirical) {
    data.upload(d.data);
    dev.data = data.get();
  }
  detail::DeviceBuffer<double> result(n);
  constexpr unsigned block = 256;
  dispatch_kind(d.kind, [&](auto kind) {
    constexpr DistKind K = decltype(kind)::value;
    sample_kernel<K><<<detail::grid_for(n, block), block>>>(dev, key, start, lane, result.get(), n);
  });
  detail::check_launch("sample_kernel");
  result.download(out);
}

}  // namespace qsm::cuda
