// One replication of a G/G/c FIFO station (optional capacity K) by the
// Kiefer–Wolfowitz recursion: customer i arrives at a_i, takes the server that
// frees first, starts at s_i = max(a_i, f_min) and leaves at d_i = s_i + S_i.
// For c = 1 this is Lindley's W_{i+1} = max(0, W_i + S_i - A_{i+1}). No event
// list: O(1) work per customer for one server, O(log c) for c servers.
//
// Time averages (L, Lq, utilization) are exact integrals over the window
// [T0, T1], T0 = arrival of the first measured customer (number `warmup`),
// T1 = arrival of the last. Each customer adds its whole stay after T0 as it is
// admitted; the customers still present at T0 (warm-up stragglers) and at T1
// (the part beyond the window) are corrected from the in-system set, which the
// capacity check needs anyway. For one server departures leave in arrival
// order, so that set is a ring buffer; for c servers it is a min-heap on the
// departure time.
//
// Everything lives in caller memory so the same QSM_HD code is the CPU
// replication (parallel_for over replications) and the GPU thread. Variates
// come from a `Draws` source: customer i's interarrival time is draw i of lane
// (rep, arrival), its service time draw i of lane (rep, service), whether the
// source draws them one at a time (ScalarDraws, the GPU) or in SIMD batches
// (the CPU's BatchedDraws in station.hpp) — the same numbers either way.
#pragma once

#include <cstdint>

#include "qsm/core/config.hpp"
#include "qsm/core/distributions.hpp"
#include "qsm/core/philox.hpp"
#include "qsm/queue/metrics.hpp"
#include "qsm/queue/streams.hpp"

namespace qsm::queue {

struct FifoModel {
  Dist arrival, service;  // interarrival and service laws
  int32_t servers;        // c >= 1
  uint64_t capacity;      // K >= c, or 0 for no limit
  uint64_t customers;     // arrivals per replication
  uint64_t warmup;        // first measured customer (< customers - 1)
  const double* ps;       // quantile probabilities, increasing
  int32_t nq;
};

struct SysEntry {
  double dep, start;
};

// Per-replication scratch: `free_time`/`free_id` hold c entries, `sys` sys_cap
// entries, `hist` 2 * kBuckets zeroed counts (left zeroed on return).
struct FifoScratch {
  double* free_time;
  int32_t* free_id;
  SysEntry* sys;
  uint64_t sys_cap;
  uint64_t* hist;
};

// Optional per-customer output of one replication (all pointers null for none).
struct FifoTrace {
  double* arrival;
  double* start;
  double* departure;
  int32_t* server;
};

// Up to this many servers a linear scan finds the first free one faster than a heap.
inline constexpr int32_t kScanServers = 16;

enum FifoStatus : int32_t { kFifoOk = 0, kFifoOverflow = 1 };

// One variate per call from the scalar DrawRng: the device path.
struct ScalarDraws {
  const Dist* arrival;
  const Dist* service;
  uint64_t key;
  uint32_t lane_a, lane_s;

  QSM_HD ScalarDraws(const FifoModel& m, uint64_t k, uint64_t rep)
      : arrival(&m.arrival),
        service(&m.service),
        key(k),
        lane_a(stream_lane(rep, kStreamArrival)),
        lane_s(stream_lane(rep, kStreamService)) {}

  QSM_HD QSM_FORCEINLINE double interarrival(uint64_t i) {
    DrawRng rng(key, i, lane_a);
    return sample(*arrival, rng);
  }
  QSM_HD QSM_FORCEINLINE double service_time(uint64_t i) {
    DrawRng rng(key, i, lane_s);
    return sample(*service, rng);
  }
};

namespace fifo_detail {

// Min-heap on (time, id): the server that frees first, the lowest id on ties.
QSM_HD QSM_FORCEINLINE bool server_before(double ta, int32_t ia, double tb, int32_t ib) {
  return ta < tb || (ta == tb && ia < ib);
}

QSM_HD inline void server_replace_top(double* t, int32_t* id, int32_t n, double nt, int32_t nid) {
  int32_t i = 0;
  for (;;) {
    int32_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && server_before(t[c + 1], id[c + 1], t[c], id[c])) ++c;
    if (!server_before(t[c], id[c], nt, nid)) break;
    t[i] = t[c];
    id[i] = id[c];
    i = c;
  }
  t[i] = nt;
  id[i] = nid;
}

QSM_HD inline void sys_heap_push(SysEntry* h, uint64_t& n, SysEntry e) {
  uint64_t i = n++;
  while (i > 0) {
    const uint64_t p = (i - 1) / 2;
    if (!(e.dep < h[p].dep)) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = e;
}

QSM_HD inline void sys_heap_pop(SysEntry* h, uint64_t& n) {
  const SysEntry last = h[--n];
  uint64_t i = 0;
  for (;;) {
    uint64_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && h[c + 1].dep < h[c].dep) ++c;
    if (!(h[c].dep < last.dep)) break;
    h[i] = h[c];
    i = c;
  }
  if (n > 0) h[i] = last;
}

// Adds sign * (the part after time t) of one customer's stay, wait and service.
QSM_HD QSM_FORCEINLINE void add_after(const SysEntry& e, double t, double sign, TimeIntegrals& ti) {
  if (!(e.dep > t)) return;
  ti.area_n += sign * (e.dep - t);
  ti.area_q += sign * (e.start > t ? e.start - t : 0.0);
  ti.area_busy += sign * (e.dep - (e.start > t ? e.start : t));
}

// add_after for every customer before `n` (the first n customers; the ring holds
// the last sys_cap of them ending just before `pos`) still present at time t.
// Starts never decrease in FIFO, and dep <= start + longest, so the scan back
// stops at the first customer with start + longest <= t (for one server,
// departures increase too: at the first dep <= t). False when the ring is too
// short to reach that customer.
QSM_HD inline bool window_tail(const FifoScratch& s, uint64_t pos, uint64_t n, bool one_server,
                               double longest, double t, double sign, TimeIntegrals& ti) {
  const uint64_t held = n < s.sys_cap ? n : s.sys_cap;
  for (uint64_t k = 0; k < held; ++k) {
    pos = pos == 0 ? s.sys_cap - 1 : pos - 1;
    const SysEntry& e = s.sys[pos];
    if (one_server ? !(e.dep > t) : e.start + longest <= t) return true;
    add_after(e, t, sign, ti);
  }
  return held == n;  // all customers seen, or the ring ended too early
}

}  // namespace fifo_detail

// Runs replication `rep` and writes its row (row_width(m.nq) doubles).
// Returns kFifoOverflow, with nothing written, when more than sys_cap customers
// were in the system at once; the caller may retry with more room.
template <class Draws>
QSM_HD inline int32_t run_fifo_replication(const FifoModel& m, Draws& draws, FifoScratch s,
                                           double* row, FifoTrace trace) {
  using namespace fifo_detail;
  const int32_t c = m.servers;
  for (int32_t j = 0; j < c; ++j) {
    s.free_time[j] = 0.0;
    s.free_id[j] = j;
  }
  CustomerStats stats(s.hist, s.hist + kBuckets);
  TimeIntegrals ti;
  // Who is in the system matters only for the capacity check and for the two
  // window corrections. With a capacity it is kept exactly: a ring in arrival
  // order for one server (its departures increase, so popping the front is
  // exact), a min-heap on departures for c > 1. Without one the station only
  // writes (dep, start) of the last sys_cap customers into a ring, no popping,
  // and the corrections scan it backwards (window_tail below).
  const bool history = m.capacity == 0;
  const bool ring = !history && c == 1;
  const bool scan = c <= kScanServers;  // else the server heap
  uint64_t head = 0, count = 0, pos = 0;
  double a = 0.0, t0 = 0.0, longest = 0.0;  // longest service so far
  int32_t status = kFifoOk;

  for (uint64_t i = 0; i < m.customers; ++i) {
    a += draws.interarrival(i);
    if (ring) {
      while (count > 0 && s.sys[head].dep <= a) {
        head = head + 1 == s.sys_cap ? 0 : head + 1;
        --count;
      }
    } else if (!history) {
      while (count > 0 && s.sys[0].dep <= a) sys_heap_pop(s.sys, count);
    }
    const bool measured = i >= m.warmup;
    if (i == m.warmup) {  // the window opens: count the stay after T0 of those present
      t0 = a;
      if (history) {
        if (!window_tail(s, pos, i, c == 1, longest, t0, +1.0, ti)) {
          status = kFifoOverflow;
          break;
        }
      } else {
        for (uint64_t k = 0; k < count; ++k)
          add_after(s.sys[ring ? (head + k) % s.sys_cap : k], t0, +1.0, ti);
      }
    }
    if (m.capacity != 0 && count >= m.capacity) {
      if (measured) stats.add_blocked();
      if (trace.arrival) {
        trace.arrival[i] = a;
        trace.start[i] = trace.departure[i] = ::nan("");
        trace.server[i] = -1;
      }
      continue;
    }
    if (!history && count == s.sys_cap) {
      status = kFifoOverflow;
      break;
    }
    const double service = draws.service_time(i);
    // The server that frees first, the lowest index on ties (scan and heap agree).
    int32_t server = 0;
    double f = s.free_time[0];
    if (scan) {
      for (int32_t j = 1; j < c; ++j)
        if (s.free_time[j] < f) f = s.free_time[j], server = j;
    } else {
      server = s.free_id[0];
    }
    const double start = a > f ? a : f;
    const double dep = start + service;
    if (scan)
      s.free_time[server] = dep;
    else
      server_replace_top(s.free_time, s.free_id, c, dep, server);
    if (history) {
      s.sys[pos] = SysEntry{dep, start};
      pos = pos + 1 == s.sys_cap ? 0 : pos + 1;
      longest = service > longest ? service : longest;
    } else if (ring) {
      uint64_t tail = head + count;
      if (tail >= s.sys_cap) tail -= s.sys_cap;
      s.sys[tail] = SysEntry{dep, start};
      ++count;
    } else {
      sys_heap_push(s.sys, count, SysEntry{dep, start});
    }
    if (measured) {
      stats.add_served(start - a, dep - a);
      ti.area_n += dep - a;
      ti.area_q += start - a;
      ti.area_busy += dep - start;
    }
    if (trace.arrival) {
      trace.arrival[i] = a;
      trace.start[i] = start;
      trace.departure[i] = dep;
      trace.server[i] = server;
    }
  }

  if (status == kFifoOk) {  // the window closes at T1: remove what lies beyond it
    const double t1 = a;
    if (history) {
      if (!window_tail(s, pos, m.customers, c == 1, longest, t1, -1.0, ti)) status = kFifoOverflow;
    } else {
      for (uint64_t k = 0; k < count; ++k)
        add_after(s.sys[ring ? (head + k) % s.sys_cap : k], t1, -1.0, ti);
    }
    if (status == kFifoOk) stats.write_row(ti, t1 - t0, c, m.ps, m.nq, row);
  }
  stats.clear();
  return status;
}

}  // namespace qsm::queue
