// Run-time choice of instruction set for the CPU kernels that have an AVX2 path.
//
// The build targets the baseline ISA (portable wheels); hot loops are compiled a
// second time with __attribute__((target("avx2"))) and picked here once per
// process. QSM_SIMD=baseline forces the baseline paths, which is how the tests
// check that both give identical results.
#pragma once

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QSM_X86_DISPATCH 1
#else
#define QSM_X86_DISPATCH 0
#endif

namespace qsm {

// QSM_SIMD=baseline: every dispatched kernel takes its portable path.
inline bool simd_forced_baseline() {
  const char* env = std::getenv("QSM_SIMD");
  return env != nullptr && std::strcmp(env, "baseline") == 0;
}

inline bool use_avx2() {
#if QSM_X86_DISPATCH
  static const bool enabled =
      !simd_forced_baseline() && static_cast<bool>(__builtin_cpu_supports("avx2"));
  return enabled;
#else
  return false;
#endif
}

// BMI2 pdep, BMI1 andn and POPCNT for the reliability sampler.
inline bool use_bmi2() {
#if QSM_X86_DISPATCH
  static const bool enabled = !simd_forced_baseline() && __builtin_cpu_supports("bmi") &&
                              __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  return enabled;
#else
  return false;
#endif
}

// What the dispatched kernels use, for `qsm info`.
inline const char* dispatch_isa() {
#if QSM_X86_DISPATCH
  return use_avx2() ? "avx2" : "sse2";
#else
  return "baseline";
#endif
}

}  // namespace qsm
