// qsmcore.reliability.monte_carlo kernels: the bit-parallel Monte Carlo over a flat
// Program (naive or importance sampling) and the raw state words the tests pin.
// Python has validated the program and the probabilities; the checks here only keep
// a wrong call from reading out of bounds.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "common.hpp"
#include "qsm/reliability/mc_bitparallel.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

struct ProgramArrays {
  CArray<int32_t> op, k, offsets, inputs;
  qsm::reliability::ProgramView view;
};

ProgramArrays program_view(int64_t n_events, const CArray<int32_t>& op, const CArray<int32_t>& k,
                           const CArray<int32_t>& offsets, const CArray<int32_t>& inputs,
                           int64_t top) {
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

// (failures, sum_w, sum_w2) of trials [start, start + trials); q empty = naive.
py::tuple mc_run(const CArray<double>& p, const CArray<double>& q, const CArray<int32_t>& op,
                 const CArray<int32_t>& k, const CArray<int32_t>& offsets,
                 const CArray<int32_t>& inputs, int64_t top, uint64_t key, uint64_t start,
                 uint64_t trials, int threads) {
  const auto pa = program_view(p.size(), op, k, offsets, inputs, top);
  require(q.size() == 0 || q.size() == p.size(), "reliability: q and p differ in length");
  require(start + trials >= start, "reliability: trial range overflows");
  qsm::reliability::McTally t;
  {
    py::gil_scoped_release release;
    if (q.size() == 0) {
      t = qsm::reliability::run_mc(pa.view, p.data(), nullptr, key, start, trials, threads);
    } else {
      const auto w = qsm::reliability::is_weights(p.data(), q.data(), p.size());
      t = qsm::reliability::run_mc(pa.view, q.data(), &w, key, start, trials, threads);
    }
  }
  return py::make_tuple(t.failures, t.sum_w, t.sum_w2);
}

// Event words (n_blocks, n_events) and top words (n_blocks,) of blocks first_block ...
py::tuple mc_words(const CArray<double>& p, const CArray<int32_t>& op, const CArray<int32_t>& k,
                   const CArray<int32_t>& offsets, const CArray<int32_t>& inputs, int64_t top,
                   uint64_t key, uint64_t first_block, int64_t n_blocks, int threads) {
  const auto pa = program_view(p.size(), op, k, offsets, inputs, top);
  require(n_blocks >= 0 && n_blocks <= (int64_t{1} << 24), "reliability: n_blocks out of range");
  py::array_t<uint64_t> events({static_cast<py::ssize_t>(n_blocks), p.size()});
  py::array_t<uint64_t> top_words(static_cast<py::ssize_t>(n_blocks));
  uint64_t* ev = events.mutable_data();
  uint64_t* tw = top_words.mutable_data();
  {
    py::gil_scoped_release release;
    qsm::reliability::sample_words(pa.view, p.data(), key, first_block,
                                   static_cast<uint64_t>(n_blocks), ev, tw, threads);
  }
  return py::make_tuple(events, top_words);
}

}  // namespace

void register_reliability_mc(py::module_& m) {
  m.def("reliability_mc", &mc_run, py::arg("p"), py::arg("q"), py::arg("op"), py::arg("k"),
        py::arg("offsets"), py::arg("inputs"), py::arg("top"), py::arg("key"), py::arg("start"),
        py::arg("trials"), py::arg("threads"));
  m.def("reliability_mc_words", &mc_words, py::arg("p"), py::arg("op"), py::arg("k"),
        py::arg("offsets"), py::arg("inputs"), py::arg("top"), py::arg("key"),
        py::arg("first_block"), py::arg("n_blocks"), py::arg("threads"));
}
