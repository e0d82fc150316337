"""Best-of-k wall-clock timing and the facts about the machine that ran it."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

import qsmcore

from ._peers import XXHASH_VERSION

T = TypeVar("T")


# Short calls are timed until their runs add up to this much: on a shared machine a
# burst of someone else's work can cover all of a few millisecond-long runs, and then
# the best of them is not the code's time. Every implementation gets the same rule.
MIN_TIMED_SECONDS = 0.1
MAX_RUNS = 1000


def best_of(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Warm up with one call, then time at least ``repeat`` calls and keep calling until
    the timed calls add up to MIN_TIMED_SECONDS (at most MAX_RUNS calls); return
    (fastest seconds, warm-up result)."""
    result = fn()
    best, spent, runs = float("inf"), 0.0, 0
    while runs < max(1, repeat) or (spent < MIN_TIMED_SECONDS and runs < MAX_RUNS):
        t0 = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - t0
        best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    return best, result


def cpu_model() -> str:
    """The ``model name`` line of /proc/cpuinfo (or the platform's guess elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_facts() -> dict[str, Any]:
    """CPU, cores, qsmcore's thread count and the versions that produced a result."""
    cpu = qsmcore.backends()["cpu"]
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "qsmcore_threads": cpu["threads"],
        "qsmcore_simd": cpu.get("simd_compiled"),
        "qsmcore_compiler": cpu.get("compiler"),
        "qsmcore": qsmcore.__version__,
        "numpy": np.__version__,
        "xxhash": XXHASH_VERSION or "not installed",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "gpu": _gpu_fact(),
    }


def _gpu_fact() -> str:
    """The usable GPUs' names, or why there is none (the CUDA rows need one)."""
    cuda = qsmcore.backends()["cuda"]
    if not cuda.get("available"):
        return f"none ({cuda.get('reason', 'unknown')})"
    return ", ".join(str(d.get("name", d)) for d in cuda.get("devices", [])) or "available"
