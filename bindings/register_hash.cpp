// qsmcore.hash64 kernels: numeric arrays, fixed-width string arrays, and
// sequences of str/bytes, all hashed with xxh3_64 (see qsm/core/hash_batch.hpp).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "common.hpp"
#include "qsm/core/hash.hpp"
#include "qsm/core/hash_batch.hpp"

namespace py = pybind11;
using qsm::bind::require;

namespace {

// Calls f(static_cast<const T*>(nullptr)) with T the C type of a numeric dtype.
template <class F>
bool visit_numeric(const py::dtype& dt, F&& f) {
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  if (kind == 'b') return f(static_cast<const bool*>(nullptr)), true;
  if (kind == 'i') {
    if (size == 1) return f(static_cast<const int8_t*>(nullptr)), true;
    if (size == 2) return f(static_cast<const int16_t*>(nullptr)), true;
    if (size == 4) return f(static_cast<const int32_t*>(nullptr)), true;
    if (size == 8) return f(static_cast<const int64_t*>(nullptr)), true;
  }
  if (kind == 'u') {
    if (size == 1) return f(static_cast<const uint8_t*>(nullptr)), true;
    if (size == 2) return f(static_cast<const uint16_t*>(nullptr)), true;
    if (size == 4) return f(static_cast<const uint32_t*>(nullptr)), true;
    if (size == 8) return f(static_cast<const uint64_t*>(nullptr)), true;
  }
  if (kind == 'f') {
    if (size == 4) return f(static_cast<const float*>(nullptr)), true;
    if (size == 8) return f(static_cast<const double*>(nullptr)), true;
  }
  return false;
}

// Non-native byte order or non-C strides: one copy into native C order.
py::array as_native_contiguous(const py::array& values) {
  const char order = values.dtype().byteorder();
  const bool swapped =
      (order == '>' || order == '<') && !values.dtype().attr("isnative").cast<bool>();
  if (swapped) {
    py::object native = values.dtype().attr("newbyteorder")("=");
    return py::module_::import("numpy").attr("ascontiguousarray")(values, native);
  }
  return py::array::ensure(values, py::array::c_style);
}

py::array_t<uint64_t> hash_array(const py::array& values_in, uint64_t seed, int threads) {
  py::array values = as_native_contiguous(values_in);
  require(static_cast<bool>(values), "values: cannot view the array as contiguous");
  auto out = qsm::bind::empty_u64_like(values);
  uint64_t* dst = out.mutable_data();
  const auto n = static_cast<uint64_t>(values.size());
  const py::dtype dt = values.dtype();
  const void* src = values.data();
  const bool numeric = visit_numeric(dt, [&](auto tag) {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(tag)>>;
    const T* p = static_cast<const T*>(src);
    py::gil_scoped_release release;
    qsm::hash_numeric(p, dst, n, seed, threads);
  });
  if (numeric) return out;
  if (dt.kind() == 'S') {
    const auto itemsize = static_cast<uint64_t>(dt.itemsize());
    py::gil_scoped_release release;
    qsm::hash_fixed_bytes(static_cast<const uint8_t*>(src), itemsize, n, dst, seed, threads);
    return out;
  }
  if (dt.kind() == 'U') {
    const auto chars = static_cast<uint64_t>(dt.itemsize()) / 4;
    py::gil_scoped_release release;
    qsm::hash_fixed_ucs4(static_cast<const uint32_t*>(src), chars, n, dst, seed, threads);
    return out;
  }
  throw py::type_error("values: cannot hash arrays of dtype " +
                       std::string(py::str(static_cast<py::object>(dt))) +
                       "; expected integers, floats, bools, bytes (S) or str (U)");
}

// Hash-input words of a numeric array (for the GPU backend, which hashes words).
py::array_t<uint64_t> hash_words(const py::array& values_in, int threads) {
  py::array values = as_native_contiguous(values_in);
  auto out = qsm::bind::empty_u64_like(values);
  uint64_t* dst = out.mutable_data();
  const auto n = static_cast<uint64_t>(values.size());
  const void* src = values.data();
  const bool numeric = visit_numeric(values.dtype(), [&](auto tag) {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(tag)>>;
    py::gil_scoped_release release;
    qsm::hash_words(static_cast<const T*>(src), dst, n, threads);
  });
  if (!numeric) throw py::type_error("values: hash_words needs a numeric array");
  return out;
}

// Hashes of a sequence of str/bytes (see for_each_text_item: the GIL stays held).
py::array_t<uint64_t> hash_sequence(const py::sequence& seq, uint64_t seed) {
  const auto n = static_cast<py::ssize_t>(py::len(seq));
  py::array_t<uint64_t> out(n);
  uint64_t* dst = out.mutable_data();
  qsm::bind::for_each_text_item(
      seq,
      [&](Py_ssize_t i, const char* data, size_t len) { dst[i] = qsm::xxh3_64(data, len, seed); },
      n);
  return out;
}

// Packs a sequence of str/bytes into one buffer plus offsets (for the GPU backend).
py::tuple pack_sequence(const py::sequence& seq) {
  std::string buffer;
  std::vector<uint64_t> offsets{0};
  qsm::bind::for_each_text_item(seq, [&](Py_ssize_t, const char* data, size_t len) {
    buffer.append(data, len);
    offsets.push_back(buffer.size());
  });
  py::array_t<uint8_t> bytes(static_cast<py::ssize_t>(buffer.size()));
  std::copy(buffer.begin(), buffer.end(), bytes.mutable_data());
  return py::make_tuple(bytes, qsm::bind::to_u64_array(offsets));
}

}  // namespace

void register_hash(py::module_& m) {
  m.def("hash_array", &hash_array, py::arg("values"), py::arg("seed"), py::arg("threads"));
  m.def("hash_words", &hash_words, py::arg("values"), py::arg("threads"));
  m.def("hash_sequence", &hash_sequence, py::arg("values"), py::arg("seed"));
  m.def("pack_sequence", &pack_sequence, py::arg("values"));
  m.def(
      "hash_bytes",
      [](py::buffer data, uint64_t seed) {
        py::buffer_info info = data.request();
        require(info.ndim <= 1 && (info.ndim == 0 || info.strides[0] == info.itemsize),
                "values: bytes-like object must be contiguous");
        const auto len = static_cast<size_t>(info.size * info.itemsize);
        return qsm::xxh3_64(info.ptr, len, seed);
      },
      py::arg("data"), py::arg("seed"));
  m.def(
      "hash_u64", [](uint64_t word, uint64_t seed) { return qsm::xxh3_64_u64(word, seed); },
      py::arg("word"), py::arg("seed"));
}
