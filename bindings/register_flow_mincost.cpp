// qsmcore.flow minimum-cost flow: the network simplex kernel
// (cpp/include/qsm/flow/mincost_simplex.hpp). Python has validated every
// argument; the checks here only keep a wrong internal call in bounds.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "common.hpp"
#include "qsm/flow/mincost_assignment.hpp"
#include "qsm/flow/mincost_simplex.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

void register_flow_mincost(py::module_& m) {
  m.def(
      "mincost_network_simplex",
      [](CArray<int64_t> tails, CArray<int64_t> heads, CArray<int64_t> capacities,
         CArray<int64_t> costs, CArray<int64_t> supplies) {
        const int64_t n = supplies.size();
        const int64_t arcs = tails.size();
        require(n >= 1, "mincost_network_simplex: need at least one node");
        require(heads.size() == arcs && capacities.size() == arcs && costs.size() == arcs,
                "mincost_network_simplex: arc arrays differ in length");
        const int64_t* t = tails.data();
        const int64_t* h = heads.data();
        for (int64_t e = 0; e < arcs; ++e)
          require(t[e] >= 0 && t[e] < n && h[e] >= 0 && h[e] < n,
                  "mincost_network_simplex: node id out of range");
        py::array_t<int64_t> flow(arcs);
        py::array_t<int64_t> potentials(n);
        int64_t* flow_out = flow.mutable_data();
        int64_t* pi_out = potentials.mutable_data();
        const int64_t* cap = capacities.data();
        const int64_t* cost = costs.data();
        const int64_t* supply = supplies.data();
        qsm::flow::MinCostFlowOutput out;
        {
          py::gil_scoped_release release;
          qsm::flow::NetworkSimplex solver(n, arcs, t, h, cap, cost, supply);
          out = solver.run();
          solver.copy_flow(flow_out);
          solver.copy_potentials(pi_out);
        }
        return py::make_tuple(out.status == qsm::flow::MinCostStatus::optimal, out.total_cost, flow,
                              potentials, out.pivots);
      },
      py::arg("tails"), py::arg("heads"), py::arg("capacities"), py::arg("costs"),
      py::arg("supplies"));
  m.def(
      "mincost_assignment",
      [](CArray<int64_t> cost) {
        require(cost.ndim() == 2, "mincost_assignment: cost must be 2-D");
        const int64_t r = cost.shape(0), k = cost.shape(1);
        require(r <= k, "mincost_assignment: need rows <= columns");
        py::array_t<int64_t> col4row(r);
        int64_t* out = col4row.mutable_data();
        const int64_t* c = cost.data();
        bool ok = false;
        {
          py::gil_scoped_release release;
          ok = qsm::flow::assignment_shortest_path(r, k, c, out);
        }
        require(ok, "mincost_assignment: no complete assignment exists");
        return col4row;
      },
      py::arg("cost"));
}
