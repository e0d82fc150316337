// Deterministic data parallelism for the CPU backend.
//
// parallel_for cuts [0, n) into chunks of a fixed `grain`; chunk k is always
// [k*grain, min((k+1)*grain, n)), whatever the thread count. Threads take chunks
// from an atomic counter, so the schedule varies but the work per chunk does not:
// a body that writes out[i] for the i of its chunk, or a reduction whose per-chunk
// partials are merged in chunk order (parallel_reduce), gives bit-identical results
// on 1 or 64 threads. Kernels must never derive randomness from the thread id.
//
// Threads are started per call (no pool): a call costs tens of microseconds, which
// kernels avoid for small inputs by choosing a grain >= n, and there is no state to
// survive fork() or interpreter shutdown.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace qsm {

// Upper bound on the threads one call starts, whatever the caller asks for.
inline constexpr int kMaxThreads = 1024;

// Threads to use when the caller says 0: $QSM_NUM_THREADS if it is a positive
// integer, else the hardware concurrency.
inline int default_threads() {
  if (const char* env = std::getenv("QSM_NUM_THREADS")) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v > 0 && v <= kMaxThreads) return static_cast<int>(v);
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

inline int resolve_threads(int threads) {
  return threads > 0 ? std::min(threads, kMaxThreads) : default_threads();
}

inline uint64_t chunk_count(uint64_t n, uint64_t grain) {
  return grain == 0 ? 0 : (n + grain - 1) / grain;
}

// Calls body(begin, end) once per chunk. The first exception thrown by a body
// stops the scheduling of further chunks and is rethrown to the caller.
template <class Body>
void parallel_for(uint64_t n, uint64_t grain, int threads, Body&& body) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  const uint64_t chunks = chunk_count(n, grain);
  const uint64_t workers =
      std::min<uint64_t>(static_cast<uint64_t>(resolve_threads(threads)), chunks);
  if (workers <= 1) {
    for (uint64_t c = 0; c < chunks; ++c) body(c * grain, std::min(n, (c + 1) * grain));
    return;
  }
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const uint64_t c = next.fetch_add(1, std::memory_order_relaxed);
      if (c >= chunks) return;
      try {
        body(c * grain, std::min(n, (c + 1) * grain));
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (uint64_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();  // the calling thread works too
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

// Reduction with a deterministic merge order: map(begin, end) -> T for every
// chunk, then the partials are folded left to right with merge(acc, part).
template <class T, class Map, class Merge>
T parallel_reduce(uint64_t n, uint64_t grain, int threads, T init, Map&& map, Merge&& merge) {
  if (n == 0) return init;
  if (grain == 0) grain = 1;
  std::vector<T> partial(chunk_count(n, grain), init);
  parallel_for(n, grain, threads,
               [&](uint64_t begin, uint64_t end) { partial[begin / grain] = map(begin, end); });
  T acc = init;
  for (const T& p : partial) merge(acc, p);
  return acc;
}

}  // namespace qsm
