"""Blast radius of cell-based and shuffle-sharded placement: combinatorial closed forms,
brute-force enumeration, Monte Carlo, properties and bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import comb
from scipy.stats import binom, hypergeom

import qsmcore.reliability as rel
from qsmcore.reliability.blast import _hypergeom_pmf

# --------------------------------------------------------------------------- shuffle sharding


def test_shuffle_shard_closed_forms():
    n, k, f, users = 100, 5, 5, 10_000
    r = rel.shuffle_shard_blast_radius(n, k, f, users)
    assert r.p_full == pytest.approx(1 / comb(100, 5, exact=True), rel=1e-12)  # 1 in 75,287,520
    assert r.p_partial == pytest.approx(1 - comb(95, 5, exact=True) / comb(100, 5, exact=True))
    assert r.expected_users_full == pytest.approx(users * r.p_full)
    assert r.p_any_full == pytest.approx(1 - (1 - r.p_full) ** users, rel=1e-9)
    assert r.std_fraction_full == pytest.approx(math.sqrt(r.p_full * (1 - r.p_full) / users))
    assert r.shard_overlap_pmf.sum() == pytest.approx(1.0)
    assert r.shard_overlap_pmf[-1] == pytest.approx(r.p_full)


def test_shuffle_shard_tail_is_binomial():
    r = rel.shuffle_shard_blast_radius(20, 3, 6, users=500, tail_quantile=0.999)
    p = comb(6, 3) / comb(20, 3)
    assert r.tail_fraction_full == binom.ppf(0.999, 500, p) / 500
    assert r.tail_fraction_partial == binom.ppf(0.999, 500, 1 - comb(14, 3) / comb(20, 3)) / 500
    dist = r.users_full_distribution()
    assert dist.pmf(0) == pytest.approx(1 - r.p_any_full) and dist.mean() == r.expected_users_full
    assert r.users_partial_distribution().mean() == pytest.approx(r.expected_users_partial)


def test_shuffle_shard_monte_carlo():
    # users draw uniform 3-subsets of 20 nodes; each replication fails a fresh random 6-set.
    # Per user P(full) = C(6,3)/C(20,3) = 1/57. Tolerance: 4 binomial standard errors.
    n, k, f, users, reps = 20, 3, 6, 200, 400
    rng = np.random.default_rng(6)
    exact = rel.shuffle_shard_blast_radius(n, k, f, users)
    full_counts = np.empty(reps)
    partial = 0
    for i in range(reps):
        shards = rng.random((users, n)).argsort(axis=1)[:, :k]
        failed = np.zeros(n, dtype=bool)
        failed[rng.choice(n, f, replace=False)] = True
        hits = failed[shards].sum(axis=1)
        full_counts[i] = (hits == k).sum()
        partial += (hits >= 1).sum()
    total = users * reps
    se_full = math.sqrt(exact.p_full * (1 - exact.p_full) / total)
    se_part = math.sqrt(exact.p_partial * (1 - exact.p_partial) / total)
    assert abs(full_counts.sum() / total - exact.p_full) < 4 * se_full
    assert abs(partial / total - exact.p_partial) < 4 * se_part
    # the count per failure event is Binomial(U, p): check P(any user fully down)
    p_any = exact.p_any_full
    assert abs((full_counts > 0).mean() - p_any) < 4 * math.sqrt(p_any * (1 - p_any) / reps)
    # and its variance U p q: the sample variance of 400 near-Poisson counts of mean
    # λ = U p ≈ 3.5 has relative SE sqrt((1/λ + 2) / 400) ≈ 0.076, so 30% is ~4 SEs
    # (counts correlated by cells would be far more spread)
    variance = users * exact.p_full * (1 - exact.p_full)
    assert full_counts.var(ddof=1) == pytest.approx(variance, rel=0.3)


# --------------------------------------------------------------------------- cells


def _brute_force_cells(n: int, c: int, f: int) -> tuple[np.ndarray, np.ndarray]:
    cells = n // c
    full = np.zeros(cells + 1)
    part = np.zeros(cells + 1)
    for failed in itertools.combinations(range(n), f):
        per_cell = np.bincount(np.array(failed, dtype=int) // c, minlength=cells)
        full[(per_cell == c).sum()] += 1
        part[(per_cell >= 1).sum()] += 1
    total = comb(n, f, exact=True)
    return full / total, part / total


@pytest.mark.parametrize(("n", "c", "f"), [(12, 3, 5), (10, 2, 4), (12, 4, 8), (8, 1, 3),
                                           (9, 9, 9), (12, 3, 0)])  # fmt: skip
def test_cells_exact_distribution_by_enumeration(n, c, f):
    r = rel.cell_blast_radius(n, c, f)
    full, part = _brute_force_cells(n, c, f)
    np.testing.assert_allclose(r.full_cells_pmf, full[: r.full_cells_pmf.size], atol=1e-12)
    assert full[r.full_cells_pmf.size :].sum() == 0  # the count can't exceed ⌊f/c⌋
    np.testing.assert_allclose(r.partial_cells_pmf, part[: r.partial_cells_pmf.size], atol=1e-12)
    assert r.p_any_full == pytest.approx(full[1:].sum(), abs=1e-12)
    cells = n // c
    mean = (np.arange(cells + 1) * full).sum() / cells
    assert r.expected_fraction_full == pytest.approx(mean, abs=1e-12)
    sd = math.sqrt(((np.arange(cells + 1) / cells) ** 2 * full).sum() - mean**2)
    assert r.std_fraction_full == pytest.approx(sd, abs=1e-9)


def test_cells_and_shuffle_sharding_share_the_mean_not_the_tail():
    # the point of shuffle sharding: same expected blast radius, far smaller chance that
    # anyone is fully down when a few nodes fail (100 nodes, groups of 5, 10 down)
    cell = rel.cell_blast_radius(100, 5, 10)
    shuffle = rel.shuffle_shard_blast_radius(100, 5, 10, users=20)
    assert cell.expected_fraction_full == pytest.approx(shuffle.p_full, rel=1e-12)
    assert cell.expected_fraction_partial == pytest.approx(shuffle.p_partial, rel=1e-12)
    # cells: one cell down takes 1/20 of users at once
    assert cell.full_cells_pmf[1] > 0 and cell.tail_fraction_full in (0.0, 0.05)


def test_cells_monte_carlo():
    n, c, f, reps = 60, 4, 20, 20_000
    rng = np.random.default_rng(63)
    r = rel.cell_blast_radius(n, c, f)
    failed = rng.random((reps, n)).argsort(axis=1)[:, :f]  # random f-subsets
    per_cell = np.zeros((reps, n // c), dtype=int)
    np.add.at(per_cell, (np.repeat(np.arange(reps), f), (failed // c).ravel()), 1)
    full = (per_cell == c).sum(axis=1)
    p_any = r.p_any_full
    assert abs((full > 0).mean() - p_any) < 4 * math.sqrt(p_any * (1 - p_any) / reps)
    part_frac = (per_cell >= 1).mean(axis=1)
    se = r.partial_cells_pmf @ (np.arange(r.partial_cells_pmf.size) / (n // c)) ** 2
    se = math.sqrt((se - r.expected_fraction_partial**2) / reps)
    assert abs(part_frac.mean() - r.expected_fraction_partial) < 4 * se


def test_hypergeom_helper_matches_scipy():
    s = np.arange(6)[:, None]
    marked = np.arange(0, 40)[None, :]
    np.testing.assert_allclose(
        _hypergeom_pmf(s, 50, marked, 5), hypergeom.pmf(s, 50, marked, 5), rtol=1e-10, atol=1e-300
    )


def test_extremes():
    none = rel.cell_blast_radius(20, 4, 0)
    assert none.p_any_full == 0 and none.expected_fraction_partial == 0
    everything = rel.cell_blast_radius(20, 4, 20)
    assert everything.expected_fraction_full == 1 and everything.tail_fraction_full == 1
    s = rel.shuffle_shard_blast_radius(20, 4, 20, users=3)
    assert s.p_full == 1 and s.p_any_full == 1
    assert repr(s).startswith("ShuffleShardBlastRadius(nodes=20, shard_size=4")
    assert rel.cell_blast_radius(20, 4, 5).to_dict()["cells"] == 5


@settings(max_examples=40)
@given(data=st.data(), cells=st.integers(1, 12), c=st.integers(1, 5))
def test_cells_pmf_is_a_distribution_with_the_closed_form_mean(data, cells, c):
    n = cells * c
    f = data.draw(st.integers(0, n))
    r = rel.cell_blast_radius(n, c, f)
    assert r.full_cells_pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert r.partial_cells_pmf.sum() == pytest.approx(1.0, abs=1e-12)
    j = np.arange(r.partial_cells_pmf.size)
    assert r.partial_cells_pmf @ j / cells == pytest.approx(r.expected_fraction_partial, abs=1e-12)
    if f < n:  # one more failure never helps
        more = rel.cell_blast_radius(n, c, f + 1)
        assert more.expected_fraction_full >= r.expected_fraction_full
        assert more.p_any_full >= r.p_any_full - 1e-12


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((10, 3, 2), {}, ValueError, "multiple of cell_size"),
        ((10, 11, 2), {}, ValueError, "cell_size"),
        ((10, 0, 2), {}, ValueError, "cell_size"),
        ((10, 2, 11), {}, ValueError, "failed"),
        ((10, 2, -1), {}, ValueError, "failed"),
        ((0, 1, 0), {}, ValueError, "nodes"),
        ((10.0, 2, 1), {}, TypeError, "nodes"),
        ((10, 2, 1), {"tail_quantile": 1.0}, ValueError, "tail_quantile"),
        ((10, 2, 1), {"tail_quantile": math.nan}, ValueError, "tail_quantile"),
        ((10**6, 1, 10**4), {}, ValueError, "failed"),  # the exact DP would take hours
    ],
)
def test_cell_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rel.cell_blast_radius(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((10, 11, 2, 5), {}, ValueError, "shard_size"),
        ((10, 2, 11, 5), {}, ValueError, "failed"),
        ((10, 2, 1, 0), {}, ValueError, "users"),
        ((10, 2, 1, 2.5), {}, TypeError, "users"),
        ((10, True, 1, 2), {}, TypeError, "shard_size"),
        ((10, 2, 1, 5), {"tail_quantile": 0.0}, ValueError, "tail_quantile"),
    ],
)
def test_shuffle_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rel.shuffle_shard_blast_radius(*args, **kwargs)
