"""Monte Carlo failure probability of a :class:`Program`: ``monte_carlo`` and ``combine``.

The kernel (``cpp/include/qsm/reliability/mc_bitparallel.hpp``) evaluates the program on
64 trials per 64-bit word: every basic event's failure indicators for 64 trials are one
word drawn exactly from Philox, every gate is a few bitwise instructions, and the top
word's popcount counts failures. Trial ``t`` is bit ``t % 64`` of block ``t // 64``, and
an event's words are drawn for groups of 64 blocks at a time: block ``b`` of event ``i``
depends only on ``(seed, b // 64, i)``, so results do not depend on threads, and a run
split into calls with ``start`` and merged with :func:`combine` gives the same failure
counts as one call (docs/determinism.md, "Reliability Monte Carlo").

Two estimators:

* ``"naive"``: :math:`\\hat P = F / n`, the fraction of failed trials, with the exact
  Clopper-Pearson interval (never a confident zero: with no failure the upper end is
  :math:`1 - (\\alpha/2)^{1/n}`).
* ``"importance"``: failure biasing (Lewis & Böhm 1984; Heidelberger 1995, ACM TOMACS 5(1),
  "Fast simulation of rare events in queueing and reliability models"). Event :math:`i` is
  sampled failed with :math:`q_i \\ge p_i`; each failed trial weighs
  :math:`w = \\prod_i (p_i/q_i)^{x_i} ((1-p_i)/(1-q_i))^{1-x_i}`, and
  :math:`\\hat P = \\sum w / n` is unbiased with variance estimated from :math:`\\sum w^2`.
  The interval is the normal (CLT) interval on the weights; trust it once a few dozen
  trials have failed under the bias (``failures``).
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import special as _spsp

from qsmcore import _backend, _core
from qsmcore._seed import SeedLike, philox_key
from qsmcore.reliability import _mc_input
from qsmcore.reliability._program import Program

METHODS = ("naive", "importance")
Method = Literal["naive", "importance"]

# trial ids are 64-bit; keep start + trials far from overflow
MAX_TRIALS = 2**62

# Default failure bias: q_i = max(p_i, theta), theta from THETAS (or no bias) by pilot
# runs of PILOT_TRIALS trials (see _default_bias).
THETAS = tuple(2.0**-j for j in range(1, 31))
PILOT_TRIALS = 8192
PILOT_MIN_FAILURES = 8
PILOT_MIN_ESS = 0.25
_PILOT_TAG = 0x5049_4C4F  # spawn key of the pilot stream: independent of the main run


@dataclass(frozen=True, repr=False)
class MonteCarloResult:
    """A Monte Carlo estimate of a system's failure probability.

    Attributes
    ----------
    probability : float
        :math:`\\hat P`, the estimated probability that the top event fails.
    low, high : float
        The confidence interval for :math:`P` at level ``confidence``.
    failures : int
        Trials whose top event failed (under the bias for importance sampling).
    trials : int
        :math:`n`, the trials behind the estimate (``start .. start + trials - 1``).
    start : int
        The first trial id.
    estimator : str
        ``"naive"`` or ``"importance"`` (failure biasing).
    interval : str
        ``"clopper-pearson"`` (exact binomial), ``"normal"`` (CLT on the weights) or,
        for importance sampling without a single failure, ``"bound"``: :math:`[0,
        \\max w \\cdot U]` with :math:`U` the Clopper-Pearson upper end of
        :math:`P_q(\\text{fail})`.
    confidence : float
        The interval's level.
    relative_error : float
        Standard error over the estimate (``inf`` when the estimate is 0).
    sum_w, sum_w2 : float
        :math:`\\sum w` and :math:`\\sum w^2` over the failed trials (the failure count
        for the naive estimator): what :func:`combine` adds up.
    bias : numpy.ndarray or None
        The sampling probabilities :math:`q` of importance sampling.
    """

    probability: float
    low: float
    high: float
    failures: int
    trials: int
    start: int
    estimator: str
    interval: str
    confidence: float
    relative_error: float
    sum_w: float
    sum_w2: float
    bias: np.ndarray | None = field(default=None, compare=False)
    key: int = field(default=0, compare=False)
    program_digest: str = field(default="", compare=False)
    log_max_weight: float = field(default=0.0, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values, ready for JSON."""
        return {
            "probability": self.probability,
            "low": self.low,
            "high": self.high,
            "failures": self.failures,
            "trials": self.trials,
            "start": self.start,
            "estimator": self.estimator,
            "interval": self.interval,
            "confidence": self.confidence,
            "relative_error": self.relative_error,
            "sum_w": self.sum_w,
            "sum_w2": self.sum_w2,
            "bias": None if self.bias is None else self.bias.tolist(),
        }

    def __repr__(self) -> str:
        return (
            f"MonteCarloResult(probability={self.probability:.6g}, "
            f"{self.confidence:.0%} CI=[{self.low:.6g}, {self.high:.6g}] ({self.interval}), "
            f"estimator={self.estimator!r}, failures={self.failures}, trials={self.trials}, "
            f"relative_error={self.relative_error:.3g})"
        )

    __str__ = __repr__


def _check_int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r}")
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return value


def _check_confidence(confidence: Any) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real):
        raise TypeError(f"confidence must be a float in (0, 1), got {confidence!r}")
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return c


def _check_bias(bias: Any, p: np.ndarray) -> np.ndarray:
    q = _mc_input.probabilities("bias", bias, p.size)
    bad = (q != p) & ~((q > p) & (q < 1.0))
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"bias[{i}] = {q[i]!r} must equal p[{i}] = {p[i]!r} or lie in (p[{i}], 1)")
    return q


# runner(q or None, key, start, trials) -> (failures, sum_w, sum_w2): one kernel call
Runner = Callable[[np.ndarray | None, int, int, int], tuple[int, float, float]]


def _program_runner(arrays: tuple[np.ndarray, ...], top: int, threads: int) -> Runner:
    p, op, k, offsets, inputs = arrays

    def run(q: np.ndarray | None, key: int, start: int, trials: int):
        q_arr = np.empty(0) if q is None else q
        return _core.reliability_mc(
            p, q_arr, op, k, offsets, inputs, top, key, start=start, trials=trials, threads=threads
        )

    return run


def _pilot_key(seed: SeedLike) -> int:
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    child = np.random.SeedSequence(
        seq.entropy, spawn_key=(*seq.spawn_key, _PILOT_TAG), pool_size=seq.pool_size
    )
    return philox_key(child)


def _bias_for(p: np.ndarray, theta: float) -> np.ndarray:
    # Deterministic events (p = 0 or 1) stay as they are: biasing p = 0 upwards only
    # produces weight-0 trials.
    q = np.maximum(p, theta)
    fixed = (p == 0.0) | (p == 1.0)
    q[fixed] = p[fixed]
    return q


def _default_bias(run: Runner, p: np.ndarray, pilot_key: int) -> np.ndarray:
    # theta grows from 0 (no bias) by factors of 2. The first theta whose pilot sees
    # PILOT_MIN_FAILURES failures is the least bias that makes failures visible; larger
    # thetas compete with it on the pilot's relative variance only while the weights of
    # the failed pilot trials stay even (effective sample size >= PILOT_MIN_ESS of the
    # failures). Without that guard, systems of many components get far too much bias:
    # the trials that carry the probability (a few failures in the right places) become
    # too rare under q to appear in a pilot, the pilot's variance looks small, and the
    # estimate comes out many times too low with a confident interval (seen on a 10x10
    # grid, all-terminal, p = 0.01).
    n = PILOT_TRIALS
    best_q, best_score = None, math.inf
    for theta in (0.0, *reversed(THETAS)):
        q = _bias_for(p, theta)
        if theta and np.array_equal(q, p):
            continue
        failures, sw, sw2 = run(None if theta == 0.0 else q, pilot_key, 0, n)
        if theta == 0.0:
            sw = sw2 = float(failures)
        if failures < PILOT_MIN_FAILURES or sw <= 0.0:
            continue
        score = n * sw2 / (sw * sw)  # n * relative variance of the estimator + 1
        even = sw * sw / sw2 >= PILOT_MIN_ESS * failures
        if best_q is None or (even and score < best_score):
            best_q, best_score = q, score
        elif not even:
            break  # more bias only makes the weights more uneven
    return p.copy() if best_q is None else best_q


def importance_bias(
    program: Program, seed: SeedLike = 0, *, threads: int | None = None
) -> np.ndarray:
    """The default failure-biasing probabilities :math:`q` that ``monte_carlo`` uses.

    :math:`q_i = \\max(p_i, \\theta)` (events with :math:`p_i \\in \\{0, 1\\}` unchanged), with
    :math:`\\theta` from :math:`0, 2^{-30}, 2^{-29}, \\dots, 2^{-1}` by pilot runs of 8192
    trials: the smallest :math:`\\theta` whose pilot sees at least 8 failures, or a larger
    one whose pilot gives a smaller relative variance :math:`\\overline{w^2} / \\bar w^2`
    while the failed trials' weights stay even (effective sample size at least a quarter
    of the failures; uneven weights mean the bias hides the trials that carry the
    probability, which happens on systems of many components). :math:`\\theta = 0` is no
    bias. The pilot uses its own stream (a child of
    ``seed``), so every part of a split run finds the same :math:`q`. When no pilot sees 8
    failures, :math:`q = p`: pass ``bias`` explicitly then.
    """
    arrays = _mc_input.checked_arrays(program)
    nthreads = _backend.check_threads(threads)
    philox_key(seed)  # validates seed
    run = _program_runner(arrays, int(program.top), nthreads)
    return _default_bias(run, arrays[0], _pilot_key(seed))


def _normal_z(confidence: float) -> float:
    return float(_spsp.ndtri(0.5 + confidence / 2.0))


def _naive_result(failures: int, trials: int, confidence: float, **meta: Any):
    alpha = 1.0 - confidence
    x, n = failures, trials
    # Beta quantiles straight from the special function (what scipy.stats.beta.ppf
    # computes, without ~0.1 ms of distribution-object overhead per call).
    low = 0.0 if x == 0 else float(_spsp.betaincinv(x, n - x + 1, alpha / 2))
    high = 1.0 if x == n else float(_spsp.betaincinv(x + 1, n - x, 1 - alpha / 2))
    phat = x / n
    rel = math.sqrt(phat * (1 - phat) / n) / phat if x else math.inf
    return MonteCarloResult(
        phat, low, high, x, n, estimator="naive", interval="clopper-pearson",
        confidence=confidence, relative_error=rel, sum_w=float(x), sum_w2=float(x), **meta,
    )  # fmt: skip


def _log_max_weight(p: np.ndarray, q: np.ndarray) -> float:
    # The largest likelihood ratio of any state: prod (1-p_i)/(1-q_i), as q_i >= p_i.
    moved = q != p
    return float(np.sum(np.log1p(-p[moved]) - np.log1p(-q[moved])))


def _importance_result(
    failures: int, sw: float, sw2: float, trials: int, confidence: float, **meta: Any
):
    n = trials
    mean = sw / n
    if failures == 0:
        # No failed trial: P = E_q[w 1_fail] <= max w * P_q(fail), bounded with the
        # Clopper-Pearson upper end for P_q(fail) (one-sided at the full level).
        upper = 1.0 - (1.0 - confidence) ** (1.0 / n)
        high = min(1.0, math.exp(meta["log_max_weight"]) * upper)
        return MonteCarloResult(
            0.0, 0.0, high, 0, n, estimator="importance", interval="bound",
            confidence=confidence, relative_error=math.inf, sum_w=sw, sum_w2=sw2, **meta,
        )  # fmt: skip
    var_w = max(0.0, (sw2 - n * mean * mean) / (n - 1)) if n > 1 else 0.0
    se = math.sqrt(var_w / n)
    half = _normal_z(confidence) * se
    return MonteCarloResult(
        mean, max(0.0, mean - half), min(1.0, mean + half), failures, n,
        estimator="importance", interval="normal", confidence=confidence,
        relative_error=se / mean if mean > 0 else math.inf, sum_w=sw, sum_w2=sw2, **meta,
    )  # fmt: skip


def monte_carlo(
    program: Program,
    trials: int,
    seed: SeedLike = 0,
    method: Method = "naive",
    bias: Any = None,
    confidence: float = 0.95,
    threads: int | None = None,
    start: int = 0,
    backend: str = "cpu",
) -> MonteCarloResult:
    """Estimate the failure probability of ``program``'s top event by Monte Carlo.

    Parameters
    ----------
    program : Program
        The flat structure (``qsmcore.reliability._program``): basic events with failure
        probabilities :math:`p_i`, AND/OR/VOTE/NOT gates, the top node.
    trials : int
        :math:`n \\ge 1` trials, any number (the kernel works on 64 at a time and masks
        the lanes outside ``[start, start + trials)``).
    seed : int or numpy.random.SeedSequence
        The stream; the result is a pure function of ``seed``, the program and the trial
        range.
    method : {"naive", "importance"}
        ``"naive"``: the fraction of failed trials, Clopper-Pearson interval.
        ``"importance"``: failure biasing with ``bias`` (see :func:`importance_bias`
        for the default), normal interval on the likelihood-ratio weights. Use it for
        rare failures: a probability of 1e-12 is estimated to a few percent with 10^5
        trials where naive sampling sees no failure at all.
    bias : array_like of float, optional
        :math:`q` for ``"importance"``: ``q[i] == p[i]`` or ``p[i] < q[i] < 1``.
        ``None`` picks :func:`importance_bias` ``(program, seed)``.
    confidence : float
        Level of the interval, in (0, 1).
    threads : int, optional
        Worker threads (default: ``QSM_NUM_THREADS`` or all cores). Does not change
        the result.
    start : int
        The first trial id: ``monte_carlo(..., trials=a)`` and ``monte_carlo(...,
        trials=n - a, start=a)`` cover the trials of one ``trials=n`` run, and
        :func:`combine` merges them (the same failure count; importance-sampling sums
        agree to rounding).
    backend : {"cpu", "cuda", "auto"}
        ``"cuda"`` runs the naive estimator on the GPU (one thread per event and group
        of 4096 trials to sample, one per 64 trials to evaluate the gates), with the
        same streams: the failure count equals the CPU's for the same seed and range.
        ``"auto"`` uses the GPU for naive runs of at least 2^22 component-samples when
        one is usable. Importance sampling runs on the CPU.

    Returns
    -------
    MonteCarloResult

    Raises
    ------
    TypeError, ValueError
        A malformed program, probabilities outside [0, 1], a bad ``bias``, ``trials``,
        ``start``, ``seed``, ``confidence``, ``method`` or ``threads``.
    """
    arrays = _mc_input.checked_arrays(program)
    top = int(program.top)
    options = _check_options(trials, start, method, confidence, threads)
    if backend == "cuda" and options["method"] != "naive":
        raise ValueError('backend="cuda" runs method="naive" only; importance sampling is CPU')
    items = options["trials"] * program.n_events if options["method"] == "naive" else 0
    name, module = _backend.resolve(backend, items)
    if name == "cuda":
        run = _cuda_runner(module, arrays, top)
    else:
        run = _program_runner(arrays, top, options["threads"])
    return _estimate(run, arrays[0], _mc_input.program_digest(program), seed, bias, options)


def _cuda_runner(module: Any, arrays: tuple[np.ndarray, ...], top: int) -> Runner:
    p, op, k, offsets, inputs = arrays

    def run(q: np.ndarray | None, key: int, start: int, trials: int):
        if q is not None:  # unreachable: importance sampling never reaches the GPU
            raise ValueError("the CUDA reliability kernel has no importance sampling")
        return module.reliability_mc(p, op, k, offsets, inputs, top, key, start, trials)

    return run


def _check_options(trials: Any, start: Any, method: Any, confidence: Any, threads: Any):
    """The arguments every Monte Carlo entry point shares, validated."""
    trials = _check_int("trials", trials, 1, MAX_TRIALS)
    start = _check_int("start", start, 0, MAX_TRIALS)
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return {
        "trials": trials,
        "start": start,
        "method": method,
        "confidence": _check_confidence(confidence),
        "threads": _backend.check_threads(threads),
    }


def _estimate(
    run: Runner, p: np.ndarray, digest: str, seed: SeedLike, bias: Any, options: dict[str, Any]
) -> MonteCarloResult:
    key = philox_key(seed)
    trials, start, confidence = options["trials"], options["start"], options["confidence"]
    meta = {"start": start, "key": key, "program_digest": digest}
    if options["method"] == "naive":
        if bias is not None:
            raise ValueError('bias is only used by method="importance"; got a bias with "naive"')
        failures, _, _ = run(None, key, start, trials)
        return _naive_result(int(failures), trials, confidence, bias=None, **meta)
    q = _default_bias(run, p, _pilot_key(seed)) if bias is None else _check_bias(bias, p)
    failures, sw, sw2 = run(q, key, start, trials)
    if np.array_equal(q, p):  # no event biased: every weight is 1
        sw = sw2 = float(failures)
    q.setflags(write=False)
    meta["log_max_weight"] = _log_max_weight(p, q)
    return _importance_result(int(failures), sw, sw2, trials, confidence, bias=q, **meta)


def combine(results: Iterable[MonteCarloResult]) -> MonteCarloResult:
    """Merge runs of one experiment over disjoint trial ranges (``start``).

    The runs must share the program, seed, estimator, bias and confidence; their trial
    ranges must not overlap (they need not be contiguous). The counts and weight sums
    add up, and the interval is recomputed from the totals: ``combine`` of the parts
    of ``[0, n)`` has the failure count of one ``trials=n`` run.
    """
    items = list(results)
    if not items:
        raise ValueError("results must hold at least one MonteCarloResult")
    for r in items:
        if not isinstance(r, MonteCarloResult):
            raise TypeError(f"results must hold MonteCarloResult objects, got {type(r)}")
    first = items[0]
    for r in items[1:]:
        if r.key != first.key or r.program_digest != first.program_digest:
            raise ValueError("results come from different programs or seeds")
        if r.estimator != first.estimator or r.confidence != first.confidence:
            raise ValueError("results differ in estimator or confidence")
        if (r.bias is None) != (first.bias is None) or (
            r.bias is not None and not np.array_equal(r.bias, first.bias)
        ):
            raise ValueError("results differ in bias")
    ranges = sorted((r.start, r.start + r.trials) for r in items)
    for (_, end), (begin, _) in itertools.pairwise(ranges):
        if begin < end:
            raise ValueError("results have overlapping trial ranges (start, trials)")
    failures = sum(r.failures for r in items)
    trials = sum(r.trials for r in items)
    meta = {
        "start": ranges[0][0],
        "key": first.key,
        "program_digest": first.program_digest,
        "bias": first.bias,
    }
    if first.estimator == "naive":
        return _naive_result(failures, trials, first.confidence, **meta)
    sw = math.fsum(r.sum_w for r in items)
    sw2 = math.fsum(r.sum_w2 for r in items)
    meta["log_max_weight"] = first.log_max_weight
    return _importance_result(failures, sw, sw2, trials, first.confidence, **meta)
