// qsmcore._cuda: Count-Min plain update on the GPU (cuda/sketch_countmin.cu).
// Same call signature as _core.cms_update for the plain (non-conservative) case.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>

#include "common.hpp"
#include "countmin_table.hpp"

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
        const qsm::bind::Table t = qsm::bind::table_of(table);
        const auto n = static_cast<uint64_t>(hashes.size());
        const uint64_t* c = nullptr;
        if (counts) {
          require(static_cast<uint64_t>(counts->size()) == n, "counts: length differs from keys");
          c = counts->data();
        }
        const uint64_t* h = hashes.data();
        py::gil_scoped_release release;
        qsm::cuda::cms_update(t.data, t.width, t.depth, seed, h, c, n);
      },
      py::arg("table"), py::arg("seed"), py::arg("hashes"), py::arg("counts"));
}
