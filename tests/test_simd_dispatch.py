"""The AVX2 kernels (Philox batches, integer hashing) and the baseline ones give
bit-identical results. QSM_SIMD=baseline forces the baseline paths in a child
process; this process uses whatever the CPU offers."""

import os
import subprocess
import sys

import numpy as np

import qsmcore
from qsmcore import random as qr

SPECS = ["uniform:0,1", "exp:2", "normal:0,1", "gamma:shape=0.4,scale=1", "erlang:k=3,rate=1"]
START = 2**32 - 1000  # the draw index crosses the 32-bit word boundary inside a batch

CHILD = """
import sys, numpy as np, qsmcore
from qsmcore import random as qr
specs, start, path = sys.argv[1].split(';'), int(sys.argv[2]), sys.argv[3]
out = {f"s{i}": qr.sample(s, 5003, seed=7, start=start, backend="cpu") for i, s in enumerate(specs)}
for dt in ("uint64", "int64", "int32", "uint8", "float64", "float32"):
    out[dt] = qsmcore.hash64(np.arange(-3000, 70_000).astype(dt), 11, backend="cpu")
out["isa"] = np.array(qsmcore.backends()["cpu"]["simd_dispatch"])
np.savez(path, **out)
"""


def test_baseline_and_dispatched_kernels_agree(tmp_path):
    path = tmp_path / "baseline.npz"
    env = dict(os.environ, QSM_SIMD="baseline")
    args = [sys.executable, "-c", CHILD, ";".join(SPECS), str(START), str(path)]
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    baseline = np.load(path)
    assert str(baseline["isa"]) in ("sse2", "baseline")
    for i, spec in enumerate(SPECS):
        here = qr.sample(spec, 5003, seed=7, start=START, backend="cpu")
        np.testing.assert_array_equal(here, baseline[f"s{i}"], err_msg=spec)
    for dt in ("uint64", "int64", "int32", "uint8", "float64", "float32"):
        here = qsmcore.hash64(np.arange(-3000, 70_000).astype(dt), 11, backend="cpu")
        np.testing.assert_array_equal(here, baseline[dt], err_msg=dt)
