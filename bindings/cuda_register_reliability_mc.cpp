// qsmcore._cuda: the reliability Monte Carlo kernel (naive estimator) on the GPU
// (cuda/reliability_mc.cu). Same program arrays and stream as _core.reliability_mc.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "common.hpp"
#include "reliability_program.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace qsm::cuda {
// Defined in cuda/reliability_mc.cu (host interface: plain C++ types only).
uint64_t reliability_mc_failures(const reliability::ProgramView& view, const double* p,
                                 uint64_t key, uint64_t start, uint64_t trials);
}  // namespace qsm::cuda

void register_cuda_reliability_mc(py::module_& m) {
  m.def(
      "reliability_mc",
      [](const CArray<double>& p, const CArray<int32_t>& op, const CArray<int32_t>& k,
         const CArray<int32_t>& offsets, const CArray<int32_t>& inputs, int64_t top, uint64_t key,
         uint64_t start, uint64_t trials) {
        const qsm::bind::ProgramArrays pa =
            qsm::bind::program_view(p.size(), op, k, offsets, inputs, top);
        require(start + trials >= start, "reliability: trial range overflows");
        uint64_t failures = 0;
        {
          py::gil_scoped_release release;
          failures = qsm::cuda::reliability_mc_failures(pa.view, p.data(), key, start, trials);
        }
        return py::make_tuple(failures, 0.0, 0.0);
      },
      py::arg("p"), py::arg("op"), py::arg("k"), py::arg("offsets"), py::arg("inputs"),
      py::arg("top"), py::arg("key"), py::arg("start"), py::arg("trials"));
}
