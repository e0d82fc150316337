// The Philox streams of a queue simulation (see docs/determinism.md).
//
// Replication r draws on lanes (r << 8) | purpose, so replications never share
// a counter and replication r is the same whichever call, thread or device runs
// it: running replications 0..999 at once equals running 0..499 and 500..999
// and concatenating (split invariance). Inside a lane, the draw index is
// (unit << 40) | k: the k-th draw for class or node `unit`. For one class the
// index is just k, so the interarrival times of replication 0 are exactly
// qsmcore.random.sample(arrival, n, seed).
#pragma once

#include <cstdint>

#include "qsm/core/config.hpp"

namespace qsm::queue {

enum Stream : uint32_t {
  kStreamArrival = 0,  // interarrival times (per class / per entry node)
  kStreamService = 1,  // service times (per class / per node)
  kStreamRouting = 2,  // routing choices after service (networks)
};

inline constexpr uint64_t kMaxReplications = uint64_t{1} << 24;
inline constexpr uint64_t kMaxUnits = uint64_t{1} << 24;  // classes or nodes
inline constexpr uint64_t kMaxDrawsPerUnit = uint64_t{1} << 40;

QSM_HD QSM_FORCEINLINE uint32_t stream_lane(uint64_t replication, Stream s) {
  return (static_cast<uint32_t>(replication) << 8) | static_cast<uint32_t>(s);
}

QSM_HD QSM_FORCEINLINE uint64_t stream_index(uint64_t unit, uint64_t k) { return (unit << 40) | k; }

}  // namespace qsm::queue
