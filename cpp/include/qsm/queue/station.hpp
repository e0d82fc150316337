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
#include "qsm/core/sample_batch.hpp"
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

// Interarrival and service variates in blocks of kDrawBlock, filled by the SIMD
// Philox sampler (sample_batch.hpp) with one distribution switch per block:
// the same draws as ScalarDraws, about twice as fast on the CPU.
class BatchedDraws {
 public:
  static constexpr uint64_t kDrawBlock = 256;  // a multiple of kPhiloxBatch

  BatchedDraws(const FifoModel& m, uint64_t key, PhiloxBatchFn batch_fn)
      : m_(m),
        key_(key),
        batch_fn_(batch_fn),
        fill_a_(filler(m.arrival.kind)),
        fill_s_(filler(m.service.kind)) {}

  void start(uint64_t rep) {
    lane_a_ = stream_lane(rep, kStreamArrival);
    lane_s_ = stream_lane(rep, kStreamService);
    base_a_ = base_s_ = end_a_ = end_s_ = 0;  // empty: the first call refills
  }

  QSM_FORCEINLINE double interarrival(uint64_t i) {
    if (i >= end_a_) refill(fill_a_, m_.arrival, lane_a_, i, base_a_, end_a_, buf_a_);
    return buf_a_[i - base_a_];
  }
  QSM_FORCEINLINE double service_time(uint64_t i) {
    if (i >= end_s_) refill(fill_s_, m_.service, lane_s_, i, base_s_, end_s_, buf_s_);
    return buf_s_[i - base_s_];
  }

 private:
  using FillFn = void (*)(const Dist&, uint64_t, uint64_t, uint32_t, double*, uint64_t, uint64_t,
                          PhiloxBatchFn);

  static FillFn filler(DistKind kind) {
    return dispatch_kind(kind, [](auto k) -> FillFn { return &sample_range<decltype(k)::value>; });
  }

  // Draws i, i+1, ... of `lane` into buf; indices only grow within a replication.
  void refill(FillFn fill, const Dist& d, uint32_t lane, uint64_t i, uint64_t& base, uint64_t& end,
              double* buf) {
    const uint64_t n = std::min(kDrawBlock, m_.customers - i);
    fill(d, key_, i, lane, buf, 0, n, batch_fn_);
    base = i;
    end = i + n;
  }

  const FifoModel& m_;
  uint64_t key_;
  PhiloxBatchFn batch_fn_;
  FillFn fill_a_, fill_s_;
  uint32_t lane_a_ = 0, lane_s_ = 0;
  uint64_t base_a_ = 0, base_s_ = 0, end_a_ = 0, end_s_ = 0;
  double buf_a_[kDrawBlock], buf_s_[kDrawBlock];
};

inline constexpr const char* kOverflowMessage =
    "more than 2**28 customers were in the system at once: the queue is unstable "
    "(utilization rho >= 1) or the run is too long";

class QueueOverflow : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `batched` picks the CPU's SIMD draw source; false runs ScalarDraws, the GPU
// thread's code path, which the tests hold to the same results.
inline void simulate_fifo(const FifoModel& m, uint64_t key, uint64_t first_rep, uint64_t reps,
                          double* rows, FifoTrace trace, int threads, bool batched = true) {
  const int width = row_width(m.nq);
  parallel_for(reps, replication_grain(reps, threads), threads, [&](uint64_t b, uint64_t e) {
    const size_t c = static_cast<size_t>(m.servers);
    std::vector<double> free_time(c);
    std::vector<int32_t> free_id(c);
    std::vector<uint64_t> hist(2 * static_cast<size_t>(kBuckets), 0);
    uint64_t cap = m.capacity != 0 ? m.capacity : std::min<uint64_t>(m.customers, 4096);
    std::vector<SysEntry> sys(static_cast<size_t>(std::max<uint64_t>(cap, 1)));
    BatchedDraws batch(m, key, philox_batch_fn());
    for (uint64_t r = b; r < e; ++r) {
      const FifoTrace t = r == 0 ? trace : FifoTrace{nullptr, nullptr, nullptr, nullptr};
      for (;;) {
        const FifoScratch s{free_time.data(), free_id.data(), sys.data(), sys.size(), hist.data()};
        int32_t status;
        if (batched) {
          batch.start(first_rep + r);
          status = run_fifo_replication(m, batch, s, rows + r * width, t);
        } else {
          ScalarDraws scalar(m, key, first_rep + r);
          status = run_fifo_replication(m, scalar, s, rows + r * width, t);
        }
        if (status == kFifoOk) break;
        if (sys.size() >= kMaxInSystem) throw QueueOverflow(kOverflowMessage);
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
