// qsmcore.latency kernels: order-statistic ranks, coordinated-omission
// correction and the latency-budget simulation. Conversion and last-line checks
// only; python/qsmcore/latency validates every parameter in user terms first.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common.hpp"
#include "dist_args.hpp"
#include "qsm/latency/budget_batch.hpp"
#include "qsm/latency/coordinated_omission_batch.hpp"
#include "qsm/latency/order_ci.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

// One stage as Python sends it: (kind, params, data or None, calls, k).
using StageArgs =
    std::tuple<int, std::array<double, 4>, std::optional<CArray<double>>, uint32_t, uint32_t>;

py::array_t<double> co_correct(const CArray<double>& values, double interval, int32_t rule,
                               uint64_t cap, int threads) {
  require(values.ndim() == 1, "values must be 1-D");
  require(interval > 0.0 && std::isfinite(interval), "interval must be finite and > 0");
  require(rule == qsm::latency::kReference || rule == qsm::latency::kPythonHdrh, "unknown rule");
  require(cap < (uint64_t{1} << 62), "cap too large");
  const double* v = values.data();
  const auto n = static_cast<uint64_t>(values.size());
  bool valid = true;  // one require() at the end: it builds its message string on every call
  for (uint64_t i = 0; i < n; ++i) valid &= v[i] >= 0.0 && std::isfinite(v[i]);
  require(valid, "values must be finite and >= 0");
  qsm::latency::CoPlan plan;
  {
    py::gil_scoped_release release;
    plan = qsm::latency::co_plan(v, n, interval, rule, cap, threads);
  }
  require(plan.total <= cap,
          "the corrected output would exceed the limit of " + std::to_string(cap) + " values");
  py::array_t<double> out(static_cast<py::ssize_t>(plan.total));
  double* dst = out.mutable_data();
  {
    py::gil_scoped_release release;
    qsm::latency::co_fill_all(v, n, interval, rule, cap, plan, dst, threads);
  }
  return out;
}

py::tuple budget(const std::vector<StageArgs>& stage_args, uint64_t key, uint64_t start, uint64_t n,
                 bool per_stage, int threads, bool reference) {
  require(!stage_args.empty() && stage_args.size() <= qsm::latency::kMaxStages,
          "between 1 and 65536 stages");
  require(n <= qsm::latency::kMaxRequests && start <= qsm::latency::kMaxRequests - n,
          "start + n must be <= 2**40");
  std::vector<qsm::latency::Stage> stages;
  stages.reserve(stage_args.size());
  for (const auto& [kind, params, data, calls, k] : stage_args) {
    require(calls >= 1 && calls <= qsm::latency::kMaxCalls, "calls must be in [1, 4096]");
    require(k >= 1 && k <= calls, "k must be in [1, calls]");
    stages.push_back({qsm::bind::make_dist(kind, params, data), calls, k});
  }
  const auto n_stages = static_cast<uint32_t>(stages.size());
  py::array_t<double> total(static_cast<py::ssize_t>(n));
  py::array_t<double> rows =
      per_stage ? py::array_t<double>({static_cast<py::ssize_t>(n), py::ssize_t{n_stages}})
                : py::array_t<double>(0);
  double* t = total.mutable_data();
  double* r = per_stage ? rows.mutable_data() : nullptr;
  {
    py::gil_scoped_release release;
    if (reference)
      qsm::latency::budget_reference(stages.data(), n_stages, key, start, n, t, r, threads);
    else
      qsm::latency::budget_run(stages.data(), n_stages, key, start, n, t, r, threads);
  }
  return py::make_tuple(total, per_stage ? py::object(rows) : py::none());
}

}  // namespace

void register_latency(py::module_& m) {
  m.def("latency_binom_cdf", &qsm::latency::binom_cdf, py::arg("k"), py::arg("n"), py::arg("p"));
  m.def(
      "latency_order_ranks",
      [](int64_t n, double q, double confidence) {
        require(n >= 1, "n must be >= 1");
        require(q > 0.0 && q < 1.0, "q must be in (0, 1)");
        require(confidence > 0.0 && confidence < 1.0, "confidence must be in (0, 1)");
        const auto r = qsm::latency::order_statistic_ranks(n, q, confidence);
        return py::make_tuple(r.low, r.high, r.coverage);
      },
      py::arg("n"), py::arg("q"), py::arg("confidence"));
  m.def("latency_co_correct", &co_correct, py::arg("values"), py::arg("interval"), py::arg("rule"),
        py::arg("cap"), py::arg("threads"));
  m.def("latency_budget", &budget, py::arg("stages"), py::arg("key"), py::arg("start"),
        py::arg("n"), py::arg("per_stage"), py::arg("threads"), py::arg("reference") = false);
}
