// Small conversion helpers shared by the binding files. Validation that names
// parameters in user terms happens in python/qsmcore; these checks are the last
// line of defence that keeps a wrong call from reading out of bounds.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace qsm::bind {

namespace py = pybind11;

// A contiguous, correctly typed view of `obj`: no copy when it already is one.
template <class T>
using CArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

inline void require(bool ok, const std::string& message) {
  if (!ok) throw py::value_error(message);
}

// A fresh 1-D or n-D uint64 array shaped like `like`.
inline py::array_t<uint64_t> empty_u64_like(const py::array& like) {
  std::vector<py::ssize_t> shape(like.shape(), like.shape() + like.ndim());
  return py::array_t<uint64_t>(shape);
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

}  // namespace qsm::bind
