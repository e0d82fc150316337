// qsmcore.queueing.simulate kernels: FIFO G/G/c(/K) by recursion and the
// multi-class non-preemptive priority event loop (cpp/include/qsm/queue/).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common.hpp"
#include "dist_args.hpp"
#include "qsm/queue/station.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

using DistArgs = std::tuple<int, std::array<double, 4>, std::optional<CArray<double>>>;

std::vector<qsm::Dist> make_dists(const std::vector<DistArgs>& args) {
  std::vector<qsm::Dist> out;
  out.reserve(args.size());
  for (const auto& [kind, params, data] : args)
    out.push_back(qsm::bind::make_dist(kind, params, data));
  return out;
}

}  // namespace

void register_queue_station(py::module_& m) {
  m.def(
      "simulate_station",
      [](const std::vector<DistArgs>& arrivals, const std::vector<DistArgs>& services,
         int32_t servers, uint64_t capacity, uint64_t customers, uint64_t warmup, CArray<double> ps,
         uint64_t key, uint64_t first_rep, uint64_t reps, bool want_trace, bool event_loop,
         bool scalar_draws, int threads) {
        const std::vector<qsm::Dist> a = make_dists(arrivals), s = make_dists(services);
        const auto classes = static_cast<int32_t>(a.size());
        require(classes >= 1 && s.size() == a.size(), "one service law per arrival class");
        require(servers >= 1, "servers must be >= 1");
        require(capacity == 0 || capacity >= static_cast<uint64_t>(servers),
                "capacity must be >= servers");
        require(warmup + 2 <= customers, "warmup must be <= customers - 2");
        require(reps >= 1 && first_rep + reps <= qsm::queue::kMaxReplications,
                "replications out of range");
        require(customers <= qsm::queue::kMaxDrawsPerUnit, "customers out of range");
        const auto nq = static_cast<int32_t>(ps.size());
        for (int32_t j = 0; j < nq; ++j)
          require(ps.data()[j] > 0.0 && ps.data()[j] < 1.0 &&
                      (j == 0 || ps.data()[j - 1] < ps.data()[j]),
                  "quantiles must increase inside (0, 1)");

        const bool fifo = classes == 1 && !event_loop;
        const int32_t groups = fifo ? 1 : qsm::queue::priority_groups(classes);
        const int width = qsm::queue::row_width(nq);
        py::array_t<double> rows({static_cast<py::ssize_t>(reps), static_cast<py::ssize_t>(groups),
                                  static_cast<py::ssize_t>(width)});
        const auto n = static_cast<py::ssize_t>(want_trace ? customers : 0);
        py::array_t<double> t_arr(n), t_start(n), t_dep(n);
        py::array_t<int32_t> t_server(n), t_class(n);
        double* out = rows.mutable_data();
        const double* p = ps.data();
        try {
          py::gil_scoped_release release;
          if (fifo) {
            const qsm::queue::FifoModel model{a[0],      s[0],   servers, capacity,
                                              customers, warmup, p,       nq};
            qsm::queue::FifoTrace trace{nullptr, nullptr, nullptr, nullptr};
            if (want_trace) {
              trace = {t_arr.mutable_data(), t_start.mutable_data(), t_dep.mutable_data(),
                       t_server.mutable_data()};
              std::fill(t_class.mutable_data(), t_class.mutable_data() + n, 0);
            }
            qsm::queue::simulate_fifo(model, key, first_rep, reps, out, trace, threads,
                                      !scalar_draws);
          } else {
            const qsm::queue::PriorityModel model{a.data(),  s.data(), classes, servers, capacity,
                                                  customers, warmup,   p,       nq};
            qsm::queue::PriorityTrace trace{nullptr, nullptr, nullptr, nullptr, nullptr};
            if (want_trace)
              trace = {t_arr.mutable_data(), t_start.mutable_data(), t_dep.mutable_data(),
                       t_server.mutable_data(), t_class.mutable_data()};
            qsm::queue::simulate_priority(model, key, first_rep, reps, out, trace, threads);
          }
        } catch (const qsm::queue::QueueOverflow& e) {
          throw py::value_error(e.what());
        }
        py::object trace = py::none();
        if (want_trace) trace = py::make_tuple(t_arr, t_start, t_dep, t_server, t_class);
        return py::make_tuple(rows, trace);
      },
      py::arg("arrivals"), py::arg("services"), py::arg("servers"), py::arg("capacity"),
      py::arg("customers"), py::arg("warmup"), py::arg("quantiles"), py::arg("key"),
      py::arg("first_replication"), py::arg("replications"), py::arg("trace"),
      py::arg("event_loop"), py::arg("scalar_draws"), py::arg("threads"));
}
