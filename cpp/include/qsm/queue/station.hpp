// CPU drivers of the single-station simulators: replications in parallel, one
// row (or one row per group) per replication, scratch memory per worker reused
// across its replications. Replication r of a call is replication
// first_rep + r of the experiment, so results do not depend on the thread
// count and calls over consecutive ranges concatenate exactly.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "qsm/core/parallel.hpp"
#include "qsm/queue/station_fifo.hpp"
#include "qsm/queue/station_priority.hpp"

namespace qsm::queue {

// Replications per scheduling chunk: several per thread for balance, and at
// least one; the grain changes only the schedule, never a result.
inline uint64_t replication_grain(uint64_t reps, int threads) {
  const uint64_t t = static_cast<uint64_t>(resolve_threads(threads));
  return std::max<uint64_t>(1, reps / (4 * t));
}

// In-system capacity for the FIFO recursion: bounded by K when there is one,
// else grown on demand (doubling, rerunning the replication) up to this limit,
// past which the queue is unstable in all but name.
inline constexpr uint64_t kMaxInSystem = uint64_t{1} << 28;

class QueueOverflow : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline void simulate_fifo(const FifoModel& m, uint64_t key, uint64_t first_rep, uint64_t reps,
                          double* rows, FifoTrace trace, int threads) {
  const int width = row_width(m.nq);
  parallel_for(reps, replication_grain(reps, threads), threads, [&](uint64_t b, uint64_t e) {
    const size_t c = static_cast<size_t>(m.servers);
    std::vector<double> free_time(c);
    std::vector<int32_t> free_id(c);
    std::vector<uint64_t> hist(2 * static_cast<size_t>(kBuckets), 0);
    uint64_t cap = m.capacity != 0 ? m.capacity : std::min<uint64_t>(m.customers, 4096);
    std::vector<SysEntry> sys(static_cast<size_t>(std::max<uint64_t>(cap, 1)));
    for (uint64_t r = b; r < e; ++r) {
      const FifoTrace t = r == 0 ? trace : FifoTrace{nullptr, nullptr, nullptr, nullptr};
      for (;;) {
        const FifoScratch s{free_time.data(), free_id.data(), sys.data(), sys.size(), hist.data()};
        if (run_fifo_replication(m, key, first_rep + r, s, rows + r * width, t) == kFifoOk) break;
        if (sys.size() >= kMaxInSystem)
          throw QueueOverflow(
              "more than 2**28 customers were in the system at once: the queue "
              "is unstable (utilization rho >= 1) or the run is too long");
        sys.resize(std::min<size_t>(2 * sys.size(), kMaxInSystem));
      }
    }
  });
}

inline void simulate_priority(const PriorityModel& m, uint64_t key, uint64_t first_rep,
                              uint64_t reps, double* rows, PriorityTrace trace, int threads) {
  const size_t stride = static_cast<size_t>(priority_groups(m.classes)) * row_width(m.nq);
  parallel_for(reps, replication_grain(reps, threads), threads, [&](uint64_t b, uint64_t e) {
    PriorityStation station(m);
    for (uint64_t r = b; r < e; ++r) {
      const PriorityTrace t =
          r == 0 ? trace : PriorityTrace{nullptr, nullptr, nullptr, nullptr, nullptr};
      station.run(key, first_rep + r, rows + r * stride, t);
    }
  });
}

}  // namespace qsm::queue
