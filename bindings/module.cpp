// qsmcore._core: the CPU backend. One register_<concept>.cpp file per concept.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_info(py::module_& m);
void register_random(py::module_& m);
void register_hash(py::module_& m);
void register_stats(py::module_& m);

// Sketches (qsmcore.sketch). Declared weak while the family is being built, so a
// concept whose file is not there yet is simply absent from _core.
__attribute__((weak)) void register_sketch_hll(py::module_& m);
__attribute__((weak)) void register_sketch_countmin(py::module_& m);
__attribute__((weak)) void register_sketch_bloom(py::module_& m);
__attribute__((weak)) void register_sketch_minhash(py::module_& m);
__attribute__((weak)) void register_sketch_tdigest(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "qsmcore CPU kernels (private: use the qsmcore package API)";
  register_info(m);
  register_random(m);
  register_hash(m);
  register_stats(m);
  for (auto* reg : {register_sketch_hll, register_sketch_countmin, register_sketch_bloom,
                    register_sketch_minhash, register_sketch_tdigest})
    if (reg != nullptr) reg(m);
}
