"""Failure models (episode 63): exact and Monte Carlo system reliability.

Structures compile to a flat :class:`~qsmcore.reliability._program.Program`; the
solvers read it.
"""

from qsmcore.reliability.exact import (
    ExactResult,
    ImportanceResult,
    failure_probability,
    importance,
    minimal_cut_sets,
)

__all__ = [
    "ExactResult",
    "ImportanceResult",
    "failure_probability",
    "importance",
    "minimal_cut_sets",
]
