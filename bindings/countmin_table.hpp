// The Count-Min counter table as both backends' bindings see it: the
// C-contiguous, writeable uint64 (depth, width) array the Python object owns.
#pragma once

#include <pybind11/numpy.h>

#include <cstdint>

#include "common.hpp"

namespace qsm::bind {

// The counter table, written in place: it must be the C-contiguous, writeable
// uint64 (depth, width) array the Python object owns (a converted copy would
// silently drop the update).
struct Table {
  uint64_t* data;
  uint64_t width;
  uint32_t depth;
};

inline Table table_of(py::array& table) {
  require(table.dtype().is(py::dtype::of<uint64_t>()), "table: must be a uint64 array");
  require(table.ndim() == 2, "table: must be 2-D (depth, width)");
  require((table.flags() & py::array::c_style) != 0, "table: must be C-contiguous");
  require(table.writeable(), "table: must be writeable");
  const auto depth = static_cast<uint64_t>(table.shape(0));
  const auto width = static_cast<uint64_t>(table.shape(1));
  require(depth >= 1 && depth <= 64, "table: depth must be in [1, 64]");
  require(width >= 1 && width < (uint64_t{1} << 32), "table: width must be in [1, 2**32)");
  return {static_cast<uint64_t*>(table.mutable_data()), width, static_cast<uint32_t>(depth)};
}

}  // namespace qsm::bind
