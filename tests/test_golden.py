"""Golden values: the streams and hashes users got yesterday, they get today.

Every random result is a pure function of (seed, inputs), and users store seeds
to reproduce results later. A change to Philox, the counter layout, a sampler
or the hash would silently change their numbers, so the first draws of every
distribution and a few hashes are pinned in tests/data/golden.json.
Regenerate only for a deliberate, announced stream change:
``python tests/test_golden.py --write``.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import qsmcore
from qsmcore import random as qr

GOLDEN = Path(__file__).parent / "data" / "golden.json"

SPECS = [
    "det:2.5",
    "uniform:-1,3",
    "exp:2",
    "erlang:k=3,rate=2",
    "erlang:k=40,rate=1",
    "gamma:shape=0.5,scale=2",
    "gamma:shape=7.5,scale=1",
    "normal:1,2",
    "lognormal:mean=1,scv=4",
    "weibull:shape=1.5,scale=2",
    "pareto:alpha=2.5,xm=1",
    "hyperexp:mean=1,scv=9",
]
CASES = [(0, 0), (12345, 2**40 + 3)]  # (seed, start)
N = 20  # covers one 16-draw SIMD Philox batch and the scalar tail
HASH_INPUTS = ["", "a", "hello", "x" * 17, "y" * 129, "z" * 241, "w" * 1025]


def compute() -> dict:
    draws = {
        f"{spec}|{seed}|{start}": qr.sample(spec, N, seed=seed, start=start, backend="cpu").tolist()
        for spec in SPECS
        for seed, start in CASES
    }
    emp = qr.empirical([0.5, 1.0, 7.25, -3.0, 2.0])
    draws["empirical|0|0"] = qr.sample(emp, N, seed=0, backend="cpu").tolist()
    hashes = {
        f"{s}|{seed}": qsmcore.hash64(s, seed) for s in HASH_INPUTS for seed in (0, 2**64 - 1)
    }
    hashes["uint64 0..7|7"] = qsmcore.hash64(np.arange(8, dtype=np.uint64), 7).tolist()
    return {"draws": draws, "hashes": hashes}


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text())


def test_draws_are_unchanged(golden):
    now = compute()["draws"]
    assert now.keys() == golden["draws"].keys()
    for key, expected in golden["draws"].items():
        # Bit-identical on this platform; the tolerance only admits another libm's
        # last-ulp rounding in log/exp/pow. Any change of stream is a change of value.
        np.testing.assert_allclose(now[key], expected, rtol=1e-13, atol=0, err_msg=key)


def test_hashes_are_unchanged(golden):
    assert compute()["hashes"] == golden["hashes"]


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    GOLDEN.write_text(json.dumps(compute(), indent=1) + "\n")
    print(f"wrote {GOLDEN}")
