"""Backend selection: ``backend="auto" | "cpu" | "cuda"``.

``"cpu"`` is always there (``qsmcore._core``). ``"cuda"`` needs the optional
``qsmcore._cuda`` extension (built when nvcc was found at install time) and a
visible GPU. ``"auto"`` picks CUDA only when it is usable *and* the job is big
enough to pay for the transfers; integer results are bit-identical either way,
floating results agree to the tolerance documented in DESIGN.md.
"""

from __future__ import annotations

import functools
from types import ModuleType

from qsmcore import _core

BACKENDS = ("auto", "cpu", "cuda")

# Below this many elements a kernel launch plus two PCIe copies costs more than
# the CPU needs for the whole job.
AUTO_CUDA_MIN_ITEMS = 1 << 22

# Matches qsm::kMaxThreads: a typo like threads=10**6 must not start a million threads.
MAX_THREADS = 1024


@functools.cache
def cuda_status() -> tuple[ModuleType | None, str]:
    """Return ``(qsmcore._cuda or None, reason)``; reason is "" when usable."""
    try:
        from qsmcore import _cuda
    except ImportError as exc:
        return (
            None,
            f"qsmcore._cuda was not built (no nvcc at install time, or QSM_CUDA=OFF): {exc}",
        )
    count, err = _cuda.device_count()
    if count <= 0:
        return None, f"qsmcore._cuda is built but no GPU is usable: {err or 'no CUDA device found'}"
    return _cuda, ""


def resolve(backend: str, n_items: int = AUTO_CUDA_MIN_ITEMS) -> tuple[str, ModuleType]:
    """Validate ``backend`` and return ``(name, module)`` of the backend to run on."""
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "cpu":
        return "cpu", _core
    module, reason = cuda_status()
    if backend == "cuda":
        if module is None:
            raise RuntimeError(f'backend="cuda" is not available: {reason}')
        return "cuda", module
    if module is not None and n_items >= AUTO_CUDA_MIN_ITEMS:
        return "cuda", module
    return "cpu", _core


def check_threads(threads: int | None) -> int:
    """Validate ``threads`` (None = QSM_NUM_THREADS or all cores); 0 means default."""
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise TypeError(f"threads must be a positive int or None, got {threads!r}")
    if not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"threads must be in [1, {MAX_THREADS}], got {threads}")
    return threads
