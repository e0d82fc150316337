#!/usr/bin/env bash
# One device session, in one call: build qsmcore with its CUDA extension, run the GPU
# tests verbosely, the reliability benchmark (with its GPU-scale rows), then the whole
# suite. Everything is logged to $OUT/log (the device tool brings $OUT back).
#   bash benchmarks/gpu_check.sh              # on a machine with a GPU, nvcc and the deps
#   bash benchmarks/gpu_check.sh reliability  # only the reliability GPU tests and benchmark,
#                                             # plus an Nsight Compute summary of its kernels
set -uo pipefail
OUT=${OUT:-/tmp/qsm-gpu-check}
mkdir -p "$OUT"
exec > >(tee "$OUT/log") 2>&1
export PYTHONUNBUFFERED=1 CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) QSM_CUDA=ON
step() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }

step "device"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 --version
step "build"
# --no-deps: the device has no network; numpy, scipy, typer and rich are installed there.
timeout 300 python3 -m pip install -q --no-build-isolation --no-deps -Cbuild-dir=/tmp/qsm-build . || exit 1
python3 -c "import qsmcore, json; print(json.dumps(qsmcore.backends()['cuda'], indent=1))"
if [ "${1:-all}" = reliability ]; then
  step "reliability GPU tests"
  timeout 150 python3 -m pytest -q -rs -p no:cacheprovider -n 8 tests/test_reliability_mc_cuda.py
  step "reliability benchmark"
  timeout 150 python3 benchmarks/compare.py reliability --repeat 3 --json "$OUT/reliability.json"
  step "Nsight Compute: one launch of each kernel (series-parallel, 2^24 trials)"
  timeout 120 ncu --section SpeedOfLight --section WarpStateStats --section InstructionStats \
    -k regex:'sample_kernel|gates_kernel' -c 2 python3 -c "
from benchmarks._reliability_suite import _series_parallel
from qsmcore.reliability import monte_carlo
print(monte_carlo(_series_parallel()[0], 1 << 24, backend='cuda').failures)"
  step "done"
  exit 0
fi
step "GPU tests"
timeout 150 python3 -m pytest -q -rs -p no:cacheprovider -n 8 tests/test_reliability_mc_cuda.py \
  tests/test_cuda.py tests/test_queueing_sim.py tests/test_sketch_countmin.py \
  tests/test_sketch_hll.py tests/test_backends.py 2>&1 | tail -40
step "reliability benchmark"
timeout 150 python3 benchmarks/compare.py reliability --repeat 3 --json "$OUT/reliability.json"
step "whole suite"
# One process, as CI runs it (under pytest-xdist two CLI latency tests see a narrow
# terminal and fail).
timeout 200 python3 -m pytest -q -p no:cacheprovider tests 2>&1 | tail -15
step "done"
