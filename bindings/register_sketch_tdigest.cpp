// qsmcore.sketch.TDigest kernels: conversion and GIL release around
// qsm/sketch/tdigest.hpp. The Python layer validates parameters and values
// (finite, weights > 0) before anything here runs; the checks below only keep a
// wrong call from reading out of bounds.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <vector>

#include "common.hpp"
#include "qsm/sketch/tdigest.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;
using qsm::tdigest::Centroid;
using qsm::tdigest::TDigest;

namespace {

void update(TDigest& d, const CArray<double>& values, const py::object& weights, int threads) {
  const auto n = static_cast<size_t>(values.size());
  const double* x = values.data();
  if (weights.is_none()) {
    py::gil_scoped_release release;
    d.update(x, nullptr, n, threads);
    return;
  }
  auto w = weights.cast<CArray<double>>();
  require(static_cast<size_t>(w.size()) == n, "weights: length differs from values");
  const double* wp = w.data();
  py::gil_scoped_release release;
  d.update(x, wp, n, threads);
}

template <class F>
py::array_t<double> map_array(const CArray<double>& in, F&& f) {
  py::array_t<double> out(in.size());
  const double* src = in.data();
  double* dst = out.mutable_data();
  const auto n = static_cast<size_t>(in.size());
  py::gil_scoped_release release;
  for (size_t i = 0; i < n; ++i) dst[i] = f(src[i]);
  return out;
}

py::tuple centroids(const TDigest& d) {
  const auto& c = d.centroids();
  py::array_t<double> means(c.size()), weights(c.size());
  double* m = means.mutable_data();
  double* w = weights.mutable_data();
  for (size_t i = 0; i < c.size(); ++i) {
    m[i] = c[i].mean;
    w[i] = c[i].weight;
  }
  return py::make_tuple(means, weights);
}

void assign(TDigest& d, const CArray<double>& means, const CArray<double>& weights, double total,
            double mn, double mx) {
  require(means.size() == weights.size(), "centroids: means and weights differ in length");
  std::vector<Centroid> c(static_cast<size_t>(means.size()));
  for (size_t i = 0; i < c.size(); ++i) c[i] = Centroid{means.data()[i], weights.data()[i]};
  d.assign(std::move(c), total, mn, mx);
}

}  // namespace

void register_sketch_tdigest(py::module_& m) {
  py::class_<TDigest>(m, "TDigestCore")
      .def(py::init<double, uint32_t>(), py::arg("compression"), py::arg("scale"))
      .def_property_readonly("compression", &TDigest::compression)
      .def_property_readonly("scale", &TDigest::scale)
      .def_property_readonly("count", &TDigest::count)
      .def_property_readonly("min", &TDigest::min)
      .def_property_readonly("max", &TDigest::max)
      .def("update", &update, py::arg("values"), py::arg("weights"), py::arg("threads"))
      .def(
          "merge",
          [](TDigest& d, const TDigest& o) {
            require(d.compression() == o.compression() && d.scale() == o.scale(),
                    "other: compression or scale differ");
            py::gil_scoped_release release;
            d.merge(o);
          },
          py::arg("other"))
      .def("quantile",
           [](const TDigest& d, const CArray<double>& q) {
             return map_array(q, [&](double v) { return d.quantile(v); });
           })
      .def("cdf",
           [](const TDigest& d, const CArray<double>& x) {
             return map_array(x, [&](double v) { return d.cdf(v); });
           })
      .def("centroids", &centroids)
      .def("assign", &assign, py::arg("means"), py::arg("weights"), py::arg("total"),
           py::arg("min"), py::arg("max"));
}
