// qsmcore._cuda: pybind11 glue over the launchers in cuda/ (compiled by nvcc
// into qsm_cuda_kernels). Same call signatures as the matching _core functions.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <optional>
#include <string>

#include "build_info.hpp"
#include "common.hpp"
#include "cuda/launch.hpp"
#include "dist_args.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

// Sketch kernels (bindings/cuda_register_sketch_*.cpp).
void register_cuda_sketch_hll(py::module_& m);
void register_cuda_sketch_countmin(py::module_& m);
// Queue simulation (bindings/cuda_register_queue_station.cpp).
void register_cuda_queue_station(py::module_& m);
void register_cuda_reliability_mc(py::module_& m);

PYBIND11_MODULE(_cuda, m) {
  m.doc() = "qsmcore CUDA kernels (private: use the qsmcore package API)";
  register_cuda_sketch_hll(m);
  register_cuda_sketch_countmin(m);
  register_cuda_queue_station(m);
  register_cuda_reliability_mc(m);

  m.def("device_count", [] {
    std::string error;
    const int count = qsm::cuda::device_count(error);
    return py::make_tuple(count, error);
  });
  m.def("devices", [] {
    py::list out;
    for (const auto& d : qsm::cuda::devices()) {
      py::dict e;
      e["index"] = d.index;
      e["name"] = d.name;
      e["compute_capability"] =
          std::to_string(d.compute_major) + "." + std::to_string(d.compute_minor);
      e["total_memory"] = d.total_memory;
      e["multiprocessors"] = d.multiprocessors;
      out.append(e);
    }
    return out;
  });
  m.def("build_info", [] {
    py::dict d;
    d["cuda_version"] = qsm::build::kCudaVersion;
    d["architectures"] = qsm::build::kCudaArchitectures;
    d["runtime_version"] = qsm::cuda::runtime_version();
    d["driver_version"] = qsm::cuda::driver_version();
    return d;
  });

  m.def(
      "sample",
      [](int kind, std::array<double, 4> params, std::optional<CArray<double>> data, uint64_t n,
         uint64_t key, uint64_t start, uint32_t lane, int /*threads*/) {
        const qsm::Dist d = qsm::bind::make_dist(kind, params, data);
        py::array_t<double> out(static_cast<py::ssize_t>(n));
        double* dst = out.mutable_data();
        py::gil_scoped_release release;
        qsm::cuda::sample(d, key, start, lane, dst, n);
        return out;
      },
      py::arg("kind"), py::arg("params"), py::arg("data"), py::arg("n"), py::arg("key"),
      py::arg("start"), py::arg("lane"), py::arg("threads"));

  m.def(
      "hash_words",
      [](CArray<uint64_t> words, uint64_t seed) {
        auto out = qsm::bind::empty_u64_like(words);
        const uint64_t* src = words.data();
        uint64_t* dst = out.mutable_data();
        const auto n = static_cast<uint64_t>(words.size());
        py::gil_scoped_release release;
        qsm::cuda::hash_words(src, dst, n, seed);
        return out;
      },
      py::arg("words"), py::arg("seed"));

  m.def(
      "hash_packed",
      [](CArray<uint8_t> data, CArray<uint64_t> offsets, uint64_t seed) {
        require(offsets.ndim() == 1 && offsets.size() >= 1, "offsets must be 1-D and non-empty");
        const auto n = static_cast<uint64_t>(offsets.size() - 1);
        const uint64_t* off = offsets.data();
        require(off[0] == 0 && off[n] == static_cast<uint64_t>(data.size()),
                "offsets must start at 0 and end at len(data)");
        for (uint64_t i = 0; i < n; ++i) require(off[i] <= off[i + 1], "offsets must not decrease");
        py::array_t<uint64_t> out(static_cast<py::ssize_t>(n));
        uint64_t* dst = out.mutable_data();
        const uint8_t* bytes = data.data();
        const auto nbytes = static_cast<uint64_t>(data.size());
        py::gil_scoped_release release;
        qsm::cuda::hash_packed(bytes, nbytes, off, n, dst, seed);
        return out;
      },
      py::arg("data"), py::arg("offsets"), py::arg("seed"));
}
