// qsmcore.queueing.simulate kernel binding (filled in by the station work).
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_queue_station(py::module_&) {}
