// Small conversion helpers shared by the binding files. Validation that names
// parameters in user terms happens in python/qsmcore; these checks are the last
// line of defence that keeps a wrong call from reading out of bounds.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace qsm::bind {

namespace py = pybind11;

// A contiguous, correctly typed view of `obj`: no copy when it already is one.
template <class T>
using CArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

// The const char* overload keeps a check inside a hot loop free of a std::string
// construction (and heap allocation) per call; build a dynamic message only on failure.
inline void require(bool ok, const char* message) {
  if (!ok) throw py::value_error(message);
}

inline void require(bool ok, const std::string& message) {
  if (!ok) throw py::value_error(message);
}

// A fresh 1-D or n-D uint64 array shaped like `like`.
inline py::array_t<uint64_t> empty_u64_like(const py::array& like) {
  std::vector<py::ssize_t> shape(like.shape(), like.shape() + like.ndim());
  return py::array_t<uint64_t>(shape);
}

// A NumPy uint64 array holding a copy of `v`.
inline py::array_t<uint64_t> to_u64_array(const std::vector<uint64_t>& v) {
  py::array_t<uint64_t> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

// Items of a Python sequence as (pointer, length) byte views: str as its UTF-8
// form (cached inside the str object by CPython), bytes as is.
inline void view_text_item(PyObject* item, py::ssize_t index, const char*& data, Py_ssize_t& len) {
  if (PyUnicode_Check(item)) {
    data = PyUnicode_AsUTF8AndSize(item, &len);
    if (data == nullptr) throw py::error_already_set();
  } else if (PyBytes_Check(item)) {
    data = PyBytes_AS_STRING(item);
    len = PyBytes_GET_SIZE(item);
  } else if (PyByteArray_Check(item)) {
    data = PyByteArray_AS_STRING(item);
    len = PyByteArray_GET_SIZE(item);
  } else {
    throw py::type_error("values[" + std::to_string(index) + "] has type " +
                         std::string(Py_TYPE(item)->tp_name) + "; expected str or bytes");
  }
}

// Calls f(i, data, len) for every str/bytes item of a Python sequence and
// returns how many there were; `expected` >= 0 is checked against that count
// before any call (a caller sizing an output by len(seq) stays in bounds). The GIL stays held: the
// items are Python objects another thread could free while we read them; the loop itself is C.
template <class F>
Py_ssize_t for_each_text_item(const py::sequence& seq, F&& f, Py_ssize_t expected = -1) {
  py::object fast = py::reinterpret_steal<py::object>(
      PySequence_Fast(seq.ptr(), "values must be a sequence of str or bytes"));
  if (!fast) throw py::error_already_set();
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(fast.ptr());
  PyObject** items = PySequence_Fast_ITEMS(fast.ptr());
  require(expected < 0 || n == expected, "values: the sequence changed length while read");
  for (Py_ssize_t i = 0; i < n; ++i) {
    const char* data = nullptr;
    Py_ssize_t len = 0;
    view_text_item(items[i], i, data, len);
    f(i, data, static_cast<size_t>(len));
  }
  return n;
}

}  // namespace qsm::bind
