"""Queue peers: the Ciw and SimPy models a user would write without qsmcore.

Three models, each in both libraries, each returning a ``PeerRun``:

- ``MM1``: M/M/1 with λ = 0.9, μ = 1 (ρ = 0.9);
- ``MM8``: M/M/8 with λ = 7.2, μ = 1 (ρ = 0.9);
- ``NETWORK``: a 3-node open Jackson network, external Poisson arrivals at rate 1 into
  node 0, routing 0→1 0.5, 0→2 0.3, 1→2 0.4, 2→0 0.2 (the rest leaves), servers 1, 2, 1
  and exponential service at rates ``NETWORK_SERVICE_RATES`` (ρ ≈ 0.74, 0.56, 0.69 by
  the traffic equations, see ``network_theory()``).

Ciw: the documented ``create_network`` / ``Simulation`` /
``simulate_until_max_customers(n, method="Finish")`` / ``get_all_records()`` usage.
SimPy: the textbook model, a ``Resource`` per station and one generator process per
customer (request, wait, ``timeout(service)``, release; in the network, route with one
uniform after each service). Both start empty and run one long replication of ``n``
customers; ``mean_wait`` is the mean time in queue (the total over all node visits,
per customer, in the network), and ``waits`` the per-customer values in completion
order, so that the caller can attach a batch-means standard error.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from qsmcore.queueing import JacksonResult, MMcResult, jackson, mmc

try:
    import ciw
except ImportError:  # the `peers` extra is optional
    ciw = None
try:
    import simpy
except ImportError:
    simpy = None

CIW_VERSION: str | None = None if ciw is None else ciw.__version__
SIMPY_VERSION: str | None = None if simpy is None else simpy.__version__


@dataclass(frozen=True)
class Station:
    """A single M/M/c station: λ, μ (per server), c."""

    arrival_rate: float
    service_rate: float
    servers: int

    def theory(self) -> MMcResult:
        return mmc(self.arrival_rate, self.service_rate, self.servers)


@dataclass(frozen=True)
class Network:
    """An open network of exponential stations: γ (external rates), μ, c, routing P."""

    external_rates: tuple[float, ...]
    service_rates: tuple[float, ...]
    servers: tuple[int, ...]
    routing: tuple[tuple[float, ...], ...]

    def theory(self) -> JacksonResult:
        return jackson(self.external_rates, self.service_rates, self.routing, list(self.servers))


MM1 = Station(0.9, 1.0, 1)
MM8 = Station(7.2, 1.0, 8)
NETWORK_ROUTING = ((0.0, 0.5, 0.3), (0.0, 0.0, 0.4), (0.2, 0.0, 0.0))
# λ = (10/9, 5/9, 5/9) by the traffic equations; these rates put every ρ in 0.5..0.8.
NETWORK_SERVICE_RATES = (1.5, 0.5, 0.8)
NETWORK = Network((1.0, 0.0, 0.0), NETWORK_SERVICE_RATES, (1, 2, 1), NETWORK_ROUTING)


@dataclass
class PeerRun:
    """What a peer simulated: ``customers`` completed, their ``mean_wait`` (time in queue)."""

    customers: int
    mean_wait: float
    waits: np.ndarray = field(repr=False)


def _run(customers: int, waits: list[float]) -> PeerRun:
    w = np.asarray(waits, dtype=np.float64)
    return PeerRun(customers, float(w.mean()) if w.size else float("nan"), w)


def missing() -> list[str]:
    """The peer libraries that are not installed."""
    return [name for name, mod in (("ciw", ciw), ("simpy", simpy)) if mod is None]


# --------------------------------------------------------------------------- Ciw


def _need_ciw() -> None:
    if ciw is None:
        raise RuntimeError("Ciw is not installed: pip install '.[peers]'")


def ciw_station(model: Station, customers: int, seed: int = 0) -> PeerRun:
    """One Ciw run of an M/M/c station until ``customers`` have left (method="Finish")."""
    _need_ciw()
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=model.arrival_rate)],
        service_distributions=[ciw.dists.Exponential(rate=model.service_rate)],
        number_of_servers=[model.servers],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_customers(customers, method="Finish")
    # Records come back in exit order (customers still inside have none yet).
    return _run(customers, [r.waiting_time for r in sim.get_all_records()])


def ciw_network(model: Network, customers: int, seed: int = 0) -> PeerRun:
    """One Ciw run of the open network until ``customers`` have left it (method="Finish").

    A customer's wait is the sum of its queueing times over every node visit.
    """
    _need_ciw()
    arrivals = [ciw.dists.Exponential(rate=g) if g > 0 else None for g in model.external_rates]
    net = ciw.create_network(
        arrival_distributions=arrivals,
        service_distributions=[ciw.dists.Exponential(rate=m) for m in model.service_rates],
        number_of_servers=list(model.servers),
        routing=[list(row) for row in model.routing],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_customers(customers, method="Finish")
    # The exit node holds exactly the customers whose journey has ended, in exit order.
    done = sim.nodes[-1].all_individuals
    waits = [sum(r.waiting_time for r in ind.data_records) for ind in done]
    return _run(len(done), waits)


# --------------------------------------------------------------------------- SimPy


def _need_simpy() -> None:
    if simpy is None:
        raise RuntimeError("SimPy is not installed: pip install '.[peers]'")


def simpy_station(model: Station, customers: int, seed: int = 0) -> PeerRun:
    """The textbook SimPy M/M/c: a ``Resource(capacity=c)`` and a process per customer."""
    _need_simpy()
    rng = random.Random(seed)
    arrive, serve = rng.expovariate, rng.expovariate
    lam, mu = model.arrival_rate, model.service_rate
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=model.servers)
    waits: list[float] = []

    def customer(env: simpy.Environment) -> object:
        t0 = env.now
        with server.request() as req:
            yield req
            waits.append(env.now - t0)
            yield env.timeout(serve(mu))

    def source(env: simpy.Environment) -> object:
        for _ in range(customers):
            env.process(customer(env))
            yield env.timeout(arrive(lam))

    env.process(source(env))
    env.run()
    return _run(customers, waits)


def simpy_network(model: Network, customers: int, seed: int = 0) -> PeerRun:
    """SimPy open network: a ``Resource`` per node, a process per customer that queues,
    is served and is routed by one uniform against the cumulative routing row."""
    _need_simpy()
    rng = random.Random(seed)
    draw_exp, uniform = rng.expovariate, rng.random
    n = len(model.service_rates)
    env = simpy.Environment()
    nodes = [simpy.Resource(env, capacity=c) for c in model.servers]
    mus = model.service_rates
    cum = [list(np.cumsum(row)) for row in model.routing]
    waits: list[float] = []

    def customer(env: simpy.Environment, node: int) -> object:
        queued = 0.0
        while node < n:
            t0 = env.now
            with nodes[node].request() as req:
                yield req
                queued += env.now - t0
                yield env.timeout(draw_exp(mus[node]))
            # u beyond the row sum (bisect returns n) means the customer leaves.
            node = bisect.bisect_right(cum[node], uniform())
        waits.append(queued)

    def source(env: simpy.Environment, node: int, rate: float, count: int) -> object:
        for _ in range(count):
            env.process(customer(env, node))
            yield env.timeout(draw_exp(rate))

    entries = [(j, g) for j, g in enumerate(model.external_rates) if g > 0]
    if len(entries) != 1:
        raise ValueError("simpy_network models one entry node (as the benchmark network has)")
    j, g = entries[0]
    env.process(source(env, j, g, customers))
    env.run()
    return _run(customers, waits)


PEERS: dict[str, tuple[Callable[..., PeerRun], Callable[..., PeerRun]]] = {
    # peer label: (station model, network model)
    "Ciw": (ciw_station, ciw_network),
    "SimPy": (simpy_station, simpy_network),
}


def available() -> list[str]:
    """Labels of the installed peers, in table order."""
    have = {"Ciw": ciw is not None, "SimPy": simpy is not None}
    return [p for p in PEERS if have[p]]


def network_theory() -> JacksonResult:
    """The benchmark network solved exactly (traffic equations, per-node M/M/c)."""
    return NETWORK.theory()


if __name__ == "__main__":  # python -m benchmarks._queue_peers: the network's ρ and a smoke run
    jr = network_theory()
    rhos = ", ".join(f"{r:.3f}" for r in jr.utilizations)
    lams = ", ".join(f"{x:.4f}" for x in jr.arrival_rates)
    print(f"network: λ = ({lams}), μ = {NETWORK_SERVICE_RATES}, ρ = ({rhos})")
    print(f"exact: total wait per customer {jr.wait:.4f}, sojourn {jr.response:.4f}")
    for label, (station, network) in PEERS.items():
        if label not in available():
            continue
        for name, model in (("M/M/1", MM1), ("M/M/8", MM8)):
            r = station(model, 20_000)
            print(f"{label} {name}: {r.customers} customers, mean wait {r.mean_wait:.4f} "
                  f"(exact {model.theory().wait:.4f})")  # fmt: skip
        r = network(NETWORK, 20_000)
        print(f"{label} network: {r.customers} customers, mean wait {r.mean_wait:.4f}")
