"""qsmcore: fast, trustworthy kernels for the mathematics of distributed systems.

The computational core of the *Quantitative Systems Mastery* series' tools and
code labs: C++ (and CUDA) kernels under a NumPy-first API. Every random result
is a pure function of ``seed`` and the inputs (Philox4x32-10 streams, split- and
thread-invariant); see ``qsmcore.random`` and DESIGN.md.
"""

from qsmcore import latency, queueing, random, sketch, stats
from qsmcore._core import build_info as _build_info
from qsmcore.hashing import hash64
from qsmcore.info import backends

__version__: str = _build_info()["version"]

__all__ = ["__version__", "backends", "hash64", "latency", "queueing", "random", "sketch", "stats"]
