// qsmcore.reliability network reliability: the exact frontier DP over validated edge
// arrays, run without the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "common.hpp"
#include "qsm/reliability/network_exact.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

py::tuple network_exact(const CArray<int64_t>& eu, const CArray<int64_t>& ev,
                        const CArray<double>& edge_q, const CArray<double>& node_q, int64_t s,
                        int64_t t, int kind, int64_t max_states) {
  const auto m = static_cast<int64_t>(eu.size());
  const auto n = static_cast<int64_t>(node_q.size());
  require(ev.size() == m && edge_q.size() == m, "network_exact: edge arrays differ in length");
  require(n >= 1 && n < (int64_t{1} << 31), "network_exact: bad node count");
  require(kind == 0 || kind == 1, "network_exact: kind must be 0 (two) or 1 (all)");
  require(0 <= s && s < n && 0 <= t && t < n, "network_exact: terminal out of range");
  const int64_t* up = eu.data();
  const int64_t* vp = ev.data();
  for (int64_t i = 0; i < m; ++i)
    if (up[i] < 0 || up[i] >= n || vp[i] < 0 || vp[i] >= n)
      throw py::value_error("network_exact: node id out of range");
  qsm::reliability::NetworkExactResult r;
  std::string too_big;  // thrown after the GIL is back
  {
    py::gil_scoped_release release;
    try {
      r = qsm::reliability::network_reliability_exact(
          static_cast<int32_t>(n), m, up, vp, edge_q.data(), node_q.data(), static_cast<int32_t>(s),
          static_cast<int32_t>(t), static_cast<qsm::reliability::Terminals>(kind), max_states);
    } catch (const std::length_error& e) {
      too_big = e.what();
    }
  }
  if (!too_big.empty()) throw py::value_error(too_big);
  return py::make_tuple(r.reliability, r.failure, r.max_states, r.max_frontier);
}

}  // namespace

void register_reliability_network(py::module_& m) {
  m.def("reliability_network_exact", &network_exact, py::arg("eu"), py::arg("ev"),
        py::arg("edge_q"), py::arg("node_q"), py::arg("s"), py::arg("t"), py::arg("kind"),
        py::arg("max_states"));
}
