"""Queueing theory: exact formulas and approximations (this module's analytic part).

Closed forms for single stations — ``mm1``, ``mmc`` (Erlang C), ``mmck`` (finite
capacity), ``mg1``/``md1`` (Pollaczek–Khinchine), ``erlang_b``/``erlang_c`` — the
approximations ``gg1`` (Kingman) and ``ggc`` (Allen–Cunneen), priority M/G/1 classes
(``priority_mg1``), open Jackson networks (``jackson``), ``littles_law`` and staffing
(``servers_for``). Every function validates its input and returns a frozen result
dataclass with ``utilization`` (ρ), ``wait`` (Wq), ``response`` (W), ``queue_length``
(Lq), ``number_in_system`` (L) and ``to_dict()``. Service and interarrival times are
``qsmcore.random`` distributions or spec strings such as ``"lognormal:mean=1,scv=4"``.
"""

from qsmcore.queueing.analytic import (
    ErlangResult,
    LittleResult,
    MMcKResult,
    MMcResult,
    QueueResult,
    erlang_b,
    erlang_c,
    gg1,
    ggc,
    littles_law,
    md1,
    mg1,
    mm1,
    mmc,
    mmck,
)
from qsmcore.queueing.networks import JacksonResult, PriorityResult, jackson, priority_mg1
from qsmcore.queueing.simulate_network import NetworkSimulationResult, simulate_network
from qsmcore.queueing.staffing import StaffingResult, servers_for

__all__ = [
    "ErlangResult",
    "JacksonResult",
    "LittleResult",
    "MMcKResult",
    "MMcResult",
    "NetworkSimulationResult",
    "PriorityResult",
    "QueueResult",
    "StaffingResult",
    "erlang_b",
    "erlang_c",
    "gg1",
    "ggc",
    "jackson",
    "littles_law",
    "md1",
    "mg1",
    "mm1",
    "mmc",
    "mmck",
    "priority_mg1",
    "servers_for",
    "simulate_network",
]
