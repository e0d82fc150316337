// qsmcore._cuda HyperLogLog update: same signature as _core.hll_update.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "common.hpp"
#include "qsm/sketch/hll.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace qsm::cuda {
// Defined in cuda/sketch_hll.cu (host pointers in and out).
void hll_update(uint8_t* registers, int p, const uint64_t* hashes, uint64_t n);
}  // namespace qsm::cuda

void register_cuda_sketch_hll(py::module_& m) {
  m.def(
      "hll_update",
      [](py::array_t<uint8_t, py::array::c_style> regs, int p, CArray<uint64_t> hashes,
         int /*threads*/) {
        require(p >= qsm::hll::kMinPrecision && p <= qsm::hll::kMaxPrecision,
                "precision out of range");
        require(regs.ndim() == 1 && regs.size() == (py::ssize_t{1} << p),
                "registers must be a 1-D uint8 array of 2**precision entries");
        require(regs.writeable(), "registers must be writeable");
        uint8_t* r = regs.mutable_data();
        const uint64_t* h = hashes.data();
        const auto n = static_cast<uint64_t>(hashes.size());
        py::gil_scoped_release release;
        qsm::cuda::hll_update(r, p, h, n);
      },
      py::arg("registers"), py::arg("precision"), py::arg("hashes"), py::arg("threads"));
}
