// qsmcore.queueing.simulate_network kernel binding: converts the validated model
// (python/qsmcore/queueing/simulate_network.py checks every value first), runs the
// replications without the GIL and returns (rows, visits).
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
#include "qsm/queue/metrics.hpp"
#include "qsm/queue/network.hpp"
#include "qsm/queue/streams.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

// (kind, params, data) as Distribution._kernel_args() gives it; None = no law.
using DistArgs =
    std::optional<std::tuple<int, std::array<double, 4>, std::optional<CArray<double>>>>;

}  // namespace

void register_queue_network(py::module_& m) {
  m.def(
      "simulate_network",
      [](const std::vector<DistArgs>& arrivals, const std::vector<DistArgs>& services,
         CArray<double> routing, CArray<int32_t> servers, CArray<int64_t> capacity,
         uint64_t customers, uint64_t warmup, CArray<double> quantiles, uint64_t key,
         uint64_t first_replication, uint64_t replications, int threads) {
        const size_t n = arrivals.size();
        require(n >= 1 && n <= qsm::queue::kMaxUnits, "simulate_network: bad node count");
        require(services.size() == n, "simulate_network: services must have one law per node");
        require(routing.ndim() == 2 && routing.shape(0) == static_cast<py::ssize_t>(n) &&
                    routing.shape(1) == static_cast<py::ssize_t>(n),
                "simulate_network: routing must be (n, n)");
        require(servers.size() == static_cast<py::ssize_t>(n) &&
                    capacity.size() == static_cast<py::ssize_t>(n),
                "simulate_network: servers and capacity need one entry per node");
        require(customers >= 1 && warmup < customers,
                "simulate_network: need customers >= 1 and warmup < customers");
        require(customers < qsm::queue::kMaxDrawsPerUnit, "simulate_network: too many customers");
        require(
            replications >= 1 && first_replication + replications <= qsm::queue::kMaxReplications,
            "simulate_network: replication numbers must stay below 2^24");
        require(quantiles.ndim() == 1, "simulate_network: quantiles must be 1-d");

        // The Dists borrow the empirical data arrays held by `arrivals`/`services`.
        std::vector<qsm::Dist> arrival(n), service(n);
        std::vector<uint8_t> has_arrival(n, 0);
        bool any = false;
        for (size_t j = 0; j < n; ++j) {
          if (arrivals[j]) {
            const auto& [kind, params, data] = *arrivals[j];
            arrival[j] = qsm::bind::make_dist(kind, params, data);
            has_arrival[j] = 1;
            any = true;
          } else {
            arrival[j] = qsm::Dist{qsm::DistKind::Deterministic, {0, 0, 0, 0}, nullptr, 0};
          }
          require(services[j].has_value(), "simulate_network: every node needs a service law");
          const auto& [kind, params, data] = *services[j];
          service[j] = qsm::bind::make_dist(kind, params, data);
          require(servers.data()[j] >= 1, "simulate_network: servers must be >= 1");
          require(capacity.data()[j] < 0 || capacity.data()[j] >= servers.data()[j],
                  "simulate_network: capacity must be >= servers");
        }
        require(any, "simulate_network: no node has external arrivals");

        std::vector<double> cum(n * n);
        qsm::queue::cumulative_routing(routing.data(), static_cast<uint32_t>(n), cum.data());
        std::vector<int64_t> fixed(n);
        qsm::queue::fixed_routes(cum.data(), static_cast<uint32_t>(n), fixed.data());

        qsm::queue::NetworkModel model;
        model.n = static_cast<uint32_t>(n);
        model.arrival = arrival.data();
        model.has_arrival = has_arrival.data();
        model.service = service.data();
        model.servers = servers.data();
        model.capacity = capacity.data();
        model.cum_routing = cum.data();
        model.fixed_next = fixed.data();
        model.customers = customers;
        model.warmup = warmup;
        model.quantiles = quantiles.data();
        model.nq = static_cast<int>(quantiles.size());

        const auto w = static_cast<py::ssize_t>(qsm::queue::row_width(model.nq));
        py::array_t<double> rows(
            {static_cast<py::ssize_t>(replications), static_cast<py::ssize_t>(n + 1), w});
        py::array_t<double> visits(static_cast<py::ssize_t>(replications));
        double* rows_ptr = rows.mutable_data();
        double* visits_ptr = visits.mutable_data();
        {
          py::gil_scoped_release release;
          qsm::queue::simulate_network(model, key, first_replication, replications, threads,
                                       rows_ptr, visits_ptr);
        }
        return py::make_tuple(rows, visits);
      },
      py::arg("arrivals"), py::arg("services"), py::arg("routing"), py::arg("servers"),
      py::arg("capacity"), py::arg("customers"), py::arg("warmup"), py::arg("quantiles"),
      py::arg("key"), py::arg("first_replication"), py::arg("replications"), py::arg("threads"));
}
