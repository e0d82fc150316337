// qsmcore._cuda: Count-Min plain update on the GPU (cuda/sketch_countmin.cu).
// Same call signature as _core.cms_update for the plain (non-conservative) case.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>

#include "common.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace qsm::cuda {
// Defined in cuda/sketch_countmin.cu (host interface: plain C++ types only).
void cms_update(uint64_t* table, uint64_t width, uint32_t depth, uint64_t seed,
                const uint64_t* hashes, const uint64_t* counts, uint64_t n);
}  // namespace qsm::cuda

void register_cuda_sketch_countmin(py::module_& m) {
  m.def(
      "cms_update",
      [](py::array table, uint64_t seed, const CArray<uint64_t>& hashes,
         const std::optional<CArray<uint64_t>>& counts) {
        require(table.dtype().is(py::dtype::of<uint64_t>()), "table: must be a uint64 array");
        require(table.ndim() == 2, "table: must be 2-D (depth, width)");
        require((table.flags() & py::array::c_style) != 0, "table: must be C-contiguous");
        require(table.writeable(), "table: must be writeable");
        const auto depth = static_cast<uint64_t>(table.shape(0));
        const auto width = static_cast<uint64_t>(table.shape(1));
        require(depth >= 1 && depth <= 64, "table: depth must be in [1, 64]");
        require(width >= 1 && width < (uint64_t{1} << 32), "table: width must be in [1, 2**32)");
        const auto n = static_cast<uint64_t>(hashes.size());
        const uint64_t* c = nullptr;
        if (counts) {
          require(static_cast<uint64_t>(counts->size()) == n, "counts: length differs from keys");
          c = counts->data();
        }
        auto* data = static_cast<uint64_t*>(table.mutable_data());
        const uint64_t* h = hashes.data();
        py::gil_scoped_release release;
        qsm::cuda::cms_update(data, width, static_cast<uint32_t>(depth), seed, h, c, n);
      },
      py::arg("table"), py::arg("seed"), py::arg("hashes"), py::arg("counts"));
}
