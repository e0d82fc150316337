#!/usr/bin/env bash
# One device session, in one call: build qsmcore with its CUDA extension, run the GPU
# tests verbosely, the reliability benchmark (with its GPU-scale rows), then the whole
# suite. Everything is logged to $OUT/log (the device tool brings $OUT back).
#   bash benchmarks/gpu_check.sh            # on a machine with a GPU, nvcc and the deps
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
step "GPU tests"
timeout 150 python3 -m pytest -q -rs -p no:cacheprovider -n 8 tests/test_reliability_mc_cuda.py \
  tests/test_cuda.py tests/test_queueing_sim.py tests/test_sketch_countmin.py \
  tests/test_sketch_hll.py tests/test_backends.py 2>&1 | tail -40
step "reliability benchmark"
timeout 150 python3 benchmarks/compare.py reliability --repeat 3 --json "$OUT/reliability.json"
step "whole suite"
timeout 150 python3 -m pytest -q -p no:cacheprovider -n 8 tests 2>&1 | tail -30
step "done"
