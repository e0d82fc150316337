// qsmcore.flow mincost kernel bindings (filled in by the mincost work).
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_flow_mincost(py::module_&) {}
