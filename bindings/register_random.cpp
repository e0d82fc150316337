// qsmcore.random kernels: Philox blocks and distribution sampling.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <optional>

#include "common.hpp"
#include "dist_args.hpp"
#include "qsm/core/distributions.hpp"
#include "qsm/core/philox.hpp"
#include "qsm/core/sample_batch.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

template <int R>
void philox_rows(const uint32_t* in, uint32_t* out, py::ssize_t rows, qsm::PhiloxKey key) {
  for (py::ssize_t r = 0; r < rows; ++r) {
    const qsm::U32x4 c{{in[4 * r], in[4 * r + 1], in[4 * r + 2], in[4 * r + 3]}};
    const qsm::U32x4 y = qsm::philox4x32<R>(c, key);
    for (int j = 0; j < 4; ++j) out[4 * r + j] = y.v[j];
  }
}

}  // namespace

void register_random(py::module_& m) {
  m.def(
      "philox4x32",
      [](CArray<uint32_t> counters, uint32_t k0, uint32_t k1, int rounds) {
        require(counters.ndim() == 2 && counters.shape(1) == 4, "counters must have shape (n, 4)");
        require(rounds == 7 || rounds == 10, "rounds must be 7 or 10");
        py::array_t<uint32_t> out({counters.shape(0), py::ssize_t{4}});
        const qsm::PhiloxKey key{k0, k1};
        if (rounds == 10)
          philox_rows<10>(counters.data(), out.mutable_data(), counters.shape(0), key);
        else
          philox_rows<7>(counters.data(), out.mutable_data(), counters.shape(0), key);
        return out;
      },
      py::arg("counters"), py::arg("k0"), py::arg("k1"), py::arg("rounds") = 10);

  m.def(
      "sample",
      [](int kind, std::array<double, 4> params, std::optional<CArray<double>> data, uint64_t n,
         uint64_t key, uint64_t start, uint32_t lane, int threads) {
        const qsm::Dist d = qsm::bind::make_dist(kind, params, data);
        py::array_t<double> out(static_cast<py::ssize_t>(n));
        double* dst = out.mutable_data();
        {
          py::gil_scoped_release release;
          qsm::sample_into(d, key, start, lane, dst, n, threads);
        }
        return out;
      },
      py::arg("kind"), py::arg("params"), py::arg("data"), py::arg("n"), py::arg("key"),
      py::arg("start"), py::arg("lane"), py::arg("threads"));
}
