// Portability macros shared by every kernel.
//
// QSM_HD marks a function that must compile for both the host and the device:
// per-element work (one hash, one variate, one replication) is written once as
// a QSM_HD inline function, looped over by parallel_for on the CPU and launched
// by a kernel in cuda/. Outside nvcc it expands to nothing.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define QSM_HD __host__ __device__
#define QSM_FORCEINLINE __forceinline__
#else
#define QSM_HD
#if defined(__GNUC__) || defined(__clang__)
#define QSM_FORCEINLINE inline __attribute__((always_inline))
#else
#define QSM_FORCEINLINE inline
#endif
#endif

// True while compiling device code (the nvcc device pass), false on the host.
#if defined(__CUDA_ARCH__)
#define QSM_DEVICE_PASS 1
#else
#define QSM_DEVICE_PASS 0
#endif

// QSM_UNROLL(n): unroll the next loop n times where the compiler takes the hint (GCC,
// clang); nothing under nvcc, whose front end rejects GCC's spelling and whose device
// compiler unrolls on its own.
#define QSM_PRAGMA(x) _Pragma(#x)
#if defined(__CUDACC__)
#define QSM_UNROLL(n)
#elif defined(__clang__)
#define QSM_UNROLL(n) QSM_PRAGMA(unroll n)
#elif defined(__GNUC__)
#define QSM_UNROLL(n) QSM_PRAGMA(GCC unroll n)
#else
#define QSM_UNROLL(n)
#endif

namespace qsm {

// 32x32 -> 64-bit product split into its high and low halves.
QSM_HD QSM_FORCEINLINE void mulhilo32(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
#if QSM_DEVICE_PASS
  hi = __umulhi(a, b);
  lo = a * b;
#else
  const uint64_t p = static_cast<uint64_t>(a) * b;
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
#endif
}

// 64x64 -> 128-bit product folded to 64 bits (high xor low), as xxHash's mul128_fold64.
QSM_HD QSM_FORCEINLINE uint64_t mul128_fold64(uint64_t a, uint64_t b) {
#if QSM_DEVICE_PASS
  return __umul64hi(a, b) ^ (a * b);
#else
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(p >> 64) ^ static_cast<uint64_t>(p);
#endif
}

}  // namespace qsm
