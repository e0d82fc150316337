// qsmcore.reliability.monte_carlo / network_reliability_mc kernels: the bit-parallel
// Monte Carlo over a flat Program or a graph's connectivity (naive or importance
// sampling), and the raw state words the tests pin.
// Python has validated the program and the probabilities; the checks here only keep
// a wrong call from reading out of bounds.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "common.hpp"
#include "qsm/reliability/mc_bitparallel.hpp"
#include "qsm/reliability/network_mc.hpp"
#include "reliability_program.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

using qsm::bind::program_view;
using qsm::bind::ProgramArrays;

// (failures, sum_w, sum_w2) of trials [start, start + trials); q empty = naive.
template <class Eval>
py::tuple run(const Eval& eval, const CArray<double>& p, const CArray<double>& q, uint64_t key,
              uint64_t start, uint64_t trials, int threads) {
  require(q.size() == 0 || q.size() == p.size(), "reliability: q and p differ in length");
  require(start + trials >= start, "reliability: trial range overflows");
  qsm::reliability::McTally t;
  {
    py::gil_scoped_release release;
    if (q.size() == 0) {
      t = qsm::reliability::run_mc(eval, p.data(), nullptr, key, start, trials, threads);
    } else {
      const auto w = qsm::reliability::is_weights(p.data(), q.data(), p.size());
      t = qsm::reliability::run_mc(eval, q.data(), &w, key, start, trials, threads);
    }
  }
  return py::make_tuple(t.failures, t.sum_w, t.sum_w2);
}

// Event words (n_blocks, n_events) and failed-system words (n_blocks,).
template <class Eval>
py::tuple words(const Eval& eval, const CArray<double>& p, uint64_t key, uint64_t first_block,
                int64_t n_blocks, int threads) {
  require(n_blocks >= 0 && n_blocks <= (int64_t{1} << 24), "reliability: n_blocks out of range");
  py::array_t<uint64_t> events({static_cast<py::ssize_t>(n_blocks), p.size()});
  py::array_t<uint64_t> top_words(static_cast<py::ssize_t>(n_blocks));
  uint64_t* ev = events.mutable_data();
  uint64_t* tw = top_words.mutable_data();
  {
    py::gil_scoped_release release;
    qsm::reliability::sample_words(eval, p.data(), key, first_block,
                                   static_cast<uint64_t>(n_blocks), ev, tw, threads);
  }
  return py::make_tuple(events, top_words);
}

py::tuple mc_run(const CArray<double>& p, const CArray<double>& q, const CArray<int32_t>& op,
                 const CArray<int32_t>& k, const CArray<int32_t>& offsets,
                 const CArray<int32_t>& inputs, int64_t top, uint64_t key, uint64_t start,
                 uint64_t trials, int threads) {
  const auto pa = program_view(p.size(), op, k, offsets, inputs, top);
  return run(qsm::reliability::ProgramEval{pa.view}, p, q, key, start, trials, threads);
}

// p holds m edge probabilities, or m edge then n_nodes node probabilities.
qsm::reliability::NetworkEval network_eval(int64_t n_p, const CArray<int32_t>& tails,
                                           const CArray<int32_t>& heads, int64_t n_nodes,
                                           const CArray<int32_t>& terminals) {
  const int64_t m = tails.size();
  require(m >= 1 && heads.size() == m, "reliability: bad edge arrays");
  require(n_nodes >= 1 && n_nodes < (int64_t{1} << 31), "reliability: bad n_nodes");
  require(n_p == m || n_p == m + n_nodes, "reliability: p must hold m or m + n_nodes values");
  require(terminals.size() >= 2 && terminals.size() <= n_nodes, "reliability: bad terminals");
  bool ok = true;
  for (int64_t e = 0; e < m; ++e)
    ok = ok && 0 <= tails.data()[e] && tails.data()[e] < n_nodes && 0 <= heads.data()[e] &&
         heads.data()[e] < n_nodes;
  for (int64_t k = 0; k < terminals.size(); ++k)
    ok = ok && 0 <= terminals.data()[k] && terminals.data()[k] < n_nodes;
  require(ok, "reliability: a node id is out of range");
  return qsm::reliability::NetworkEval{m,
                                       n_nodes,
                                       tails.data(),
                                       heads.data(),
                                       terminals.data(),
                                       terminals.size(),
                                       n_p == m + n_nodes};
}

py::tuple network_run(const CArray<double>& p, const CArray<double>& q,
                      const CArray<int32_t>& tails, const CArray<int32_t>& heads, int64_t n_nodes,
                      const CArray<int32_t>& terminals, uint64_t key, uint64_t start,
                      uint64_t trials, int threads) {
  const auto eval = network_eval(p.size(), tails, heads, n_nodes, terminals);
  return run(eval, p, q, key, start, trials, threads);
}

py::tuple network_words(const CArray<double>& p, const CArray<int32_t>& tails,
                        const CArray<int32_t>& heads, int64_t n_nodes,
                        const CArray<int32_t>& terminals, uint64_t key, uint64_t first_block,
                        int64_t n_blocks, int threads) {
  const auto eval = network_eval(p.size(), tails, heads, n_nodes, terminals);
  return words(eval, p, key, first_block, n_blocks, threads);
}

py::tuple mc_words(const CArray<double>& p, const CArray<int32_t>& op, const CArray<int32_t>& k,
                   const CArray<int32_t>& offsets, const CArray<int32_t>& inputs, int64_t top,
                   uint64_t key, uint64_t first_block, int64_t n_blocks, int threads) {
  const auto pa = program_view(p.size(), op, k, offsets, inputs, top);
  return words(qsm::reliability::ProgramEval{pa.view}, p, key, first_block, n_blocks, threads);
}

}  // namespace

namespace {

// Failures of trials [start, start + trials) by the per-group scalar path the GPU
// runs (group_failures), on one CPU thread: the tests compare it with run_mc.
uint64_t mc_scalar(const CArray<double>& p, const CArray<int32_t>& op, const CArray<int32_t>& k,
                   const CArray<int32_t>& offsets, const CArray<int32_t>& inputs, int64_t top,
                   uint64_t key, uint64_t start, uint64_t trials) {
  const ProgramArrays pa = program_view(p.size(), op, k, offsets, inputs, top);
  require(start + trials >= start, "reliability: trial range overflows");
  std::vector<qsm::reliability::BernoulliP> bp(static_cast<size_t>(p.size()));
  for (size_t i = 0; i < bp.size(); ++i) bp[i] = qsm::reliability::bernoulli_p(p.data()[i]);
  std::vector<uint64_t> vals(static_cast<size_t>(pa.view.nodes()) * qsm::reliability::kGroupWords);
  auto scratch = std::make_unique<qsm::reliability::GroupScratch>();
  uint64_t failures = 0;
  bool ok = false;
  {
    py::gil_scoped_release release;
    ok = qsm::reliability::scalar_failures(pa.view, bp.data(), key, start, trials, *scratch,
                                           vals.data(), failures);
  }
  if (!ok) qsm::reliability::group_scratch_exceeded();
  return failures;
}

}  // namespace

void register_reliability_mc(py::module_& m) {
  m.def("reliability_mc_scalar", &mc_scalar, py::arg("p"), py::arg("op"), py::arg("k"),
        py::arg("offsets"), py::arg("inputs"), py::arg("top"), py::arg("key"), py::arg("start"),
        py::arg("trials"));
  m.def("reliability_mc", &mc_run, py::arg("p"), py::arg("q"), py::arg("op"), py::arg("k"),
        py::arg("offsets"), py::arg("inputs"), py::arg("top"), py::arg("key"), py::arg("start"),
        py::arg("trials"), py::arg("threads"));
  m.def("reliability_mc_words", &mc_words, py::arg("p"), py::arg("op"), py::arg("k"),
        py::arg("offsets"), py::arg("inputs"), py::arg("top"), py::arg("key"),
        py::arg("first_block"), py::arg("n_blocks"), py::arg("threads"));
  m.def("reliability_network_mc", &network_run, py::arg("p"), py::arg("q"), py::arg("tails"),
        py::arg("heads"), py::arg("n_nodes"), py::arg("terminals"), py::arg("key"),
        py::arg("start"), py::arg("trials"), py::arg("threads"));
  m.def("reliability_network_words", &network_words, py::arg("p"), py::arg("tails"),
        py::arg("heads"), py::arg("n_nodes"), py::arg("terminals"), py::arg("key"),
        py::arg("first_block"), py::arg("n_blocks"), py::arg("threads"));
}
