"""Learning-curve helpers of the 1D-ALVINN chapter (mtb.curves)."""

import numpy as np
import pytest

import mtb
from mtb.curves import is_multimodal, minima, peak_until
from mtb.domains import teacher
from mtb.train import NetResult


def hand_made() -> NetResult:
    epochs = np.array([0, 10, 20, 30, 40])
    halt = np.array([[1.0, 1.0], [0.5, 0.8], [0.6, 0.4], [0.4, 0.45], [0.7, 0.5]])
    test = halt + 0.01
    curves = {"train": halt - 0.1, "halt": halt, "test": test}
    best = halt.argmin(0)
    return NetResult(mtb.Net(("a", "b")), epochs, curves, epochs[best],
                     {s: c[best, [0, 1]] for s, c in curves.items()})


def test_peak_until_takes_the_halt_minimum_within_the_budget():
    r = hand_made()
    np.testing.assert_allclose(peak_until(r, 40), r.peak["test"])
    np.testing.assert_allclose(peak_until(r, 25), [0.51, 0.41])  # a: epoch 10, b: epoch 20
    np.testing.assert_allclose(peak_until(r, 15, "halt"), [0.5, 0.8])
    np.testing.assert_allclose(peak_until(r, 0), [1.01, 1.01])
    with pytest.raises(ValueError, match="no measurement"):
        peak_until(r, -1)


def test_peak_until_the_last_epoch_is_the_trainers_peak():
    d = teacher.make_data(0, 40, 40, 40)
    r = mtb.train([mtb.Net(d.tasks, (4,))], d, mtb.Config(epochs=60, eval_every=7))[0]
    np.testing.assert_allclose(peak_until(r, 60), r.peak["test"])
    assert peak_until(r, 30).shape == (len(d.tasks),)


def test_minima_counts_separate_dips():
    x = np.linspace(0, 1, 201)
    one = 1 + (x - 0.4) ** 2
    assert list(minima(one)) == [80]
    assert not is_multimodal(one)
    two = 1 + 0.5 * np.sin(3 * np.pi * x) ** 2 + 0.2 * x  # dips at x = 0, 1/3, 2/3, 1
    assert len(minima(two)) == 4 and is_multimodal(two)
    wiggle = one + 0.001 * np.sin(60 * np.pi * x)  # ripples far smaller than 5% of the min
    assert len(minima(wiggle)) == 1
    assert len(minima(wiggle, depth=1e-5)) > 1


def test_smoothing_ignores_jitter_but_keeps_real_dips():
    x = np.linspace(0, 1, 301)
    jitter = np.where(np.arange(301) % 7 == 3, 0.9, 1.0)  # one-point drops of 10%
    one = (1 + (x - 0.3) ** 2) * jitter
    assert len(minima(one, depth=0.05)) > 10
    assert len(minima(one, depth=0.05, smooth=5)) == 1
    two = (1 + 0.3 * np.sin(2 * np.pi * x) ** 2 + 0.1 * x) * jitter  # dips at 0, 1/2, 1
    assert len(minima(two, depth=0.05, smooth=5)) == 3
    assert is_multimodal(two, smooth=9) and not is_multimodal(one, smooth=9)


def test_a_curve_still_falling_at_the_end_has_its_dip_at_the_end():
    falling = np.r_[np.linspace(1, 0.5, 50), np.linspace(0.5, 0.6, 10), np.linspace(0.6, 0.3, 40)]
    assert list(minima(falling)) == [49, 99]
    assert list(minima(np.linspace(1, 0.5, 30))) == [29]


def test_minima_rejects_bad_input():
    for bad in ([1.0], [[1.0, 2.0]], [1.0, np.nan]):
        with pytest.raises(ValueError, match="curve"):
            minima(bad)
    with pytest.raises(ValueError, match="depth"):
        minima([1.0, 0.5, 1.0], depth=0)
    for smooth in (0, 4, 2.5):
        with pytest.raises(ValueError, match="smooth"):
            minima([1.0, 0.5, 1.0], smooth=smooth)
