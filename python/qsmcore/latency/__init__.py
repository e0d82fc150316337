"""The mathematics of latency (episode 51): percentiles you can trust, the
coordinated-omission correction, latency budgets by simulation, fan-out tail
math and the speed-of-light floor.

- ``percentiles(samples, q)``: point estimates with exact, distribution-free
  order-statistic confidence intervals (honestly one-sided when n is too small).
- ``correct_coordinated_omission(samples, expected_interval)`` and
  ``corrected_percentiles``: HdrHistogram's corrected recording.
- ``budget(stages, n, seed)`` with ``fanout(spec, n, k)``: a request's latency
  through components in series and parallel fan-outs (wait for all or k-of-N),
  simulated in C++ on Philox streams (thread- and split-invariant).
- ``fanout_probability``, ``fanout_quantile``, ``fanout_table``: closed forms.
- ``min_rtt(a, b)``, ``great_circle_km``, ``cities()``: light in fiber.
"""

from qsmcore.latency.budget_sim import (
    BudgetResult,
    FanOut,
    StageSummary,
    budget,
    fanout,
    simulate,
)
from qsmcore.latency.city_table import cities
from qsmcore.latency.fanout_math import (
    FanoutRow,
    fanout_probability,
    fanout_quantile,
    fanout_table,
)
from qsmcore.latency.omission import correct_coordinated_omission, corrected_percentiles
from qsmcore.latency.order_stats import (
    PercentileEstimate,
    Percentiles,
    min_samples,
    order_ranks,
    percentiles,
)
from qsmcore.latency.rtt import RTT, great_circle_km, min_rtt

__all__ = [
    "RTT",
    "BudgetResult",
    "FanOut",
    "FanoutRow",
    "PercentileEstimate",
    "Percentiles",
    "StageSummary",
    "budget",
    "cities",
    "correct_coordinated_omission",
    "corrected_percentiles",
    "fanout",
    "fanout_probability",
    "fanout_quantile",
    "fanout_table",
    "great_circle_km",
    "min_rtt",
    "min_samples",
    "order_ranks",
    "percentiles",
    "simulate",
]
