// Build and machine facts for qsmcore.backends() and `qsm info`.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <thread>
#include <vector>

#include "build_info.hpp"
#include "qsm/core/cpu_dispatch.hpp"
#include "qsm/core/parallel.hpp"

namespace py = pybind11;

namespace {

// Instruction sets the compiler was allowed to use for this build.
std::vector<std::string> simd_compiled() {
  std::vector<std::string> s;
#if defined(__SSE2__)
  s.emplace_back("sse2");
#endif
#if defined(__SSE4_2__)
  s.emplace_back("sse4.2");
#endif
#if defined(__AVX__)
  s.emplace_back("avx");
#endif
#if defined(__AVX2__)
  s.emplace_back("avx2");
#endif
#if defined(__FMA__)
  s.emplace_back("fma");
#endif
#if defined(__AVX512F__)
  s.emplace_back("avx512f");
#endif
#if defined(__ARM_NEON)
  s.emplace_back("neon");
#endif
  return s;
}

// Instruction sets this CPU offers at run time.
std::vector<std::string> cpu_features() {
  std::vector<std::string> s;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2")) s.emplace_back("sse4.2");
  if (__builtin_cpu_supports("avx")) s.emplace_back("avx");
  if (__builtin_cpu_supports("avx2")) s.emplace_back("avx2");
  if (__builtin_cpu_supports("fma")) s.emplace_back("fma");
  if (__builtin_cpu_supports("bmi2")) s.emplace_back("bmi2");
  if (__builtin_cpu_supports("avx512f")) s.emplace_back("avx512f");
  if (__builtin_cpu_supports("avx512dq")) s.emplace_back("avx512dq");
#elif defined(__ARM_NEON)
  s.emplace_back("neon");
#endif
  return s;
}

}  // namespace

void register_info(py::module_& m) {
  m.def("build_info", [] {
    py::dict d;
    d["version"] = qsm::build::kVersion;
    d["build_type"] = qsm::build::kBuildType;
    d["compiler"] = qsm::build::kCxxCompiler;
    d["flags"] = qsm::build::kCxxFlags;
    d["simd_compiled"] = simd_compiled();
    d["cpu_features"] = cpu_features();
    // The instruction set the runtime-dispatched kernels (Philox batches, hashing) use.
    d["simd_dispatch"] = qsm::dispatch_isa();
    d["hardware_threads"] = std::thread::hardware_concurrency();
    d["default_threads"] = qsm::default_threads();
    d["cuda_built"] = qsm::build::kCudaBuilt;
    d["cuda_version"] = qsm::build::kCudaVersion;
    d["cuda_architectures"] = qsm::build::kCudaArchitectures;
    return d;
  });
  m.def("default_threads", &qsm::default_threads,
        "Threads used when threads=None: $QSM_NUM_THREADS or the hardware concurrency.");
}
