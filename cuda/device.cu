// Device discovery for qsmcore.backends() and `qsm info`.
#include <cuda_runtime.h>

#include "cuda/cuda_check.cuh"
#include "cuda/launch.hpp"

namespace qsm::cuda {

int device_count(std::string& error) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    int driver = 0;
    cudaDriverGetVersion(&driver);
    error = driver == 0 ? "no NVIDIA driver is installed (libcuda.so not found)"
                        : cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky error so later calls start clean
    return 0;
  }
  if (count == 0) error = "the CUDA driver reports no devices";
  return count;
}

std::vector<DeviceInfo> devices() {
  std::string error;
  const int count = device_count(error);
  std::vector<DeviceInfo> out;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp p{};
    detail::check(cudaGetDeviceProperties(&p, i), "cudaGetDeviceProperties");
    out.push_back(DeviceInfo{i, p.name, p.major, p.minor, static_cast<uint64_t>(p.totalGlobalMem),
                             p.multiProcessorCount});
  }
  return out;
}

int runtime_version() {
  int v = 0;
  cudaRuntimeGetVersion(&v);
  return v;
}

int driver_version() {
  int v = 0;
  if (cudaDriverGetVersion(&v) != cudaSuccess) return 0;
  return v;
}

}  // namespace qsm::cuda
