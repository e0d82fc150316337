// A read-only view of the flat Program (python/qsmcore/reliability/_program.py) for
// the exact solvers, and the structural facts they need: which nodes the top node
// reads, whether any node is read twice (then series-parallel reduction does not
// apply), whether a NOT is reachable (then the structure may be non-coherent).
// The binding has validated the arrays (ids in range, topological order, arities).
#pragma once

#include <cstdint>
#include <vector>

namespace qsm::reliability {

enum GateOp : int32_t { kAnd = 0, kOr = 1, kVote = 2, kNot = 3 };

struct ProgramRef {
  int32_t n_events = 0;
  int32_t n_gates = 0;
  const double* p = nullptr;         // n_events failure probabilities
  const int32_t* op = nullptr;       // n_gates GateOp values
  const int32_t* k = nullptr;        // n_gates VOTE thresholds
  const int32_t* offsets = nullptr;  // n_gates + 1 CSR offsets into inputs
  const int32_t* inputs = nullptr;   // node ids, each below its gate's id
  int32_t top = 0;

  int32_t n_nodes() const { return n_events + n_gates; }
  int32_t gate_of(int32_t node) const { return node - n_events; }
};

// reach[v] != 0 when the top node depends on node v. Inputs have smaller ids than
// their gate, so one descending sweep marks everything.
inline std::vector<uint8_t> reachable_nodes(const ProgramRef& g) {
  std::vector<uint8_t> reach(static_cast<size_t>(g.n_nodes()), 0);
  reach[static_cast<size_t>(g.top)] = 1;
  for (int32_t v = g.top; v >= g.n_events; --v) {
    if (!reach[static_cast<size_t>(v)]) continue;
    const int32_t j = g.gate_of(v);
    for (int32_t a = g.offsets[j]; a < g.offsets[j + 1]; ++a)
      reach[static_cast<size_t>(g.inputs[a])] = 1;
  }
  return reach;
}

// True when, among the nodes the top reads, every node is an input of at most one
// gate input slot: the structure is a tree, each basic event appears once, and the
// gates' inputs are independent, so probabilities combine gate by gate.
inline bool is_tree(const ProgramRef& g, const std::vector<uint8_t>& reach) {
  std::vector<uint8_t> used(static_cast<size_t>(g.n_nodes()), 0);
  for (int32_t v = g.n_events; v <= g.top; ++v) {
    if (!reach[static_cast<size_t>(v)]) continue;
    const int32_t j = g.gate_of(v);
    for (int32_t a = g.offsets[j]; a < g.offsets[j + 1]; ++a) {
      uint8_t& u = used[static_cast<size_t>(g.inputs[a])];
      if (u) return false;
      u = 1;
    }
  }
  return true;
}

inline bool has_reachable_not(const ProgramRef& g, const std::vector<uint8_t>& reach) {
  for (int32_t v = g.n_events; v <= g.top; ++v)
    if (reach[static_cast<size_t>(v)] && g.op[g.gate_of(v)] == kNot) return true;
  return false;
}

}  // namespace qsm::reliability
