// One replication of a multi-class G/G/c station with non-preemptive priority
// (class 0 highest; FIFO inside a class) and optional capacity K, by an event
// loop: the next arrival (the earliest over the classes' own renewal streams)
// against the next service completion (a min-heap of busy servers). A freed
// server takes the head of the highest non-empty class queue; a customer in
// service is never interrupted. Time averages are integrated piecewise between
// events over the window [T0, T1] (first measured arrival to the last arrival);
// the customers admitted by T1 are followed until they leave, so every measured
// customer's wait is complete.
//
// With one class this is the same FIFO G/G/c as station_fifo.hpp (the same
// draws and the same start times), which the tests use as a cross-check.
// Host only: the GPU runs the single-class recursion.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <vector>

#include "qsm/core/distributions.hpp"
#include "qsm/core/philox.hpp"
#include "qsm/queue/metrics.hpp"
#include "qsm/queue/streams.hpp"

namespace qsm::queue {

struct PriorityModel {
  const Dist* arrival;  // per class
  const Dist* service;  // per class
  int32_t classes;
  int32_t servers;
  uint64_t capacity;  // 0 = no limit
  uint64_t customers;
  uint64_t warmup;
  const double* ps;
  int32_t nq;
};

// Optional trace (null pointers for none); arrays of `customers` entries in arrival order.
struct PriorityTrace {
  double* arrival;
  double* start;
  double* departure;
  int32_t* server;
  int32_t* klass;
};

// Rows written per replication: group 0 the whole station, then one per class
// when there is more than one.
inline int32_t priority_groups(int32_t classes) { return classes > 1 ? classes + 1 : 1; }

class PriorityStation {
 public:
  explicit PriorityStation(const PriorityModel& m)
      : m_(m),
        groups_(priority_groups(m.classes)),
        hist_(static_cast<size_t>(groups_) * 2 * kBuckets, 0),
        queues_(static_cast<size_t>(m.classes)),
        next_arrival_(static_cast<size_t>(m.classes)),
        drawn_(static_cast<size_t>(m.classes)),
        n_(static_cast<size_t>(groups_)),
        nq_(static_cast<size_t>(groups_)),
        busy_(static_cast<size_t>(groups_)),
        area_(static_cast<size_t>(groups_)) {
    stats_.reserve(static_cast<size_t>(groups_));
    for (int32_t g = 0; g < groups_; ++g) {
      uint64_t* h = hist_.data() + static_cast<size_t>(g) * 2 * kBuckets;
      stats_.emplace_back(h, h + kBuckets);
    }
  }

  // Writes priority_groups(classes) rows of row_width(nq) doubles.
  void run(uint64_t key, uint64_t rep, double* rows, PriorityTrace trace) {
    reset();
    const uint32_t lane_a = stream_lane(rep, kStreamArrival);
    const uint32_t lane_s = stream_lane(rep, kStreamService);
    for (int32_t k = 0; k < m_.classes; ++k) {
      DrawRng rng(key, stream_index(static_cast<uint64_t>(k), 0), lane_a);
      next_arrival_[k] = sample(m_.arrival[k], rng);
      drawn_[k] = 1;
    }
    uint64_t arrived = 0;
    double t0 = 0.0, t1 = 0.0;
    const double inf = __builtin_inf();
    for (;;) {
      int32_t k_next = -1;
      double t_arr = inf;
      if (arrived < m_.customers) {
        for (int32_t k = 0; k < m_.classes; ++k)
          if (next_arrival_[k] < t_arr) {
            t_arr = next_arrival_[k];
            k_next = k;
          }
        if (k_next < 0) k_next = 0, t_arr = next_arrival_[0];  // all infinite: still arrive
      }
      const double t_dep = busy_heap_.empty() ? inf : busy_heap_.top().dep;
      if (arrived >= m_.customers && busy_heap_.empty()) break;
      if (arrived >= m_.customers || t_dep <= t_arr) {
        advance(t_dep);
        const Busy b = busy_heap_.top();
        busy_heap_.pop();
        change(b.klass, -1, 0, -1);
        if (!dispatch(b.server, t_dep, trace)) idle_.push(b.server);
        continue;
      }
      // Arrival of customer number `arrived` (global order), class k_next.
      advance(t_arr);
      const int32_t k = k_next;
      const uint64_t i = arrived++;
      const uint64_t ik = drawn_[k] - 1;  // this customer's index within its class
      {
        DrawRng rng(key, stream_index(static_cast<uint64_t>(k), drawn_[k]), lane_a);
        next_arrival_[k] = t_arr + sample(m_.arrival[k], rng);
        ++drawn_[k];
      }
      if (i == m_.warmup) {
        measuring_ = true;
        last_ = t0 = t_arr;
      }
      if (i + 1 == m_.customers) t1 = t_arr;
      const bool measured = i >= m_.warmup;
      if (trace.arrival) {
        trace.arrival[i] = t_arr;
        trace.klass[i] = k;
      }
      if (m_.capacity != 0 && static_cast<uint64_t>(n_[0]) >= m_.capacity) {
        if (measured) {
          stats_[0].add_blocked();
          if (groups_ > 1) stats_[1 + k].add_blocked();
        }
        if (trace.arrival) {
          trace.start[i] = trace.departure[i] = __builtin_nan("");
          trace.server[i] = -1;
        }
      } else {
        DrawRng rng(key, stream_index(static_cast<uint64_t>(k), ik), lane_s);
        const Waiting w{t_arr, sample(m_.service[k], rng), i};
        change(k, +1, +1, 0);
        queues_[k].push_back(w);
        if (!idle_.empty()) {
          const int32_t server = idle_.top();
          idle_.pop();
          dispatch(server, t_arr, trace);
        }
      }
      if (i + 1 == m_.customers) {
        measuring_ = false;  // the window closes at the last arrival
      }
    }
    for (int32_t g = 0; g < groups_; ++g) {
      stats_[g].write_row(area_[g], t1 - t0, m_.servers, m_.ps, m_.nq,
                          rows + static_cast<size_t>(g) * row_width(m_.nq));
      stats_[g].clear();
    }
  }

 private:
  struct Waiting {
    double arrival, service;
    uint64_t index;
  };
  struct Busy {
    double dep;
    int32_t server, klass;
    bool operator>(const Busy& o) const {
      return dep > o.dep || (dep == o.dep && server > o.server);
    }
  };

  void reset() {
    for (auto& q : queues_) q.clear();
    while (!busy_heap_.empty()) busy_heap_.pop();
    while (!idle_.empty()) idle_.pop();
    for (int32_t j = 0; j < m_.servers; ++j) idle_.push(j);
    for (int32_t g = 0; g < groups_; ++g) {
      n_[g] = nq_[g] = busy_[g] = 0;
      area_[g] = TimeIntegrals{};
    }
    measuring_ = false;
    last_ = 0.0;
  }

  // Integrates the piecewise-constant counts from the last event to t.
  void advance(double t) {
    if (!measuring_) return;
    const double dt = t - last_;
    for (int32_t g = 0; g < groups_; ++g) {
      area_[g].area_n += n_[g] * dt;
      area_[g].area_q += nq_[g] * dt;
      area_[g].area_busy += busy_[g] * dt;
    }
    last_ = t;
  }

  void change(int32_t k, int64_t dn, int64_t dq, int64_t db) {
    n_[0] += dn;
    nq_[0] += dq;
    busy_[0] += db;
    if (groups_ > 1) {
      n_[1 + k] += dn;
      nq_[1 + k] += dq;
      busy_[1 + k] += db;
    }
  }

  // Starts the first customer of the highest-priority non-empty class on
  // `server` at time t; false when nobody waits.
  bool dispatch(int32_t server, double t, PriorityTrace trace) {
    for (int32_t k = 0; k < m_.classes; ++k) {
      if (queues_[k].empty()) continue;
      const Waiting w = queues_[k].front();
      queues_[k].pop_front();
      const double dep = t + w.service;
      change(k, 0, -1, +1);
      busy_heap_.push(Busy{dep, server, k});
      if (w.index >= m_.warmup) {
        stats_[0].add_served(t - w.arrival, dep - w.arrival);
        if (groups_ > 1) stats_[1 + k].add_served(t - w.arrival, dep - w.arrival);
      }
      if (trace.arrival) {
        trace.start[w.index] = t;
        trace.departure[w.index] = dep;
        trace.server[w.index] = server;
      }
      return true;
    }
    return false;
  }

  PriorityModel m_;
  int32_t groups_;
  std::vector<uint64_t> hist_;
  std::vector<CustomerStats> stats_;
  std::vector<std::deque<Waiting>> queues_;
  std::vector<double> next_arrival_;
  std::vector<uint64_t> drawn_;
  std::vector<int64_t> n_, nq_, busy_;
  std::vector<TimeIntegrals> area_;
  std::priority_queue<Busy, std::vector<Busy>, std::greater<Busy>> busy_heap_;
  std::priority_queue<int32_t, std::vector<int32_t>, std::greater<int32_t>> idle_;
  bool measuring_ = false;
  double last_ = 0.0;
};

}  // namespace qsm::queue
