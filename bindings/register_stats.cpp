// Moments and Student-t intervals (qsmcore.stats).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "common.hpp"
#include "qsm/core/parallel.hpp"
#include "qsm/core/stats.hpp"

namespace py = pybind11;
using qsm::bind::CArray;

void register_stats(py::module_& m) {
  m.def(
      "welford",
      [](CArray<double> values, int threads) {
        const double* x = values.data();
        const auto n = static_cast<uint64_t>(values.size());
        qsm::Welford w;
        {
          py::gil_scoped_release release;
          w = qsm::parallel_reduce(
              n, uint64_t{1} << 16, threads, qsm::Welford{},
              [&](uint64_t begin, uint64_t end) {
                qsm::Welford part;
                for (uint64_t i = begin; i < end; ++i) part.add(x[i]);
                return part;
              },
              [](qsm::Welford& acc, const qsm::Welford& part) { acc.merge(part); });
        }
        return py::make_tuple(w.n, w.mean, w.m2);
      },
      py::arg("values"), py::arg("threads"));
  m.def(
      "t_interval",
      [](uint64_t n, double mean, double m2, double confidence) {
        const qsm::ConfidenceInterval ci = qsm::t_interval(qsm::Welford{n, mean, m2}, confidence);
        return py::make_tuple(ci.mean, ci.half_width, ci.low, ci.high, ci.std);
      },
      py::arg("n"), py::arg("mean"), py::arg("m2"), py::arg("confidence"));
  m.def("student_t_quantile", &qsm::student_t_quantile, py::arg("p"), py::arg("df"));
}
