// qsmcore.sketch.countmin kernels: Count-Min update/query/merge on a NumPy
// counter table owned by Python, Space-Saving heavy hitters, and the top-k
// candidate selection of CountMinTopK. Validation in user terms happens in
// python/qsmcore/sketch/countmin.py; the checks here keep a wrong call in bounds.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "countmin_table.hpp"
#include "qsm/sketch/countmin.hpp"
#include "qsm/sketch/spacesaving.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

using qsm::bind::Table;
using qsm::bind::table_of;

void cms_update(py::array table, uint64_t seed, const CArray<uint64_t>& hashes,
                const std::optional<CArray<uint64_t>>& counts, bool conservative, int threads) {
  const Table t = table_of(table);
  const auto n = static_cast<uint64_t>(hashes.size());
  const uint64_t* c = nullptr;
  if (counts) {
    require(static_cast<uint64_t>(counts->size()) == n, "counts: length differs from keys");
    c = counts->data();
  }
  const uint64_t* h = hashes.data();
  const auto rows = qsm::cms::row_hashes(seed, t.depth);
  py::gil_scoped_release release;
  if (conservative)
    qsm::cms::update_conservative(t.data, t.width, t.depth, rows.data(), h, c, n);
  else
    qsm::cms::update_plain(t.data, t.width, t.depth, rows.data(), h, c, n, threads);
}

py::array_t<uint64_t> cms_query(py::array table, uint64_t seed, const CArray<uint64_t>& hashes,
                                int threads) {
  const Table t = table_of(table);
  auto out = qsm::bind::empty_u64_like(hashes);
  const auto n = static_cast<uint64_t>(hashes.size());
  const uint64_t* h = hashes.data();
  uint64_t* dst = out.mutable_data();
  const auto rows = qsm::cms::row_hashes(seed, t.depth);
  py::gil_scoped_release release;
  qsm::cms::query(t.data, t.width, t.depth, rows.data(), h, dst, n, threads);
  return out;
}

void cms_merge(py::array dst, py::array src, int threads) {
  const Table a = table_of(dst);
  const Table b = table_of(src);
  require(a.width == b.width && a.depth == b.depth, "other: table shapes differ");
  require(a.data != b.data, "other: cannot merge a table into itself");
  py::gil_scoped_release release;
  qsm::cms::merge_into(a.data, b.data, a.width * a.depth, threads);
}

// Row indexes of each hash (depth x n), for tests of the row hash and the GPU path.
py::array_t<uint64_t> cms_row_indexes(uint64_t seed, uint32_t depth, uint64_t width,
                                      const CArray<uint64_t>& hashes) {
  require(depth >= 1 && depth <= 64, "depth must be in [1, 64]");
  require(width >= 1 && width < (uint64_t{1} << 32), "width must be in [1, 2**32)");
  const auto n = static_cast<uint64_t>(hashes.size());
  py::array_t<uint64_t> out({static_cast<py::ssize_t>(depth), static_cast<py::ssize_t>(n)});
  uint64_t* dst = out.mutable_data();
  for (uint32_t r = 0; r < depth; ++r) {
    const qsm::cms::RowHash p = qsm::cms::row_hash(seed, r);
    for (uint64_t i = 0; i < n; ++i)
      dst[r * n + i] = qsm::cms::row_index(p, hashes.data()[i], width);
  }
  return out;
}

py::array_t<uint64_t> u64_array(const std::vector<uint64_t>& v) {
  py::array_t<uint64_t> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

std::vector<qsm::spacesaving::Entry> entries_of(const CArray<uint64_t>& hashes,
                                                const CArray<uint64_t>& counts,
                                                const CArray<uint64_t>& errors) {
  const auto n = static_cast<size_t>(hashes.size());
  require(static_cast<size_t>(counts.size()) == n && static_cast<size_t>(errors.size()) == n,
          "entries: hashes, counts and errors differ in length");
  std::vector<qsm::spacesaving::Entry> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = {hashes.data()[i], counts.data()[i], errors.data()[i]};
  return out;
}

py::tuple entries_tuple(const std::vector<qsm::spacesaving::Entry>& v) {
  py::array_t<uint64_t> h(static_cast<py::ssize_t>(v.size())), c(h.size()), e(h.size());
  for (size_t i = 0; i < v.size(); ++i) {
    h.mutable_data()[i] = v[i].hash;
    c.mutable_data()[i] = v[i].count;
    e.mutable_data()[i] = v[i].error;
  }
  return py::make_tuple(h, c, e);
}

}  // namespace

void register_sketch_countmin(py::module_& m) {
  m.def("cms_update", &cms_update, py::arg("table"), py::arg("seed"), py::arg("hashes"),
        py::arg("counts"), py::arg("conservative"), py::arg("threads"));
  m.def("cms_query", &cms_query, py::arg("table"), py::arg("seed"), py::arg("hashes"),
        py::arg("threads"));
  m.def("cms_merge", &cms_merge, py::arg("dst"), py::arg("src"), py::arg("threads"));
  m.def("cms_row_indexes", &cms_row_indexes, py::arg("seed"), py::arg("depth"), py::arg("width"),
        py::arg("hashes"));

  using qsm::spacesaving::SpaceSaving;
  py::class_<SpaceSaving>(m, "SpaceSaving")
      .def(py::init<uint32_t>(), py::arg("k"))
      .def_property_readonly("k", &SpaceSaving::k)
      .def_property_readonly("size", &SpaceSaving::size)
      .def_property_readonly("min_count", &SpaceSaving::min_count)
      .def(
          "update",
          [](SpaceSaving& s, const CArray<uint64_t>& hashes,
             const std::optional<CArray<uint64_t>>& weights) {
            const auto n = static_cast<uint64_t>(hashes.size());
            const uint64_t* w = nullptr;
            if (weights) {
              require(static_cast<uint64_t>(weights->size()) == n,
                      "counts: length differs from keys");
              w = weights->data();
            }
            const uint64_t* h = hashes.data();
            py::gil_scoped_release release;
            s.update(h, w, n);
          },
          py::arg("hashes"), py::arg("weights"))
      .def("state",
           [](const SpaceSaving& s) {
             py::array_t<int64_t> origin(static_cast<py::ssize_t>(s.size()));
             std::copy(s.origins().begin(), s.origins().end(), origin.mutable_data());
             return py::make_tuple(u64_array(s.hashes()), u64_array(s.counts()),
                                   u64_array(s.errors()), origin);
           })
      .def(
          "assign",
          [](SpaceSaving& s, const CArray<uint64_t>& hashes, const CArray<uint64_t>& counts,
             const CArray<uint64_t>& errors) {
            auto entries = entries_of(hashes, counts, errors);
            try {
              s.assign(entries);
            } catch (const std::invalid_argument& e) {
              throw py::value_error(std::string("entries: ") + e.what());
            }
          },
          py::arg("hashes"), py::arg("counts"), py::arg("errors"))
      .def_static(
          "merge",
          [](const CArray<uint64_t>& ha, const CArray<uint64_t>& ca, const CArray<uint64_t>& ea,
             uint64_t ma, const CArray<uint64_t>& hb, const CArray<uint64_t>& cb,
             const CArray<uint64_t>& eb, uint64_t mb, uint32_t k) {
            return entries_tuple(
                SpaceSaving::merge(entries_of(ha, ca, ea), ma, entries_of(hb, cb, eb), mb, k));
          },
          py::arg("hashes_a"), py::arg("counts_a"), py::arg("errors_a"), py::arg("min_a"),
          py::arg("hashes_b"), py::arg("counts_b"), py::arg("errors_b"), py::arg("min_b"),
          py::arg("k"));

  m.def(
      "topk_select",
      [](const CArray<uint64_t>& cand_hash, const CArray<uint64_t>& cand_est,
         const CArray<uint64_t>& batch_hash, const CArray<uint64_t>& batch_est, uint32_t k) {
        require(cand_hash.size() == cand_est.size(), "candidates: lengths differ");
        require(batch_hash.size() == batch_est.size(), "batch: lengths differ");
        require(k >= 1, "k must be positive");
        std::vector<qsm::spacesaving::Candidate> top;
        {
          py::gil_scoped_release release;
          top = qsm::spacesaving::select_top(
              cand_hash.data(), cand_est.data(), static_cast<uint64_t>(cand_hash.size()),
              batch_hash.data(), batch_est.data(), static_cast<uint64_t>(batch_hash.size()), k);
        }
        const auto n = static_cast<py::ssize_t>(top.size());
        py::array_t<uint64_t> h(n), e(n);
        py::array_t<int64_t> o(n);
        for (py::ssize_t i = 0; i < n; ++i) {
          h.mutable_data()[i] = top[i].hash;
          e.mutable_data()[i] = top[i].estimate;
          o.mutable_data()[i] = top[i].origin;
        }
        return py::make_tuple(h, e, o);
      },
      py::arg("cand_hash"), py::arg("cand_est"), py::arg("batch_hash"), py::arg("batch_est"),
      py::arg("k"));
}
