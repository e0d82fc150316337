// qsmcore.latency kernel bindings (filled in by the latency work).
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_latency(py::module_&) {}
