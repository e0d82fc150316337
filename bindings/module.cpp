// qsmcore._core: the CPU backend. One register_<concept>.cpp file per concept.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_info(py::module_& m);
void register_random(py::module_& m);
void register_hash(py::module_& m);
void register_stats(py::module_& m);

void register_sketch_hll(py::module_& m);
void register_sketch_countmin(py::module_& m);
void register_sketch_bloom(py::module_& m);
void register_sketch_minhash(py::module_& m);
void register_sketch_tdigest(py::module_& m);

void register_queue_station(py::module_& m);
void register_queue_network(py::module_& m);
void register_latency(py::module_& m);

void register_flow_maxflow(py::module_& m);
void register_flow_mincost(py::module_& m);

void register_reliability_network(py::module_& m);
void register_reliability_mc(py::module_& m);
void register_reliability_exact(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "qsmcore CPU kernels (private: use the qsmcore package API)";
  register_info(m);
  register_random(m);
  register_hash(m);
  register_stats(m);
  register_sketch_hll(m);
  register_sketch_countmin(m);
  register_sketch_bloom(m);
  register_sketch_minhash(m);
  register_sketch_tdigest(m);
  register_queue_station(m);
  register_queue_network(m);
  register_latency(m);
  register_flow_maxflow(m);
  register_flow_mincost(m);
  register_reliability_network(m);
  register_reliability_mc(m);
  register_reliability_exact(m);
}
