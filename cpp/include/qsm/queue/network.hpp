// Open queueing networks: event-driven simulation of G/G/c/K FIFO nodes joined by
// probabilistic (Markov) routing, for qsmcore.queueing.simulate_network.
//
// Unlike a single FIFO station, a network has no Lindley-type recursion: the order
// in which customers reach a node depends on the other nodes. So one replication is
// a discrete-event simulation: a binary heap of pending events (external arrivals
// at entry nodes, service completions) ordered by (time, sequence number). The
// sequence number is given when an event is scheduled, so ties in time are broken
// by scheduling order and the run is a pure function of the key and the model.
// Routing from a completion to the next node is instantaneous and handled inside
// the completion event.
//
// Randomness (streams.hpp, replication r):
//   k-th interarrival at entry node j: lane (r, kStreamArrival), index (j, k);
//   k-th service started at node j:    lane (r, kStreamService), index (j, k)
//     (numbered in order of service start, which FIFO makes the order of
//     admission to the node);
//   routing after the k-th completion at node j: one uniform on lane
//     (r, kStreamRouting), index (j, k), mapped through the cumulative row.
//
// Observation window: customers are the external arrivals of all entry nodes
// together, numbered 0, 1, ... in event order. T0 is the arrival time of customer
// `warmup`, T1 that of customer `customers - 1`, the last one generated. Time
// integrals (L, Lq, busy servers, per node and for the whole network) are clipped
// to [T0, T1]. A node visit is measured when the customer reaches the node (or is
// turned away by a full node) between those two arrivals in event order; the
// end-to-end figures cover customers `warmup .. customers - 1`. After T1 no new
// customers enter, but the run goes on until the network is empty, so every
// measured visit and sojourn is complete.
//
// Work per event is O(log of pending events) for the heap plus O(log n) for the
// routing search; nothing is allocated in the loop once the scratch buffers have
// grown to the largest population seen (they are reused across replications).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

#include "qsm/core/config.hpp"
#include "qsm/core/distributions.hpp"
#include "qsm/core/parallel.hpp"
#include "qsm/core/philox.hpp"
#include "qsm/queue/metrics.hpp"
#include "qsm/queue/streams.hpp"

namespace qsm::queue {

// The network, as borrowed pointers (the caller keeps them alive during a run).
struct NetworkModel {
  uint32_t n = 0;                        // nodes
  const Dist* arrival = nullptr;         // n interarrival laws; only where has_arrival[j]
  const uint8_t* has_arrival = nullptr;  // n flags: node j has external arrivals
  const Dist* service = nullptr;         // n service-time laws (non-negative)
  const int32_t* servers = nullptr;      // n, c_j >= 1
  const int64_t* capacity = nullptr;     // n, K_j >= c_j customers at the node; < 0: unlimited
  const double* cum_routing = nullptr;   // n * n, from cumulative_routing()
  const int64_t* fixed_next = nullptr;   // n, from fixed_routes(): >= 0 when u is irrelevant
  uint64_t customers = 0;                // external arrivals per replication, >= 1
  uint64_t warmup = 0;                   // < customers
  const double* quantiles = nullptr;     // nq increasing probabilities in (0, 1)
  int nq = 0;
};

// Row i of the cumulative routing table: cum[i*n + j] = P[i][0] + ... + P[i][j].
// A customer leaving i with uniform u goes to the first j with u < cum[i*n + j]
// and leaves the network when there is none (u >= row sum). A row that sums to 1
// within 1e-12 is closed: its last positive entry and those after it become +inf,
// so float rounding of the sum can never let a customer out where P says none may.
inline void cumulative_routing(const double* p, uint32_t n, double* cum) {
  constexpr double kClosedTolerance = 1e-12;
  for (uint64_t i = 0; i < n; ++i) {
    const double* row = p + i * n;
    double* out = cum + i * n;
    double s = 0.0;
    int64_t last = -1;
    for (uint64_t j = 0; j < n; ++j) {
      s += row[j];
      out[j] = s;
      if (row[j] > 0.0) last = static_cast<int64_t>(j);
    }
    if (last >= 0 && s >= 1.0 - kClosedTolerance)
      for (uint64_t j = static_cast<uint64_t>(last); j < n; ++j)
        out[j] = std::numeric_limits<double>::infinity();
  }
}

// Next node after a completion at node i given the uniform u; n means "leaves".
QSM_HD QSM_FORCEINLINE uint32_t route(const double* cum_row, uint32_t n, double u) {
  uint32_t lo = 0, hi = n;  // first j with u < cum_row[j] (rows are non-decreasing)
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (u < cum_row[mid])
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

// Rows whose outcome does not depend on u (a tandem link, a pure exit): fixed[i] is
// the next node (n = leave) or -1 where the uniform decides. route() is monotone in u,
// so it is enough to compare the smallest and the largest uniform (2^-54, 1 - 2^-53).
// Skipping those draws changes nothing: routing draws are addressed by completion
// number, not consumed from a sequence.
inline void fixed_routes(const double* cum, uint32_t n, int64_t* fixed) {
  for (uint64_t i = 0; i < n; ++i) {
    const uint32_t lo = route(cum + i * n, n, 0x1.0p-54),
                   hi = route(cum + i * n, n, 1.0 - 0x1.0p-53);
    fixed[i] = lo == hi ? static_cast<int64_t>(lo) : -1;
  }
}

QSM_HD QSM_FORCEINLINE double draw(const Dist& d, uint64_t key, uint32_t lane, uint32_t unit,
                                   uint64_t k) {
  DrawRng rng(key, stream_index(unit, k), lane);
  return sample(d, rng);
}

namespace net_detail {

struct Event {
  double time;
  uint64_t seq;        // scheduling order: breaks ties in time
  uint32_t customer;   // completions only
  uint32_t node_kind;  // node << 1 | kind
};
inline constexpr uint32_t kArrival = 0, kCompletion = 1;

QSM_FORCEINLINE bool before(const Event& a, const Event& b) {
  return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

// Binary min-heap on (time, seq) over a reusable vector (std::push_heap would do
// too; the hole-moving sift saves half the copies).
class EventHeap {
 public:
  void clear() { v_.clear(); }
  bool empty() const { return v_.empty(); }
  void push(const Event& e) {
    size_t i = v_.size();
    v_.push_back(e);
    while (i > 0) {
      const size_t p = (i - 1) / 2;
      if (!before(e, v_[p])) break;
      v_[i] = v_[p];
      i = p;
    }
    v_[i] = e;
  }
  Event pop() {
    const Event top = v_[0];
    const Event last = v_.back();
    v_.pop_back();
    const size_t n = v_.size();
    if (n > 0) {
      size_t i = 0;
      for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && before(v_[c + 1], v_[c])) ++c;
        if (!before(v_[c], last)) break;
        v_[i] = v_[c];
        i = c;
      }
      v_[i] = last;
    }
    return top;
  }

 private:
  std::vector<Event> v_;
};

// FIFO of customer ids; a power-of-two ring that doubles when full.
class Ring {
 public:
  bool empty() const { return count_ == 0; }
  uint64_t size() const { return count_; }
  void clear() { head_ = count_ = 0; }
  void push(uint32_t c) {
    if (count_ == buf_.size()) grow();
    buf_[(head_ + count_) & (buf_.size() - 1)] = c;
    ++count_;
  }
  uint32_t pop() {
    const uint32_t c = buf_[head_];
    head_ = (head_ + 1) & (buf_.size() - 1);
    --count_;
    return c;
  }

 private:
  void grow() {
    std::vector<uint32_t> next(buf_.empty() ? 16 : 2 * buf_.size());
    for (uint64_t i = 0; i < count_; ++i) next[i] = buf_[(head_ + i) & (buf_.size() - 1)];
    buf_.swap(next);
    head_ = 0;
  }
  std::vector<uint32_t> buf_;
  uint64_t head_ = 0, count_ = 0;
};

struct Customer {
  double entry;         // time of entry into the network
  double node_arrival;  // time of arrival at the current node
  double visit_wait;    // queueing time of the current visit
  double total_wait;    // queueing time over all visits so far
  uint32_t visits;      // node arrivals so far (a turned-away arrival included)
  uint8_t measured;     // external arrival inside the window
  uint8_t visit_measured;
};

struct Node {
  uint64_t in_system = 0, busy = 0;
  uint64_t services = 0, completions = 0, arrivals = 0;  // stream counters
  double last = 0.0;  // time of the last change of in_system / busy
  TimeIntegrals area;
  Ring queue;

  void reset() {
    in_system = busy = services = completions = arrivals = 0;
    last = 0.0;
    area = TimeIntegrals{};
    queue.clear();
  }
};

struct FreeDeleter {
  void operator()(uint64_t* p) const { std::free(p); }
};

}  // namespace net_detail

// Everything one replication writes, allocated once per worker and reused: the
// (2n + 2) histograms of kBuckets counts come from calloc, whose large blocks are
// fresh zero pages that the OS maps only when touched, so a histogram costs the
// few pages its values fall in, not its full 1 MiB.
struct NetworkScratch {
  explicit NetworkScratch(uint32_t n) : nodes_(n) {
    const size_t groups = static_cast<size_t>(n) + 1;
    counts_.reset(static_cast<uint64_t*>(std::calloc(2 * groups * kBuckets, sizeof(uint64_t))));
    if (!counts_) throw std::bad_alloc();
    stats_.reserve(groups);
    for (size_t g = 0; g < groups; ++g)
      stats_.emplace_back(counts_.get() + (2 * g) * kBuckets,
                          counts_.get() + (2 * g + 1) * kBuckets);
  }

  void reset() {
    for (auto& nd : nodes_) nd.reset();
    for (auto& s : stats_) s.clear();
    heap_.clear();
    customers_.clear();
    free_.clear();
  }
  uint32_t alloc_customer() {
    if (!free_.empty()) {
      const uint32_t c = free_.back();
      free_.pop_back();
      return c;
    }
    if (customers_.size() >= std::numeric_limits<uint32_t>::max())
      throw std::length_error("simulate_network: more than 2^32 - 1 customers in the network");
    customers_.emplace_back();
    return static_cast<uint32_t>(customers_.size() - 1);
  }

  std::vector<net_detail::Node> nodes_;
  std::unique_ptr<uint64_t, net_detail::FreeDeleter> counts_;
  std::vector<CustomerStats> stats_;  // n nodes, then end to end
  net_detail::EventHeap heap_;
  std::vector<net_detail::Customer> customers_;
  std::vector<uint32_t> free_;
};

// One replication: fills rows[0 .. (n + 1) * row_width(nq)) with one row per node
// and the end-to-end row last, and returns the mean number of node visits per
// measured customer (NaN when none was measured).
//
// End-to-end row: arrivals / served / blocked count measured customers entered /
// completed / lost at a full node; wait = total time queued over all visits,
// response = sojourn from entry to exit (completed customers only); L and Lq are
// time averages of the number in the network and of the number waiting anywhere;
// utilization is NaN (the network has no servers of its own).
inline double simulate_network_replication(const NetworkModel& m, uint64_t key,
                                           uint64_t replication, NetworkScratch& s, double* rows) {
  using namespace net_detail;
  s.reset();
  const uint32_t n = m.n;
  const uint32_t lane_arrival = stream_lane(replication, kStreamArrival);
  const uint32_t lane_service = stream_lane(replication, kStreamService);
  const uint32_t lane_routing = stream_lane(replication, kStreamRouting);
  constexpr double kInf = std::numeric_limits<double>::infinity();

  auto& nodes = s.nodes_;
  auto& stats = s.stats_;
  auto& heap = s.heap_;
  auto& cust = s.customers_;
  CustomerStats& e2e = stats[n];

  uint64_t seq = 0;
  for (uint32_t j = 0; j < n; ++j) {
    if (!m.has_arrival[j]) continue;
    const double t = draw(m.arrival[j], key, lane_arrival, j, nodes[j].arrivals++);
    heap.push(Event{t, seq++, 0, j << 1 | kArrival});
  }

  double t0 = kInf, t1 = kInf;  // the window, +inf until known
  bool window_open = false, window_closed = false;
  uint64_t entered = 0;
  // Network-wide population, integrated at every event (all changes within one
  // event happen at the same time, so one integration per event is exact).
  uint64_t net_n = 0, net_q = 0;
  double net_last = 0.0;
  TimeIntegrals net_area;
  uint64_t measured = 0, measured_visits = 0;

  // Node j's population changes at t: integrate the piece since its last change.
  auto touch = [&](Node& nd, double t) {
    const double dt = overlap(nd.last, t, t0, t1);
    if (dt > 0.0) {
      nd.area.area_n += static_cast<double>(nd.in_system) * dt;
      nd.area.area_busy += static_cast<double>(nd.busy) * dt;
      nd.area.area_q += static_cast<double>(nd.in_system - nd.busy) * dt;
    }
    nd.last = t;
  };
  auto start_service = [&](uint32_t j, uint32_t c, double t) {
    Customer& cu = cust[c];
    const double w = t - cu.node_arrival;
    cu.visit_wait = w;
    cu.total_wait += w;
    const double st = draw(m.service[j], key, lane_service, j, nodes[j].services++);
    heap.push(Event{t + st, seq++, c, j << 1 | kCompletion});
  };
  auto leave = [&](uint32_t c, double t, bool lost) {
    Customer& cu = cust[c];
    --net_n;
    if (cu.measured) {
      ++measured;
      measured_visits += cu.visits;
      if (lost)
        e2e.add_blocked();
      else
        e2e.add_served(cu.total_wait, t - cu.entry);
    }
    s.free_.push_back(c);
  };
  // Customer c reaches node j at t (from outside or from another node).
  auto arrive = [&](uint32_t j, uint32_t c, double t) {
    Node& nd = nodes[j];
    Customer& cu = cust[c];
    ++cu.visits;
    const bool in_window = window_open && !window_closed;
    if (m.capacity[j] >= 0 && nd.in_system >= static_cast<uint64_t>(m.capacity[j])) {
      if (in_window) stats[j].add_blocked();
      leave(c, t, true);
      return;
    }
    touch(nd, t);
    ++nd.in_system;
    cu.node_arrival = t;
    cu.visit_measured = in_window;
    if (nd.busy < static_cast<uint64_t>(m.servers[j])) {
      ++nd.busy;
      start_service(j, c, t);
    } else {
      nd.queue.push(c);
      ++net_q;
    }
  };

  while (!heap.empty()) {
    const Event ev = heap.pop();
    const double t = ev.time;
    const uint32_t j = ev.node_kind >> 1;
    {
      const double dt = overlap(net_last, t, t0, t1);
      if (dt > 0.0) {
        net_area.area_n += static_cast<double>(net_n) * dt;
        net_area.area_q += static_cast<double>(net_q) * dt;
      }
      net_last = t;
    }
    if ((ev.node_kind & 1) == kArrival) {
      if (entered >= m.customers) continue;  // another entry node generated the last one
      const uint64_t g = entered++;
      if (g == m.warmup) {
        t0 = t;
        window_open = true;
      }
      if (entered < m.customers) {
        const double dt = draw(m.arrival[j], key, lane_arrival, j, nodes[j].arrivals++);
        heap.push(Event{t + dt, seq++, 0, ev.node_kind});
      }
      const uint32_t c = s.alloc_customer();
      Customer& cu = cust[c];
      cu.entry = t;
      cu.total_wait = 0.0;
      cu.visits = 0;
      cu.measured = g >= m.warmup;
      ++net_n;
      arrive(j, c, t);
      if (entered == m.customers) {
        t1 = t;
        window_closed = true;
      }
    } else {
      Node& nd = nodes[j];
      const uint32_t c = ev.customer;
      touch(nd, t);
      --nd.in_system;
      if (!nd.queue.empty()) {
        --net_q;
        start_service(j, nd.queue.pop(), t);  // the freed server takes the head at once
      } else {
        --nd.busy;
      }
      const Customer& cu = cust[c];
      if (cu.visit_measured) stats[j].add_served(cu.visit_wait, t - cu.node_arrival);
      const uint64_t k = nd.completions++;
      uint32_t next;
      if (m.fixed_next != nullptr && m.fixed_next[j] >= 0) {
        next = static_cast<uint32_t>(m.fixed_next[j]);
      } else {
        const double u = DrawRng(key, stream_index(j, k), lane_routing).uniform();
        next = route(m.cum_routing + static_cast<uint64_t>(j) * n, n, u);
      }
      if (next < n)
        arrive(next, c, t);
      else
        leave(c, t, false);
    }
  }

  const double window = t1 - t0;
  const int w = row_width(m.nq);
  for (uint32_t j = 0; j < n; ++j)
    stats[j].write_row(nodes[j].area, window, m.servers[j], m.quantiles, m.nq,
                       rows + static_cast<uint64_t>(j) * w);
  double* last = rows + static_cast<uint64_t>(n) * w;
  e2e.write_row(net_area, window, 1, m.quantiles, m.nq, last);
  last[kColUtilization] = std::nan("");
  return measured ? static_cast<double>(measured_visits) / static_cast<double>(measured)
                  : std::nan("");
}

// Replications first .. first + count - 1 on up to `threads` threads (0: default).
// rows: count * (n + 1) * row_width(nq) doubles; visits: count doubles. Each
// replication depends only on (key, its number), never on the worker that ran
// it, so the output is the same for every thread count and every split.
inline void simulate_network(const NetworkModel& m, uint64_t key, uint64_t first, uint64_t count,
                             int threads, double* rows, double* visits) {
  const uint64_t stride = (static_cast<uint64_t>(m.n) + 1) * row_width(m.nq);
  std::mutex mutex;
  std::vector<std::unique_ptr<NetworkScratch>> pool;  // idle scratch sets
  parallel_for(count, 1, threads, [&](uint64_t begin, uint64_t end) {
    std::unique_ptr<NetworkScratch> scratch;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!pool.empty()) {
        scratch = std::move(pool.back());
        pool.pop_back();
      }
    }
    if (!scratch) scratch = std::make_unique<NetworkScratch>(m.n);
    for (uint64_t i = begin; i < end; ++i)
      visits[i] = simulate_network_replication(m, key, first + i, *scratch, rows + i * stride);
    std::lock_guard<std::mutex> lock(mutex);
    pool.push_back(std::move(scratch));
  });
}

}  // namespace qsm::queue
