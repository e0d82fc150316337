// The CUDA backend's host interface: plain C++ (no CUDA types), so the pybind11
// glue in bindings/cuda_module.cpp compiles with the host compiler. Inputs and
// outputs are host pointers; each call copies in, launches, and copies out.
// Errors are thrown as std::runtime_error carrying CUDA's message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qsm/core/distributions.hpp"

namespace qsm::cuda {

struct DeviceInfo {
  int index;
  std::string name;
  int compute_major, compute_minor;
  uint64_t total_memory;
  int multiprocessors;
};

// Number of usable devices; 0 with `error` set when there are none (no driver, ...).
int device_count(std::string& error);
std::vector<DeviceInfo> devices();
int runtime_version();
int driver_version();  // 0 when no driver is installed

// qsmcore.random.sample on the GPU: same streams as qsm::sample_into.
void sample(const Dist& d, uint64_t key, uint64_t start, uint32_t lane, double* out, uint64_t n);

// xxh3_64 of 64-bit words (see qsm::hash_word) and of packed byte strings.
void hash_words(const uint64_t* words, uint64_t* out, uint64_t n, uint64_t seed);
void hash_packed(const uint8_t* data, uint64_t nbytes, const uint64_t* offsets, uint64_t n,
                 uint64_t* out, uint64_t seed);

}  // namespace qsm::cuda
