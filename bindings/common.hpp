// Small conversion helpers shared by the binding files. Validation that names
// parameters in user terms happens in python/qsmcore; these checks are the last
// line of defence that keeps a wrong call from reading out of bounds.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <stdexcept>
#include <string>

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

}  // namespace qsm::bind
