// qsmcore._cuda FIFO station replications: the GPU side of queueing.simulate.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <optional>
#include <tuple>

#include "common.hpp"
#include "dist_args.hpp"
#include "qsm/queue/station_fifo.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace qsm::cuda {
// Defined in cuda/queue_station.cu (host pointers in and out).
void simulate_fifo(const qsm::queue::FifoModel& model, uint64_t key, uint64_t first_rep,
                   uint64_t reps, double* rows_out);
}  // namespace qsm::cuda

namespace {
using DistArgs = std::tuple<int, std::array<double, 4>, std::optional<CArray<double>>>;
}

void register_cuda_queue_station(py::module_& m) {
  m.def(
      "simulate_fifo",
      [](const DistArgs& arrival, const DistArgs& service, int32_t servers, uint64_t capacity,
         uint64_t customers, uint64_t warmup, CArray<double> ps, uint64_t key, uint64_t first_rep,
         uint64_t reps) {
        const qsm::Dist a =
            qsm::bind::make_dist(std::get<0>(arrival), std::get<1>(arrival), std::get<2>(arrival));
        const qsm::Dist s =
            qsm::bind::make_dist(std::get<0>(service), std::get<1>(service), std::get<2>(service));
        require(servers >= 1, "servers must be >= 1");
        require(capacity == 0 || capacity >= static_cast<uint64_t>(servers),
                "capacity must be >= servers");
        require(warmup + 2 <= customers, "warmup must be <= customers - 2");
        require(reps >= 1 && first_rep + reps <= qsm::queue::kMaxReplications,
                "replications out of range");
        const auto nq = static_cast<int32_t>(ps.size());
        const qsm::queue::FifoModel model{a,         s,      servers,   capacity,
                                          customers, warmup, ps.data(), nq};
        py::array_t<double> rows(
            {static_cast<py::ssize_t>(reps), static_cast<py::ssize_t>(qsm::queue::row_width(nq))});
        double* out = rows.mutable_data();
        {
          py::gil_scoped_release release;
          qsm::cuda::simulate_fifo(model, key, first_rep, reps, out);
        }
        return rows;
      },
      py::arg("arrival"), py::arg("service"), py::arg("servers"), py::arg("capacity"),
      py::arg("customers"), py::arg("warmup"), py::arg("quantiles"), py::arg("key"),
      py::arg("first_replication"), py::arg("replications"));
}
