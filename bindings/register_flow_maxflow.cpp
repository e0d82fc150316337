// qsmcore.flow maxflow kernel bindings (filled in by the maxflow work).
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_flow_maxflow(py::module_&) {}
