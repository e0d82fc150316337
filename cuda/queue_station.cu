// qsmcore.queueing.simulate on the GPU: one thread per replication of a FIFO
// G/G/c(/K) station, running the same QSM_HD recursion (station_fifo.hpp) with
// ScalarDraws — the counters of the CPU's SIMD batches, one draw at a time.
//
// Each thread needs its own scratch: c server slots, an in-system ring and two
// histograms (2 * kBuckets counts, 2 MiB). Replications run in batches sized to
// a quarter of the free device memory; a replication whose ring overflows is
// rerun with twice the room, as on the CPU, so results never depend on sizes.
#include <algorithm>
#include <vector>

#include "cuda/cuda_check.cuh"
#include "cuda/launch.hpp"
#include "qsm/queue/station_fifo.hpp"

namespace qsm::cuda {

namespace {

using queue::FifoModel;
using queue::FifoScratch;
using queue::FifoTrace;
using queue::ScalarDraws;
using queue::SysEntry;

__global__ void fifo_kernel(FifoModel m, uint64_t key, uint64_t first_rep, const uint64_t* reps,
                            uint64_t n, double* rows, double* free_time, int32_t* free_id,
                            SysEntry* sys, uint64_t sys_cap, uint64_t* hist, int32_t* status) {
  const uint64_t t = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= n) return;
  const uint64_t r = reps[t];
  const uint64_t c = static_cast<uint64_t>(m.servers);
  ScalarDraws draws(m, key, first_rep + r);
  const FifoScratch s{free_time + t * c, free_id + t * c, sys + t * sys_cap, sys_cap,
                      hist + t * 2 * queue::kBuckets};
  status[t] = queue::run_fifo_replication(m, draws, s, rows + r * queue::row_width(m.nq),
                                          FifoTrace{nullptr, nullptr, nullptr, nullptr});
}

}  // namespace

void simulate_fifo(const FifoModel& model, uint64_t key, uint64_t first_rep, uint64_t reps,
                   double* rows_out) {
  FifoModel m = model;
  // Device copies of what the model points to.
  detail::DeviceBuffer<double> ps(static_cast<uint64_t>(m.nq));
  ps.upload(m.ps);
  m.ps = ps.get();
  detail::DeviceBuffer<double> a_data(m.arrival.kind == DistKind::Empirical ? m.arrival.n_data : 0);
  detail::DeviceBuffer<double> s_data(m.service.kind == DistKind::Empirical ? m.service.n_data : 0);
  if (m.arrival.kind == DistKind::Empirical) {
    a_data.upload(m.arrival.data);
    m.arrival.data = a_data.get();
  }
  if (m.service.kind == DistKind::Empirical) {
    s_data.upload(m.service.data);
    m.service.data = s_data.get();
  }

  const uint64_t width = static_cast<uint64_t>(queue::row_width(m.nq));
  detail::DeviceBuffer<double> rows(reps * width);
  const uint64_t c = static_cast<uint64_t>(m.servers);
  uint64_t sys_cap = m.capacity != 0 ? m.capacity : std::min<uint64_t>(m.customers, 4096);
  sys_cap = std::max<uint64_t>(sys_cap, 1);

  std::vector<uint64_t> pending(reps);
  for (uint64_t r = 0; r < reps; ++r) pending[r] = r;
  while (!pending.empty()) {
    size_t free_bytes = 0, total_bytes = 0;
    detail::check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
    const uint64_t per_rep = 2 * queue::kBuckets * sizeof(uint64_t) +
                             c * (sizeof(double) + sizeof(int32_t)) + sys_cap * sizeof(SysEntry) +
                             sizeof(uint64_t) + sizeof(int32_t);
    const uint64_t fit = static_cast<uint64_t>(free_bytes / 4) / per_rep;
    if (fit == 0)
      throw std::runtime_error("simulate: one replication's scratch does not fit on the GPU");
    const uint64_t batch = std::min<uint64_t>(pending.size(), fit);

    detail::DeviceBuffer<uint64_t> hist(batch * 2 * queue::kBuckets);
    detail::check(cudaMemset(hist.get(), 0, batch * 2 * queue::kBuckets * sizeof(uint64_t)),
                  "cudaMemset");
    detail::DeviceBuffer<double> free_time(batch * c);
    detail::DeviceBuffer<int32_t> free_id(batch * c);
    detail::DeviceBuffer<SysEntry> sys(batch * sys_cap);
    detail::DeviceBuffer<uint64_t> ids(batch);
    detail::DeviceBuffer<int32_t> status(batch);

    std::vector<uint64_t> overflowed;
    std::vector<int32_t> host_status(batch);
    for (size_t begin = 0; begin < pending.size(); begin += batch) {
      const uint64_t n = std::min<uint64_t>(batch, pending.size() - begin);
      detail::check(cudaMemcpy(ids.get(), pending.data() + begin, n * sizeof(uint64_t),
                               cudaMemcpyHostToDevice),
                    "upload");
      constexpr unsigned block = 64;
      const unsigned grid = static_cast<unsigned>((n + block - 1) / block);
      fifo_kernel<<<grid, block>>>(m, key, first_rep, ids.get(), n, rows.get(), free_time.get(),
                                   free_id.get(), sys.get(), sys_cap, hist.get(), status.get());
      detail::check_launch("fifo_kernel");
      detail::check(
          cudaMemcpy(host_status.data(), status.get(), n * sizeof(int32_t), cudaMemcpyDeviceToHost),
          "download");
      for (uint64_t j = 0; j < n; ++j)
        if (host_status[j] != queue::kFifoOk) overflowed.push_back(pending[begin + j]);
    }
    pending.swap(overflowed);
    if (!pending.empty()) {
      if (sys_cap >= (uint64_t{1} << 28))
        throw std::runtime_error(
            "more than 2**28 customers were in the system at once: the queue is unstable");
      sys_cap *= 2;
    }
  }
  rows.download(rows_out);
}

}  // namespace qsm::cuda
