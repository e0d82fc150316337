// qsmcore.queueing.simulate_network kernel binding (filled in by the network work).
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_queue_network(py::module_&) {}
