// qsmcore.hash64 on the GPU: the same xxh3_64 functions as the CPU, one thread
// per item.
#include "cuda/cuda_check.cuh"
#include "cuda/launch.hpp"
#include "qsm/core/hash.hpp"

namespace qsm::cuda {

namespace {

__global__ void hash_words_kernel(const uint64_t* words, uint64_t* out, uint64_t n, uint64_t seed) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  for (uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride)
    out[i] = xxh3_64_u64(words[i], seed);
}

__global__ void hash_packed_kernel(const uint8_t* data, const uint64_t* offsets, uint64_t* out,
                                   uint64_t n, uint64_t seed) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  for (uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride)
    out[i] = xxh3_64(data + offsets[i], offsets[i + 1] - offsets[i], seed);
}

}  // namespace

void hash_words(const uint64_t* words, uint64_t* out, uint64_t n, uint64_t seed) {
  if (n == 0) return;
  detail::DeviceBuffer<uint64_t> in(n), result(n);
  in.upload(words);
  constexpr unsigned block = 256;
  hash_words_kernel<<<detail::grid_for(n, block), block>>>(in.get(), result.get(), n, seed);
  detail::check_launch("hash_words_kernel");
  result.download(out);
}

void hash_packed(const uint8_t* data, uint64_t nbytes, const uint64_t* offsets, uint64_t n,
                 uint64_t* out, uint64_t seed) {
  if (n == 0) return;
  // One spare byte so an empty buffer still gets a valid device pointer.
  detail::DeviceBuffer<uint8_t> bytes(nbytes + 1);
  if (nbytes > 0)
    detail::check(cudaMemcpy(bytes.get(), data, nbytes, cudaMemcpyHostToDevice), "upload");
  detail::DeviceBuffer<uint64_t> offs(n + 1), result(n);
  offs.upload(offsets);
  constexpr unsigned block = 128;
  hash_packed_kernel<<<detail::grid_for(n, block), block>>>(bytes.get(), offs.get(), result.get(),
                                                            n, seed);
  detail::check_launch("hash_packed_kernel");
  result.download(out);
}

}  // namespace qsm::cuda
