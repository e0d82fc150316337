// Per-replication results of a queue simulation, shared by the single-station
// kernel (station.hpp), the network kernel (network.hpp) and their CUDA launchers.
//
// One replication of one station (or class, or the network end to end) fills one
// row of kNumFixedCols + 2 * nq doubles: the fixed columns below, then the wait
// quantiles and the response quantiles for the caller's nq probabilities. The
// Python layer turns R such rows into means with confidence intervals over the
// replications, so every column must be an unbiased (or consistent) estimate from
// one replication on its own.
#pragma once

#include <cstdint>

#include "qsm/core/config.hpp"
#include "qsm/queue/log_histogram.hpp"

namespace qsm::queue {

enum Col : int {
  kColArrivals = 0,  // arrivals in the observation window (after the warm-up)
  kColServed,        // of which admitted (served)
  kColBlocked,       // of which lost because the station was full (capacity K)
  kColWait,          // mean wait in queue Wq of the served
  kColResponse,      // mean response (sojourn) time W of the served
  kColProbWait,      // fraction of the served who waited (wait > 0)
  kColUtilization,   // time-average busy servers / servers over the window
  kColL,             // time-average number in system over the window
  kColLq,            // time-average number waiting over the window
  kColThroughput,    // served / window length
  kColBlocking,      // blocked / arrivals
  kColWindow,        // window length T1 - T0
  kNumFixedCols
};

QSM_HD constexpr int row_width(int nq) { return kNumFixedCols + 2 * nq; }

// Time integrals over the observation window [t0, t1], kept by the caller.
struct TimeIntegrals {
  double area_n = 0.0;     // integral of the number in system
  double area_q = 0.0;     // integral of the number waiting
  double area_busy = 0.0;  // integral of the number of busy servers
};

// Per-customer sums and the two histograms behind the quantiles.
struct CustomerStats {
  uint64_t arrivals = 0, served = 0, blocked = 0, waited = 0;
  double sum_wait = 0.0, sum_response = 0.0;
  LogHistogram wait, response;

  // Each histogram needs kBuckets counts of zeroed memory.
  QSM_HD CustomerStats(uint64_t* wait_counts, uint64_t* response_counts)
      : wait(wait_counts), response(response_counts) {}

  QSM_HD QSM_FORCEINLINE void add_served(double w, double r) {
    ++arrivals;
    ++served;
    waited += w > 0.0;
    sum_wait += w;
    sum_response += r;
    wait.add(w);
    response.add(r);
  }
  QSM_HD QSM_FORCEINLINE void add_blocked() {
    ++arrivals;
    ++blocked;
  }

  QSM_HD void clear() {
    arrivals = served = blocked = waited = 0;
    sum_wait = sum_response = 0.0;
    wait.clear();
    response.clear();
  }

  // Fills one row. `servers` scales utilization; `window` = t1 - t0.
  QSM_HD void write_row(const TimeIntegrals& t, double window, int servers, const double* ps,
                        int nq, double* row) const {
    const double nan = ::nan("");
    const double s = static_cast<double>(served);
    row[kColArrivals] = static_cast<double>(arrivals);
    row[kColServed] = s;
    row[kColBlocked] = static_cast<double>(blocked);
    row[kColWait] = served ? sum_wait / s : nan;
    row[kColResponse] = served ? sum_response / s : nan;
    row[kColProbWait] = served ? static_cast<double>(waited) / s : nan;
    const bool has_window = window > 0.0;
    row[kColUtilization] = has_window ? t.area_busy / (window * servers) : nan;
    row[kColL] = has_window ? t.area_n / window : nan;
    row[kColLq] = has_window ? t.area_q / window : nan;
    row[kColThroughput] = has_window ? s / window : nan;
    row[kColBlocking] =
        arrivals ? static_cast<double>(blocked) / static_cast<double>(arrivals) : nan;
    row[kColWindow] = window;
    wait.quantiles(ps, nq, row + kNumFixedCols);
    response.quantiles(ps, nq, row + kNumFixedCols + nq);
  }
};

// Length of the overlap of [a, b] with [t0, t1] (0 when they do not meet).
QSM_HD QSM_FORCEINLINE double overlap(double a, double b, double t0, double t1) {
  const double lo = a > t0 ? a : t0;
  const double hi = b < t1 ? b : t1;
  return hi > lo ? hi - lo : 0.0;
}

}  // namespace qsm::queue
