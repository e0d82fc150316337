// qsmcore.reliability.exact kernels: P(top) by series-parallel reduction or a BDD,
// importance measures from the BDD, minimal cut sets through a ZBDD. The arrays are
// the flat Program (python/qsmcore/reliability/_program.py); the Python layer has
// validated them with messages in user terms, these checks only keep a wrong call
// from reading out of bounds.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common.hpp"
#include "qsm/reliability/bdd.hpp"
#include "qsm/reliability/bdd_measures.hpp"
#include "qsm/reliability/cutsets_zbdd.hpp"
#include "qsm/reliability/deep_stack.hpp"
#include "qsm/reliability/exact_program.hpp"
#include "qsm/reliability/series_parallel.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;
namespace rel = qsm::reliability;

namespace {

struct ProgramArrays {
  CArray<double> p;
  CArray<int32_t> op, k, offsets, inputs;
  rel::ProgramRef ref;
};

ProgramArrays program(const CArray<double>& p, const CArray<int32_t>& op, const CArray<int32_t>& k,
                      const CArray<int32_t>& offsets, const CArray<int32_t>& inputs, int64_t top) {
  ProgramArrays a{p, op, k, offsets, inputs, {}};
  const int64_t E = p.size(), G = op.size();
  require(E + G < (int64_t{1} << 30), "reliability: program too large");
  require(k.size() == G && offsets.size() == G + 1, "reliability: gate arrays differ in length");
  require(0 <= top && top < E + G, "reliability: top out of range");
  const double* pp = p.data();
  for (int64_t i = 0; i < E; ++i)
    require(pp[i] >= 0.0 && pp[i] <= 1.0, "reliability: p must lie in [0, 1]");
  const int32_t* o = offsets.data();
  require(o[0] == 0 && o[G] == inputs.size(), "reliability: offsets do not frame inputs");
  const int32_t* in = inputs.data();
  const int32_t* opp = op.data();
  const int32_t* kp = k.data();
  // Offsets first, whole: a later gate's bad offset must not let an earlier gate read
  // past the inputs.
  for (int64_t j = 0; j < G; ++j)
    require(o[j + 1] > o[j], "reliability: offsets must increase (every gate needs an input)");
  for (int64_t j = 0; j < G; ++j) {
    const int32_t n = o[j + 1] - o[j];
    for (int32_t s = o[j]; s < o[j + 1]; ++s)
      require(in[s] >= 0 && in[s] < E + j, "reliability: gate input not in topological order");
    const int32_t t = opp[j];
    require(t >= rel::kAnd && t <= rel::kNot, "reliability: unknown gate op");
    require(t != rel::kVote || (kp[j] >= 1 && kp[j] <= n), "reliability: VOTE k out of range");
    require(t != rel::kNot || n == 1, "reliability: NOT takes one input");
  }
  a.ref.n_events = static_cast<int32_t>(E);
  a.ref.n_gates = static_cast<int32_t>(G);
  a.ref.p = pp;
  a.ref.op = opp;
  a.ref.k = kp;
  a.ref.offsets = o;
  a.ref.inputs = in;
  a.ref.top = static_cast<int32_t>(top);
  return a;
}

// Runs f with the GIL released, on a stack deep enough for one recursion level per
// basic event (deep_stack.hpp), and turns the node limit into a Python MemoryError.
template <class F>
auto without_gil(const rel::ProgramRef& g, F&& f) {
  decltype(f()) result{};
  try {
    py::gil_scoped_release release;
    rel::run_deep(static_cast<size_t>(g.n_events), [&] { result = f(); });
  } catch (const rel::NodeLimitError& e) {
    PyErr_SetString(PyExc_MemoryError, e.what());
    throw py::error_already_set();
  }
  return result;
}

// Nodes of the diagram the root reaches, terminals excluded.
int64_t live_count(const std::vector<uint8_t>& live) {
  return live.size() <= 2 ? 0 : static_cast<int64_t>(std::count(live.begin() + 2, live.end(), 1));
}

// method: 0 auto (series-parallel when the structure is a tree), 1 BDD, 2 series-parallel
// (a ValueError when the structure reads a node twice).
// Returns (probability, used_bdd, bdd_nodes).
py::tuple failure_probability(const CArray<double>& p, const CArray<int32_t>& op,
                              const CArray<int32_t>& k, const CArray<int32_t>& offsets,
                              const CArray<int32_t>& inputs, int64_t top, int64_t max_nodes,
                              int method) {
  const ProgramArrays a = program(p, op, k, offsets, inputs, top);
  require(max_nodes >= 2, "reliability: max_nodes too small");
  struct Out {
    double prob;
    bool bdd;
    int64_t nodes;
    bool not_tree = false;
  };
  require(method >= 0 && method <= 2, "reliability: unknown method");
  const Out out = without_gil(a.ref, [&] {
    const auto reach = rel::reachable_nodes(a.ref);
    if (method != 1) {
      if (rel::is_tree(a.ref, reach))
        return Out{rel::series_parallel_probability(a.ref, reach), false, 0};
      if (method == 2) return Out{0.0, false, 0, true};
    }
    const rel::VariableOrder order = rel::depth_first_order(a.ref);
    rel::Bdd bdd(static_cast<int32_t>(order.event_of_level.size()), static_cast<size_t>(max_nodes));
    const int32_t root = rel::build_bdd(a.ref, order, bdd);
    const auto live = rel::live_nodes(bdd.store(), root);
    std::vector<double> p_level(order.event_of_level.size());
    for (size_t l = 0; l < p_level.size(); ++l) p_level[l] = a.ref.p[order.event_of_level[l]];
    const auto P = rel::node_probabilities(bdd.store(), root, live, p_level);
    return Out{P[static_cast<size_t>(root)], true, live_count(live)};
  });
  if (out.not_tree)
    throw py::value_error(
        "failure_probability: method='series-parallel' needs a structure that reads no basic "
        "event or gate twice; use method='bdd' or 'auto'");
  return py::make_tuple(out.prob, out.bdd, out.nodes);
}

template <class T>
py::array_t<T> to_array(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

// Returns (probability, birnbaum, p_if_failed, p_if_working, bdd_nodes).
py::tuple importance(const CArray<double>& p, const CArray<int32_t>& op, const CArray<int32_t>& k,
                     const CArray<int32_t>& offsets, const CArray<int32_t>& inputs, int64_t top,
                     int64_t max_nodes) {
  const ProgramArrays a = program(p, op, k, offsets, inputs, top);
  require(max_nodes >= 2, "reliability: max_nodes too small");
  int64_t nodes = 0;
  const rel::BddMeasures m = without_gil(a.ref, [&] {
    const rel::VariableOrder order = rel::depth_first_order(a.ref);
    rel::Bdd bdd(static_cast<int32_t>(order.event_of_level.size()), static_cast<size_t>(max_nodes));
    const int32_t root = rel::build_bdd(a.ref, order, bdd);
    const auto live = rel::live_nodes(bdd.store(), root);
    nodes = live_count(live);
    return rel::bdd_measures(bdd.store(), root, order.event_of_level, a.ref.n_events, a.ref.p);
  });
  return py::make_tuple(m.probability, to_array(m.birnbaum), to_array(m.p_if_failed),
                        to_array(m.p_if_working), nodes);
}

// max_order < 0: no limit; max_count < 0: no limit; limit: the most sets this call may
// collect (the Python layer's guard against an exponential family).
// Returns (flat event ids, offsets, counts by size up to the order used).
py::tuple minimal_cut_sets(const CArray<double>& p, const CArray<int32_t>& op,
                           const CArray<int32_t>& k, const CArray<int32_t>& offsets,
                           const CArray<int32_t>& inputs, int64_t top, int64_t max_order,
                           int64_t max_count, int64_t limit, int64_t max_nodes) {
  const ProgramArrays a = program(p, op, k, offsets, inputs, top);
  require(max_nodes >= 2, "reliability: max_nodes too small");
  struct Out {
    std::vector<int32_t> flat;
    std::vector<int64_t> offs;
    std::vector<double> counts;
    double too_many = 0.0;  // the number of sets that listing would collect, when refused
    bool not_coherent = false;
  };
  const Out out = without_gil(a.ref, [&] {
    Out o;
    const auto reach = rel::reachable_nodes(a.ref);
    if (rel::has_reachable_not(a.ref, reach)) {
      o.not_coherent = true;
      return o;
    }
    const rel::VariableOrder order = rel::depth_first_order(a.ref);
    const auto L = static_cast<int32_t>(order.event_of_level.size());
    rel::Bdd bdd(L, static_cast<size_t>(max_nodes));
    const int32_t root = rel::build_bdd(a.ref, order, bdd);
    rel::MinimalCutSets mcs(bdd.store(), L, static_cast<size_t>(max_nodes));
    const int32_t z = mcs.minsol(
        root, max_order >= 0 ? static_cast<int32_t>(std::min<int64_t>(max_order, L)) : L);
    const int32_t order_cap = mcs.max_size(z);
    if (order_cap < 0) {
      o.offs.assign(1, 0);
      return o;
    }
    o.counts = mcs.counts_by_size(z, order_cap);
    // Sizes are listed whole (sorted, then cut at max_count), so count what that touches.
    double touched = 0.0;
    for (double c : o.counts) {
      touched += c;
      if (max_count >= 0 && touched >= static_cast<double>(max_count)) break;
    }
    if (touched > static_cast<double>(limit)) {
      o.too_many = touched;
      return o;
    }
    mcs.enumerate(z, order_cap, max_count < 0 ? INT64_MAX : max_count, order.event_of_level, o.flat,
                  o.offs);
    return o;
  });
  if (out.not_coherent)
    throw py::value_error(
        "minimal_cut_sets: the structure has a NOT gate (non-coherent); minimal cut sets are "
        "only defined here for coherent structures (prime implicants are not supported)");
  if (out.too_many > 0.0)
    throw py::value_error(
        "minimal_cut_sets: listing would collect " +
        py::str(py::float_(out.too_many).attr("__format__")(".4g")).cast<std::string>() +
        " minimal cut sets (more than " + std::to_string(limit) +
        "); pass a smaller max_order or max_count");
  return py::make_tuple(to_array(out.flat), to_array(out.offs), to_array(out.counts));
}

}  // namespace

void register_reliability_exact(py::module_& m) {
  m.def("reliability_failure_probability", &failure_probability, py::arg("p"), py::arg("op"),
        py::arg("k"), py::arg("offsets"), py::arg("inputs"), py::arg("top"), py::arg("max_nodes"),
        py::arg("method"));
  m.def("reliability_importance", &importance, py::arg("p"), py::arg("op"), py::arg("k"),
        py::arg("offsets"), py::arg("inputs"), py::arg("top"), py::arg("max_nodes"));
  m.def("reliability_minimal_cut_sets", &minimal_cut_sets, py::arg("p"), py::arg("op"),
        py::arg("k"), py::arg("offsets"), py::arg("inputs"), py::arg("top"), py::arg("max_order"),
        py::arg("max_count"), py::arg("limit"), py::arg("max_nodes"));
}
