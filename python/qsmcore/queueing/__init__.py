"""Queueing theory: exact formulas, approximations and simulation with confidence intervals.

Closed forms for single stations — ``mm1``, ``mmc`` (Erlang C), ``mmck`` (finite
capacity), ``mg1``/``md1`` (Pollaczek–Khinchine), ``erlang_b``/``erlang_c`` — the
approximations ``gg1`` (Kingman) and ``ggc`` (Allen–Cunneen), priority M/G/1 classes
(``priority_mg1``), open Jackson networks (``jackson``), ``littles_law`` and staffing
(``servers_for``). Simulation in C++ by independent replications: ``simulate``
(G/G/c/K, FIFO or non-preemptive priority classes), ``simulate_network`` (open networks
of such stations with probabilistic routing), ``combine``/``combine_network``. Every function
validates its input and returns a frozen result dataclass with ``utilization`` (ρ),
``wait`` (Wq), ``response`` (W), ``queue_length`` (Lq), ``number_in_system`` (L) and
``to_dict()``. Service and interarrival times are ``qsmcore.random`` distributions or
spec strings such as ``"lognormal:mean=1,scv=4"``.
"""

from qsmcore.queueing._network_sim import (
    NetworkSimulationResult,
    combine_network,
    simulate_network,
)
from qsmcore.queueing._station_sim import SimulationResult, Trace, combine, simulate
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
    "SimulationResult",
    "StaffingResult",
    "Trace",
    "combine",
    "combine_network",
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
    "simulate",
    "simulate_network",
]
