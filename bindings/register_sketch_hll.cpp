// qsmcore.sketch.HyperLogLog kernels (see qsm/sketch/hll.hpp): register
// updates from uint64 hashes, merge, the estimate, Redis' hash and Redis'
// string layout. Parameters are validated in python/qsmcore/sketch/hll.py; the
// checks here only keep a wrong call from reading or writing out of bounds.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "qsm/core/parallel.hpp"
#include "qsm/sketch/hll.hpp"
#include "qsm/sketch/murmur64a.hpp"

namespace py = pybind11;
using qsm::bind::CArray;
using qsm::bind::require;

namespace {

using Registers = py::array_t<uint8_t, py::array::c_style>;

uint8_t* registers_of(Registers& regs, int p) {
  require(p >= qsm::hll::kMinPrecision && p <= qsm::hll::kMaxPrecision, "precision out of range");
  require(regs.ndim() == 1 && regs.size() == (py::ssize_t{1} << p),
          "registers must be a 1-D uint8 array of 2**precision entries");
  require(regs.writeable(), "registers must be writeable");
  return regs.mutable_data();
}

void update(Registers regs, int p, CArray<uint64_t> hashes, int threads) {
  uint8_t* r = registers_of(regs, p);
  const uint64_t* h = hashes.data();
  const auto n = static_cast<uint64_t>(hashes.size());
  py::gil_scoped_release release;
  qsm::hll::update(r, p, h, n, threads);
}

// Fused qsmcore.hash64 + update for a native, C-contiguous numeric array.
// Returns false (nothing done) for a dtype it does not handle.
bool update_numeric(Registers regs, int p, const py::array& values, uint64_t seed, int threads) {
  uint8_t* r = registers_of(regs, p);
  if (!(values.flags() & py::array::c_style)) return false;
  const py::dtype dt = values.dtype();
  if (dt.byteorder() == '>' || !dt.attr("isnative").cast<bool>()) return false;
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  const auto n = static_cast<uint64_t>(values.size());
  const void* src = values.data();
  auto run = [&](auto tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    const T* v = static_cast<const T*>(src);
    py::gil_scoped_release release;
    qsm::hll::update_numeric(r, p, v, n, seed, threads);
    return true;
  };
  if (kind == 'i' && size == 8) return run(static_cast<int64_t*>(nullptr));
  if (kind == 'u' && size == 8) return run(static_cast<uint64_t*>(nullptr));
  if (kind == 'i' && size == 4) return run(static_cast<int32_t*>(nullptr));
  if (kind == 'u' && size == 4) return run(static_cast<uint32_t*>(nullptr));
  if (kind == 'f' && size == 8) return run(static_cast<double*>(nullptr));
  if (kind == 'f' && size == 4) return run(static_cast<float*>(nullptr));
  return false;
}

void merge(Registers regs, Registers other) {
  require(regs.ndim() == 1 && other.ndim() == 1 && regs.size() == other.size(),
          "register arrays differ in size");
  require(regs.writeable(), "registers must be writeable");
  uint8_t* r = regs.mutable_data();
  const uint8_t* o = other.data();
  const auto m = static_cast<uint64_t>(regs.size());
  py::gil_scoped_release release;
  qsm::hll::merge(r, o, m);
}

std::vector<uint64_t> histogram_of(const Registers& regs, int p) {
  require(p >= qsm::hll::kMinPrecision && p <= qsm::hll::kMaxPrecision, "precision out of range");
  require(regs.ndim() == 1 && regs.size() == (py::ssize_t{1} << p),
          "registers must be a 1-D uint8 array of 2**precision entries");
  std::vector<uint64_t> counts;
  bool ok = false;
  {
    const uint8_t* r = regs.data();
    py::gil_scoped_release release;
    ok = qsm::hll::histogram(r, p, counts);
  }
  require(ok, "registers: a value exceeds 65 - precision (corrupted state)");
  return counts;
}

py::array_t<uint64_t> histogram(Registers regs, int p) {
  const auto counts = histogram_of(regs, p);
  py::array_t<uint64_t> out(static_cast<py::ssize_t>(counts.size()));
  std::copy(counts.begin(), counts.end(), out.mutable_data());
  return out;
}

double estimate(Registers regs, int p) { return qsm::hll::ertl_estimate(histogram_of(regs, p), p); }

// Redis' hash of integer values: MurmurHash64A of the decimal ASCII string.
template <class T>
void redis_hash_integers(const T* src, uint64_t* dst, uint64_t n, int threads) {
  qsm::parallel_for(n, uint64_t{1} << 16, threads, [&](uint64_t begin, uint64_t end) {
    char buf[24];
    for (uint64_t i = begin; i < end; ++i) {
      const int len = qsm::hll::format_integer(src[i], buf);
      dst[i] = qsm::murmur64a(buf, static_cast<uint64_t>(len), qsm::kRedisHllSeed);
    }
  });
}

py::array_t<uint64_t> redis_hash_array(const py::array& values_in, int threads) {
  py::array values = py::array::ensure(values_in, py::array::c_style);
  require(static_cast<bool>(values), "values: cannot view the array as contiguous");
  const py::dtype dt = values.dtype();
  require(dt.kind() == 'i' || dt.kind() == 'u', "values: hash='redis' needs an integer array");
  require(dt.byteorder() != '>' || dt.attr("isnative").cast<bool>(),
          "values: non-native byte order");
  py::array_t<uint64_t> out(values.size());
  uint64_t* dst = out.mutable_data();
  const auto n = static_cast<uint64_t>(values.size());
  const void* src = values.data();
  const auto size = dt.itemsize();
  const bool is_signed = dt.kind() == 'i';
  auto run = [&](auto tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    const T* p = static_cast<const T*>(src);
    py::gil_scoped_release release;
    redis_hash_integers(p, dst, n, threads);
  };
  if (is_signed && size == 1)
    run(static_cast<int8_t*>(nullptr));
  else if (is_signed && size == 2)
    run(static_cast<int16_t*>(nullptr));
  else if (is_signed && size == 4)
    run(static_cast<int32_t*>(nullptr));
  else if (is_signed && size == 8)
    run(static_cast<int64_t*>(nullptr));
  else if (size == 1)
    run(static_cast<uint8_t*>(nullptr));
  else if (size == 2)
    run(static_cast<uint16_t*>(nullptr));
  else if (size == 4)
    run(static_cast<uint32_t*>(nullptr));
  else if (size == 8)
    run(static_cast<uint64_t*>(nullptr));
  else
    throw py::type_error("values: unsupported integer width");
  return out;
}

// Redis' hash of a sequence of str (UTF-8) / bytes (the GIL stays held).
py::array_t<uint64_t> redis_hash_sequence(const py::sequence& seq) {
  const auto n = static_cast<py::ssize_t>(py::len(seq));
  py::array_t<uint64_t> out(n);
  uint64_t* dst = out.mutable_data();
  qsm::bind::for_each_text_item(
      seq,
      [&](Py_ssize_t i, const char* data, size_t len) {
        dst[i] = qsm::murmur64a(data, static_cast<uint64_t>(len), qsm::kRedisHllSeed);
      },
      n);
  return out;
}

// The Redis string (dense encoding) of 16384 registers, cached cardinality invalid.
py::bytes to_redis(Registers regs) {
  require(regs.ndim() == 1 && regs.size() == static_cast<py::ssize_t>(qsm::hll::kRedisRegisters),
          "to_redis needs 16384 registers");
  std::string out(qsm::hll::kRedisHeader + qsm::hll::kRedisDenseBytes, '\0');
  auto* bytes = reinterpret_cast<uint8_t*>(out.data());
  std::memcpy(bytes, "HYLL", 4);
  bytes[4] = 0;      // dense
  bytes[15] = 0x80;  // most significant bit of the cached cardinality: invalid
  qsm::hll::redis_pack_dense(regs.data(), bytes + qsm::hll::kRedisHeader);
  return py::bytes(out);
}

// The 16384 registers of a Redis HLL string (dense or sparse). ValueError if malformed.
py::array_t<uint8_t> from_redis(py::buffer raw) {
  py::buffer_info info = raw.request();
  require(info.ndim <= 1 && (info.ndim == 0 || info.strides[0] == info.itemsize),
          "raw: bytes-like object must be contiguous");
  const auto len = static_cast<uint64_t>(info.size * info.itemsize);
  const auto* in = static_cast<const uint8_t*>(info.ptr);
  require(len >= qsm::hll::kRedisHeader,
          "raw: " + std::to_string(len) + " bytes is shorter than Redis' 16-byte HLL header");
  require(std::memcmp(in, "HYLL", 4) == 0, "raw: not a Redis HLL (magic is not \"HYLL\")");
  const uint8_t encoding = in[4];
  require(encoding <= 1,
          "raw: unknown Redis HLL encoding " + std::to_string(encoding) + " (0 dense, 1 sparse)");
  require(in[5] == 0 && in[6] == 0 && in[7] == 0, "raw: the 3 unused header bytes are not zero");
  py::array_t<uint8_t> regs(static_cast<py::ssize_t>(qsm::hll::kRedisRegisters));
  uint8_t* r = regs.mutable_data();
  const uint8_t* body = in + qsm::hll::kRedisHeader;
  const uint64_t body_len = len - qsm::hll::kRedisHeader;
  if (encoding == 0) {
    require(body_len == qsm::hll::kRedisDenseBytes,
            "raw: a dense Redis HLL has 12304 bytes, got " + std::to_string(len));
    qsm::hll::redis_unpack_dense(body, r);
    for (uint64_t j = 0; j < qsm::hll::kRedisRegisters; ++j)
      require(r[j] <= 51, "raw: register " + std::to_string(j) + " holds " + std::to_string(r[j]) +
                              ", more than the largest rank 51");
  } else {
    const std::string error = qsm::hll::redis_unpack_sparse(body, body_len, r);
    require(error.empty(), "raw: " + error);
  }
  return regs;
}

}  // namespace

void register_sketch_hll(py::module_& m) {
  m.def("hll_update", &update, py::arg("registers"), py::arg("precision"), py::arg("hashes"),
        py::arg("threads"));
  m.def("hll_update_numeric", &update_numeric, py::arg("registers"), py::arg("precision"),
        py::arg("values"), py::arg("seed"), py::arg("threads"));
  m.def("hll_merge", &merge, py::arg("registers"), py::arg("other"));
  m.def("hll_histogram", &histogram, py::arg("registers"), py::arg("precision"));
  m.def("hll_estimate", &estimate, py::arg("registers"), py::arg("precision"));
  m.def("hll_redis_hash_array", &redis_hash_array, py::arg("values"), py::arg("threads"));
  m.def("hll_redis_hash_sequence", &redis_hash_sequence, py::arg("values"));
  m.def("hll_to_redis", &to_redis, py::arg("registers"));
  m.def("hll_from_redis", &from_redis, py::arg("raw"));
  m.def(
      "hll_murmur64a",
      [](py::bytes data, uint64_t seed) {
        const std::string s = data;
        return qsm::murmur64a(s.data(), s.size(), seed);
      },
      py::arg("data"), py::arg("seed"));
  m.def(
      "hll_index_rank",
      [](CArray<uint64_t> hashes, int p) {
        require(p >= qsm::hll::kMinPrecision && p <= qsm::hll::kMaxPrecision,
                "precision out of range");
        const auto n = hashes.size();
        py::array_t<uint32_t> idx(n);
        py::array_t<uint8_t> rank(n);
        const uint64_t* h = hashes.data();
        for (py::ssize_t i = 0; i < n; ++i) {
          idx.mutable_data()[i] = qsm::hll::register_index(h[i], p);
          rank.mutable_data()[i] = qsm::hll::register_rank(h[i], p);
        }
        return py::make_tuple(idx, rank);
      },
      py::arg("hashes"), py::arg("precision"));
}
