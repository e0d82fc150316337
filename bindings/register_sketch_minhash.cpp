// qsmcore.sketch.MinHash / MinHashLSH kernels: the Python object owns the uint64
// signature; these functions fold item hashes into it and cut it into LSH band keys
// (see qsm/sketch/minhash.hpp).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "common.hpp"
#include "qsm/sketch/minhash.hpp"

namespace py = pybind11;
using qsm::bind::require;

namespace {

using Sig = py::array_t<uint64_t, py::array::c_style>;
using U64 = qsm::bind::CArray<uint64_t>;

void update(Sig sig, const U64& keys, const U64& hashes, int threads) {
  require(sig.ndim() == 1 && keys.ndim() == 1 && sig.size() == keys.size() && sig.size() >= 1,
          "minhash: signature and slot keys must be 1-D of equal length");
  require(sig.writeable(), "minhash: signature is read-only");
  uint64_t* s = sig.mutable_data();
  const uint64_t* kp = keys.data();
  const uint64_t* h = hashes.data();
  const auto k = static_cast<uint32_t>(sig.size());
  const auto n = static_cast<uint64_t>(hashes.size());
  py::gil_scoped_release release;
  qsm::sketch::minhash_update(s, kp, k, h, n, threads);
}

py::array_t<uint64_t> slot_keys(uint32_t k, uint64_t seed) {
  py::array_t<uint64_t> out(k);
  uint64_t* o = out.mutable_data();
  for (uint32_t i = 0; i < k; ++i) o[i] = qsm::sketch::splitmix64_at(seed, i);
  return out;
}

// Band keys of many signatures at once: sigs is (n, k); returns (n, bands).
py::array_t<uint64_t> band_keys(const U64& sigs, uint32_t bands, uint32_t rows) {
  require(sigs.ndim() == 2, "minhash: signatures must be 2-D (n, num_perm)");
  require(bands >= 1 && rows >= 1 &&
              static_cast<uint64_t>(bands) * rows <= static_cast<uint64_t>(sigs.shape(1)),
          "minhash: bands * rows exceeds num_perm");
  const auto n = static_cast<uint64_t>(sigs.shape(0));
  const auto k = static_cast<uint64_t>(sigs.shape(1));
  py::array_t<uint64_t> out({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(bands)});
  uint64_t* o = out.mutable_data();
  const uint64_t* s = sigs.data();
  py::gil_scoped_release release;
  for (uint64_t j = 0; j < n; ++j)
    for (uint32_t b = 0; b < bands; ++b)
      o[j * bands + b] = qsm::sketch::band_key(s + j * k, b, rows);
  return out;
}

}  // namespace

void register_sketch_minhash(py::module_& m) {
  m.def("minhash_update", &update, py::arg("sig").noconvert(), py::arg("keys"), py::arg("hashes"),
        py::arg("threads"));
  m.def("minhash_slot_keys", &slot_keys, py::arg("k"), py::arg("seed"));
  m.def("minhash_band_keys", &band_keys, py::arg("sigs"), py::arg("bands"), py::arg("rows"));
}
