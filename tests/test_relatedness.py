"""Cheap relatedness measures: they see what they should, and their ranking statistics."""

import numpy as np
import pytest

from mtb.data import Patterns
from mtb.relatedness import (
    alignment,
    alignment_at_init,
    bootstrap_rank_agreement,
    pick_tasks,
    rank_agreement,
    target_correlation,
)

RNG = np.random.default_rng(0)
X = RNG.normal(size=(300, 6))
MAIN = 1 / (1 + np.exp(-X[:, 0]))
Y = np.column_stack([MAIN, MAIN, 1 - MAIN, 1 / (1 + np.exp(-X[:, 5])), RNG.uniform(size=300)])
P = Patterns(X, Y, None, ("main", "copy", "flipped", "other", "noise"))


def test_target_correlation_sees_copies_and_flips_but_not_noise():
    c = target_correlation(P, "main")
    np.testing.assert_allclose(c[:3], 1.0)
    assert c[4] < 0.2


def test_target_correlation_skips_undefined_patterns():
    mask = np.ones_like(Y, bool)
    mask[:150, 1] = False
    Y2 = Y.copy()
    Y2[:150, 1] = 0.0  # garbage where undefined
    c = target_correlation(Patterns(X, Y2, mask, P.tasks), "main")
    assert c[1] == pytest.approx(1.0)


def test_alignment_with_shared_output_weights_sees_copies_and_flips():
    """With identical output weight rows, a copy of the main task pulls the hidden layer
    exactly its way and a flipped copy (near initial outputs of 0.5) the opposite way."""
    rng = np.random.default_rng(1)
    W1, b1 = rng.normal(size=(8, 6)) * 0.1, np.zeros((8, 1))
    W2, b2 = np.tile(rng.normal(size=(1, 8)) * 0.01, (5, 1)), np.zeros((5, 1))
    a = alignment([(W1, b1), (W2, b2)], P, "main")
    assert a[0] == pytest.approx(1.0)
    assert a[1] == pytest.approx(1.0)
    assert a[2] < -0.9
    assert abs(a[4]) < 0.5


def test_alignment_at_init_depends_on_the_random_output_weights():
    a, b = alignment_at_init(P, "main", 8, 3), alignment_at_init(P, "main", 8, 4)
    assert a[0] == pytest.approx(1.0) and a.shape == (5,)
    assert not np.allclose(a[1:], b[1:], atol=0.05)


def test_rank_agreement_per_seed():
    m = np.array([[1, 2, 3, 4], [4, 3, 2, 1]])
    b = np.array([[10, 20, 30, 40], [10, 20, 30, 40]])
    np.testing.assert_allclose(rank_agreement(m, b), [1.0, -1.0])
    with pytest.raises(ValueError):
        rank_agreement(m, b[:, :3])


def test_bootstrap_rank_agreement_interval_contains_point():
    m = RNG.normal(size=(10, 8)) + np.arange(8)
    b = RNG.normal(size=(10, 8)) + np.arange(8)
    point, lo, hi = bootstrap_rank_agreement(m, b, n=300)
    assert lo <= point <= hi
    assert point > 0.8


def test_pick_tasks():
    assert pick_tasks(("a", "b", "c"), "b") == ["a", "c"]


def test_constant_inputs_rank_nothing_and_warn_nothing():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rho = rank_agreement(np.ones((2, 4)), np.arange(8.0).reshape(2, 4))
        np.testing.assert_array_equal(rho, 0.0)
        flat = Patterns(X, np.column_stack([MAIN, np.full(300, 0.5)]), None, ("main", "flat"))
        assert target_correlation(flat, "main")[1] == 0.0
