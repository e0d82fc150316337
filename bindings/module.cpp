// qsmcore._core: the CPU backend. One register_* file per concept.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_info(py::module_& m);
void register_random(py::module_& m);
void register_hash(py::module_& m);
void register_stats(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "qsmcore CPU kernels (private: use the qsmcore package API)";
  register_info(m);
  register_random(m);
  register_hash(m);
  register_stats(m);
}
