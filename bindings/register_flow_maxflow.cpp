// qsmcore.flow.max_flow kernels: builds the residual graph from validated int64 arc
// arrays, runs the chosen solver without the GIL and returns the value, the flow on
// every input arc, the source side of the minimum cut and the arcs that cross it.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common.hpp"
#include "qsm/flow/maxflow_bk.hpp"
#include "qsm/flow/maxflow_dinic.hpp"
#include "qsm/flow/maxflow_graph.hpp"
#include "qsm/flow/maxflow_push_relabel.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

py::tuple max_flow(const CArray<int64_t>& tails, const CArray<int64_t>& heads,
                   const CArray<int64_t>& caps, int64_t n, int64_t s, int64_t t, int method) {
  const auto m = static_cast<int64_t>(tails.size());
  require(heads.size() == m && caps.size() == m, "max_flow: arc arrays differ in length");
  require(n >= 1 && n < (int64_t{1} << 31), "max_flow: n out of range");
  require(2 * m < (int64_t{1} << 31), "max_flow: too many arcs for int32 residual slots");
  require(0 <= s && s < n && 0 <= t && t < n && s != t, "max_flow: bad source or sink");
  require(method >= 0 && method <= 2, "max_flow: unknown method");
  const int64_t* tp = tails.data();
  const int64_t* hp = heads.data();
  const int64_t* cp = caps.data();
  for (int64_t i = 0; i < m; ++i)
    if (!(0 <= tp[i] && tp[i] < n && 0 <= hp[i] && hp[i] < n && cp[i] >= 0))
      throw py::value_error("max_flow: arc " + std::to_string(i) +
                            " has a bad node id or capacity");

  py::array_t<int64_t> flow(m);
  py::array_t<bool> side(n);
  int64_t* fp = flow.mutable_data();
  auto* sp = reinterpret_cast<uint8_t*>(side.mutable_data());
  int64_t value = 0;
  std::vector<int64_t> cut;  // input arcs from the source side to the sink side
  {
    py::gil_scoped_release release;
    auto g = qsm::flow::build_residual(static_cast<int32_t>(n), m, tp, hp, cp);
    const auto src = static_cast<int32_t>(s), snk = static_cast<int32_t>(t);
    if (method == 0)
      value = qsm::flow::max_flow_push_relabel(g, src, snk);
    else if (method == 1)
      value = qsm::flow::max_flow_dinic(g, src, snk);
    else
      value = qsm::flow::max_flow_bk(g, src, snk);
    qsm::flow::input_flows(g, m, cp, fp);
    qsm::flow::residual_reachable(g, src, sp);
    cut = qsm::flow::crossing_arcs(m, tp, hp, sp);
  }
  py::array_t<int64_t> cut_arcs(static_cast<py::ssize_t>(cut.size()));
  std::copy(cut.begin(), cut.end(), cut_arcs.mutable_data());
  return py::make_tuple(value, flow, side, cut_arcs);
}

}  // namespace

void register_flow_maxflow(py::module_& m) {
  m.def("flow_max_flow", &max_flow, py::arg("tails"), py::arg("heads"), py::arg("capacities"),
        py::arg("n"), py::arg("source"), py::arg("sink"), py::arg("method"));
}
