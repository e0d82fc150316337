"""The demonstrations behind ``qsm tour`` and ``qsm sample``.

Each later tool adds one section to SECTIONS; ``qsm tour`` runs them in order.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from rich.console import Console
from rich.table import Table

import qsmcore
from qsmcore import random as qrandom
from qsmcore._cli_flow import tour_section as _flow
from qsmcore._cli_latency import tour_section as _latency
from qsmcore._cli_reliability import tour_section as _reliability
from qsmcore._tour_queue import queueing
from qsmcore.stats import mean_ci


def _rate(items: int, seconds: float) -> str:
    return f"{items / seconds / 1e6:,.1f} M/s" if seconds > 0 else "-"


def _backends(console: Console) -> None:
    b = qsmcore.backends()
    cuda = "CUDA: " + (
        "usable" if b["cuda"]["available"] else f"not usable ({b['cuda']['reason']})"
    )
    console.print(f"qsmcore {b['version']}, {b['cpu']['threads']} CPU threads. {cuda}")


def _hashing(console: Console) -> None:
    console.rule("[bold]hash64: one hash for every sketch (XXH3-64, bit-exact with xxhash)")
    t = Table("value", "hash64(value)", "note")
    t.add_row('"hello"', f"{qsmcore.hash64('hello'):#018x}", "str: its UTF-8 bytes")
    t.add_row("5", f"{qsmcore.hash64(5):#018x}", "int: 8 little-endian bytes")
    t.add_row(
        "np.uint8(5)", f"{qsmcore.hash64(np.uint8(5)):#018x}", "same value, same hash, any width"
    )
    t.add_row('"hello", seed=1', f"{qsmcore.hash64('hello', seed=1):#018x}", "seeded")
    console.print(t)
    keys = np.arange(10_000_000, dtype=np.uint64)
    qsmcore.hash64(keys[:1000])
    t0 = time.perf_counter()
    qsmcore.hash64(keys)
    dt = time.perf_counter() - t0
    words = [f"user:{i}" for i in range(1_000_000)]
    t0 = time.perf_counter()
    qsmcore.hash64(words)
    ds = time.perf_counter() - t0
    console.print(
        f"10M uint64 keys in {dt * 1e3:.1f} ms ({_rate(keys.size, dt)}); "
        f"1M short str in {ds * 1e3:.1f} ms ({_rate(len(words), ds)})."
    )


def describe_sample(
    console: Console, spec: str, n: int, *, seed: int = 0, backend: str = "auto"
) -> None:
    """Sample ``spec`` and print exact vs sampled moments with a 95% interval."""
    dist = qrandom.parse(spec)
    t0 = time.perf_counter()
    x = qrandom.sample(dist, n, seed=seed, backend=backend)
    dt = time.perf_counter() - t0
    t = Table(title=f"{spec}: {n:,} draws in {dt * 1e3:.1f} ms ({_rate(n, dt)})")
    t.add_column("")
    t.add_column("exact", justify="right")
    t.add_column("sample", justify="right")
    ci = mean_ci(x) if n >= 2 else None
    t.add_row("mean", f"{dist.mean:.6g}", str(ci) if ci else f"{x.mean():.6g}")
    var = float(x.var(ddof=1)) if n >= 2 else float("nan")
    t.add_row("variance", f"{dist.variance:.6g}", f"{var:.6g}")
    t.add_row("SCV", f"{dist.scv:.6g}", f"{var / x.mean() ** 2:.6g}" if n >= 2 else "-")
    for q in (0.5, 0.99, 0.999):
        t.add_row(f"p{q * 100:g}", "", f"{np.quantile(x, q):.6g}")
    console.print(t)


def _sampling(console: Console) -> None:
    console.rule("[bold]random: exact distributions on Philox4x32-10 streams")
    for spec in ("exp:1", "lognormal:mean=1,scv=4", "hyperexp:mean=1,scv=9", "erlang:k=4,rate=4"):
        describe_sample(console, spec, 2_000_000)
    d = qrandom.parse("gamma:shape=0.5,scale=2")
    whole = qrandom.sample(d, 1000, seed=7)
    parts = np.concatenate(
        [qrandom.sample(d, 300, seed=7), qrandom.sample(d, 700, seed=7, start=300)]
    )
    one = qrandom.sample(d, 1000, seed=7, threads=1)
    console.print(
        f"split invariance: draws [0,300) + [300,1000) == [0,1000): "
        f"{np.array_equal(whole, parts)}; 1 thread == all threads: {np.array_equal(whole, one)}"
    )


def _sketches(console: Console) -> None:
    console.rule("[bold]sketch: counting, heavy hitters, membership, similarity, quantiles")
    from qsmcore.sketch import BloomFilter, HeavyHitters, HyperLogLog, MinHash, TDigest

    keys = np.random.default_rng(1).zipf(1.3, size=2_000_000).astype(np.uint64)
    exact = np.unique(keys).size
    hll = HyperLogLog(precision=14)
    t0 = time.perf_counter()
    hll.update(keys)
    dt = time.perf_counter() - t0
    low, high = hll.estimate_bounds(0.95)
    err = hll.estimate() / exact - 1.0
    console.print(
        f"HyperLogLog p=14 ({len(hll.to_bytes()):,} bytes): {hll.estimate():,.0f} distinct "
        f"(95%: {low:,.0f}..{high:,.0f}; exact {exact:,}: error {err:+.2%} = "
        f"{err / hll.relative_error:+.1f} σ, σ = {hll.relative_error:.2%}; a 95% interval "
        f"misses 1 time in 20) from 2M keys in {dt * 1e3:.1f} ms"
    )
    hh = HeavyHitters(100)
    hh.update(keys)
    top = ", ".join(f"{k}×{c:,}" for k, c, _ in hh.top(5))
    console.print(f"HeavyHitters(100), top 5 (key×count): {top}")
    bloom = BloomFilter(1_000_000, 0.01)
    bloom.add(np.arange(1_000_000))
    fpr = float(np.mean(bloom.contains(np.arange(1_000_000, 2_000_000))))
    console.print(f"BloomFilter(1M, 1%): measured false-positive rate {fpr:.3%}")
    a, b = MinHash(128), MinHash(128)
    a.update(np.arange(0, 3000))
    b.update(np.arange(1000, 4000))
    console.print(f"MinHash(128): Jaccard estimate {a.jaccard(b):.3f} (exact 0.5)")
    x = qrandom.sample(qrandom.lognormal(mean=1.0, scv=4.0), 1_000_000, seed=3)
    d = TDigest(100)
    d.update(x)
    qs = (0.5, 0.99, 0.999)
    got = " ".join(f"p{q * 100:g}={d.quantile(q):.3f}" for q in qs)
    ref = " ".join(f"{np.quantile(x, q):.3f}" for q in qs)
    console.print(f"TDigest(100) on 1M lognormal draws: {got} (exact {ref})")


SECTIONS: list[Callable[[Console], None]] = [
    _backends,
    _hashing,
    _sampling,
    _sketches,
    _latency,
    queueing,
    _flow,
    _reliability,
]


def run(console: Console) -> None:
    for section in SECTIONS:
        section(console)
