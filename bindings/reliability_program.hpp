// Validation of a reliability Program's gate arrays, shared by the CPU and CUDA
// bindings: a view the kernels can read, or a ValueError.
#pragma once

#include <pybind11/numpy.h>

#include <cstdint>

#include "common.hpp"
#include "qsm/reliability/mc_program.hpp"

namespace qsm::bind {

struct ProgramArrays {
  CArray<int32_t> op, k, offsets, inputs;
  qsm::reliability::ProgramView view;
};

inline ProgramArrays program_view(int64_t n_events, const CArray<int32_t>& op,
                                  const CArray<int32_t>& k, const CArray<int32_t>& offsets,
                                  const CArray<int32_t>& inputs, int64_t top) {
  const int64_t n_gates = op.size();
  require(n_events >= 1 && n_events < (int64_t{1} << 31), "reliability: bad n_events");
  require(k.size() == n_gates && offsets.size() == n_gates + 1, "reliability: bad gate arrays");
  require(0 <= top && top < n_events + n_gates, "reliability: top out of range");
  const int32_t* off = offsets.data();
  const int32_t* in = inputs.data();
  const int32_t* o = op.data();
  require(off[0] == 0 && off[n_gates] == inputs.size(), "reliability: bad offsets");
  bool ok = true;
  for (int64_t j = 0; j < n_gates && ok; ++j) {
    ok = off[j] < off[j + 1] && o[j] >= 0 && o[j] <= 3 && (o[j] != 3 || off[j + 1] - off[j] == 1);
    for (int32_t a = off[j]; a < off[j + 1] && ok; ++a) ok = 0 <= in[a] && in[a] < n_events + j;
  }
  require(ok, "reliability: a gate has a bad op, no inputs, or an input not before it");
  ProgramArrays pa{op, k, offsets, inputs, {}};
  pa.view = qsm::reliability::ProgramView{
      n_events, n_gates, pa.op.data(), pa.k.data(), pa.offsets.data(), pa.inputs.data(), top};
  return pa;
}

}  // namespace qsm::bind
