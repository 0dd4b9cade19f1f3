"""Learning curves after the fact: peaks under a shorter training budget, and their minima.

A trained net's curves hold every task's error after every measured epoch, so the peak
generalization a shorter run would have found needs no retraining: it is the test error at
the halt-set minimum among the epochs up to the budget (`peak_until`). `minima` finds a
curve's separate dips; a curve with more than one is *multimodal* in the paper's sense
("MTB curves are frequently multimodal"), and stopping at its first dip can miss the best.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import find_peaks

from mtb.train import NetResult


def peak_until(r: NetResult, epoch: float, split: str = "test") -> np.ndarray:
    """[tasks] error on `split` at each task's halt-set minimum over the epochs <= `epoch`
    (ties: the first, as the trainer does)."""
    keep = r.epochs <= epoch
    if not keep.any():
        raise ValueError(f"no measurement at or before epoch {epoch}")
    best = np.argmin(r.curves["halt"][keep], axis=0)
    return r.curves[split][keep][best, np.arange(len(r.net.tasks))]


def minima(curve, depth: float = 0.05, smooth: int = 1) -> np.ndarray:
    """Indices of the local minima of an error curve that are separate dips: the curve rises
    by at least `depth` x its lowest value on both sides before any lower point (a dip at
    the last point only needs the rise on its left: the curve was still falling).

    `smooth` > 1 first takes a running median over that many points (odd), so that the
    epoch-to-epoch jitter of stochastic updates does not count as dips.
    """
    y = np.asarray(curve, dtype=float)
    if y.ndim != 1 or len(y) < 2 or not np.isfinite(y).all():
        raise ValueError("curve must be 1-D, finite, with at least 2 points")
    if depth <= 0:
        raise ValueError(f"depth must be positive, got {depth}")
    if int(smooth) != smooth or smooth < 1 or smooth % 2 == 0:
        raise ValueError(f"smooth must be a positive odd number of points, got {smooth}")
    if smooth > 1:
        y = median_filter(y, size=int(smooth), mode="nearest")
    padded = np.r_[np.inf, y, np.inf]  # an end point can be a minimum
    # find_peaks wants maxima and finite values: flip, and stand in a high wall for inf
    wall = y.max() + 2 * depth * y.min() + 1.0
    flipped = -np.where(np.isinf(padded), wall, padded)
    found, _ = find_peaks(flipped, prominence=depth * y.min())
    return found - 1


def is_multimodal(curve, depth: float = 0.05, smooth: int = 1) -> bool:
    """True when the curve has more than one separate dip (see `minima`)."""
    return len(minima(curve, depth, smooth)) > 1
