"""Behaviour shared by every sketch: pickling through ``to_bytes``, ``copy``,
``|`` for merge, and a per-object lock.

The kernels release the GIL, so two Python threads could otherwise run updates
on one sketch at the same time; every method that reads or writes the state
holds ``self._lock`` (see ``locked``). Different sketches update in parallel.
"""

from __future__ import annotations

import functools
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Self, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def locked(method: F) -> F:
    """Run ``method`` holding the sketch's lock (re-entrant, so locked methods may nest)."""

    @functools.wraps(method)
    def wrapper(self: Sketch, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Sketch(ABC):
    """Base class: subclasses implement ``to_bytes``, ``from_bytes`` and ``merge``."""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    @abstractmethod
    def to_bytes(self) -> bytes:
        """The sketch in qsmcore's stored format (see ``qsmcore.sketch._format``)."""

    @classmethod
    @abstractmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        """Rebuild a sketch from ``to_bytes`` output; ``ValueError`` if corrupted."""

    @abstractmethod
    def merge(self, other: Self) -> Self:
        """Fold ``other`` into this sketch (in place) and return ``self``."""

    def copy(self) -> Self:
        """An independent copy."""
        return type(self).from_bytes(self.to_bytes())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self).from_bytes, (self.to_bytes(),))

    def __or__(self, other: Self) -> Self:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.copy().merge(other)

    def __ior__(self, other: Self) -> Self:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.merge(other)
