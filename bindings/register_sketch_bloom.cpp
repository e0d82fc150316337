// qsmcore.sketch.BloomFilter kernels: the Python object owns the uint64 word array;
// these functions set and test bits in it (see qsm/sketch/bloom.hpp).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "common.hpp"
#include "qsm/sketch/bloom.hpp"

namespace py = pybind11;
using qsm::bind::require;

namespace {

using Words = py::array_t<uint64_t, py::array::c_style>;
using Hashes = qsm::bind::CArray<uint64_t>;

// The filter geometry must match the words, or a probe would land outside them.
uint64_t check_words(const Words& words, int kind, uint64_t size, uint32_t k) {
  require(words.ndim() == 1, "bloom: words must be 1-D");
  const auto nwords = static_cast<uint64_t>(words.size());
  if (kind == 0) {
    require(size >= 1 && k >= 1 && k <= size, "bloom: need 1 <= k <= m");
    require(nwords == (size + 63) / 64, "bloom: word count does not match m");
  } else {
    require(size >= 1 && size <= (1ull << 32), "bloom: blocks out of range");
    require(nwords == size * qsm::sketch::kBlockWords, "bloom: word count does not match blocks");
  }
  return nwords;
}

void add(Words words, int kind, uint64_t size, uint32_t k, const Hashes& hashes, int threads) {
  check_words(words, kind, size, k);
  require(words.writeable(), "bloom: words are read-only");
  uint64_t* w = words.mutable_data();
  const uint64_t* h = hashes.data();
  const auto n = static_cast<uint64_t>(hashes.size());
  py::gil_scoped_release release;
  if (kind == 0)
    qsm::sketch::classic_add(w, size, k, h, n, threads);
  else
    qsm::sketch::block_add(w, size, h, n, threads);
}

py::array_t<bool> contains(const Words& words, int kind, uint64_t size, uint32_t k,
                           const Hashes& hashes, int threads) {
  check_words(words, kind, size, k);
  py::array_t<bool> out(hashes.size());
  bool* o = out.mutable_data();
  const uint64_t* w = words.data();
  const uint64_t* h = hashes.data();
  const auto n = static_cast<uint64_t>(hashes.size());
  py::gil_scoped_release release;
  if (kind == 0)
    qsm::sketch::classic_contains(w, size, k, h, n, o, threads);
  else
    qsm::sketch::block_contains(w, size, h, n, o, threads);
  return out;
}

uint64_t popcount(const Words& words) {
  const uint64_t* w = words.data();
  const auto n = static_cast<uint64_t>(words.size());
  py::gil_scoped_release release;
  return qsm::sketch::bloom_popcount(w, n);
}

}  // namespace

void register_sketch_bloom(py::module_& m) {
  m.def("bloom_add", &add, py::arg("words").noconvert(), py::arg("kind"), py::arg("size"),
        py::arg("k"), py::arg("hashes"), py::arg("threads"));
  m.def("bloom_contains", &contains, py::arg("words").noconvert(), py::arg("kind"), py::arg("size"),
        py::arg("k"), py::arg("hashes"), py::arg("threads"));
  m.def("bloom_popcount", &popcount, py::arg("words").noconvert());
}
