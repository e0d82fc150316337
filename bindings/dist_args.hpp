// Builds a qsm::Dist from the (kind, params, data) triple that
// qsmcore.random.Distribution._kernel_args() produces; shared by _core and _cuda.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "common.hpp"
#include "qsm/core/distributions.hpp"

namespace qsm::bind {

// `data` must outlive the returned Dist (it borrows the array's buffer).
inline Dist make_dist(int kind, const std::array<double, 4>& params,
                      const std::optional<CArray<double>>& data) {
  require(is_valid_dist_kind(kind), "unknown distribution kind " + std::to_string(kind));
  Dist d{static_cast<DistKind>(kind), {params[0], params[1], params[2], params[3]}, nullptr, 0};
  if (d.kind == DistKind::Empirical) {
    require(data.has_value() && data->size() > 0, "empirical sampling needs a data array");
    d.data = data->data();
    d.n_data = static_cast<uint64_t>(data->size());
  }
  return d;
}

}  // namespace qsm::bind
