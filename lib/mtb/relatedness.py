"""Cheap measures of how related an extra task is to a main task, taken before (or
instead of) training the multitask net, and how well they rank the tasks by benefit.

Used by the chapter "After 1995" to ask whether task relatedness (the paper's open
question of which extra tasks help) can be predicted without training an MTB net per task.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import spearmanr

from mtb.data import Patterns
from mtb.diagnostics import gradient_alignment
from mtb.nets import init_weights


def alignment(weights: list, p: Patterns, main: str) -> np.ndarray:
    """[tasks] cosine between each task's input-to-hidden gradient and the main task's, in
    the MTB net with (W, b) per layer `weights`, on patterns `p`: does task k pull the
    shared layer the way the main task does? It depends on each task's output weights, so
    at random initial weights it is partly noise; a few epochs of training reduce that."""
    weights = [(np.asarray(W), np.asarray(b)) for W, b in weights]
    return gradient_alignment(weights, p.X, p.Y, p.mask)[p.tasks.index(main)]


def alignment_at_init(p: Patterns, main: str, hidden: int, seed: int) -> np.ndarray:
    """`alignment` in a freshly initialised 1-hidden-layer net (seed `seed`): before any
    learning."""
    weights = [(W.numpy(), b.numpy()) for W, b in
               init_weights((p.X.shape[1], hidden, len(p.tasks)), seed)]
    return alignment(weights, p, main)


def target_correlation(p: Patterns, main: str) -> np.ndarray:
    """[tasks] |Spearman correlation| between each task's targets and the main task's, over
    the patterns where both are defined."""
    m = p.tasks.index(main)
    out = []
    for k in range(len(p.tasks)):
        both = p.mask[:, k] & p.mask[:, m]
        out.append(abs(_spearman(p.Y[both, k], p.Y[both, m])) if both.sum() > 1 else 0.0)
    return np.array(out)


def rank_agreement(measure: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """[seeds] Spearman correlation, per seed, between a measure [seeds, tasks] and the
    measured benefit [seeds, tasks] (0 where either is constant)."""
    measure, benefit = np.atleast_2d(measure), np.atleast_2d(benefit)
    if measure.shape != benefit.shape:
        raise ValueError(f"shapes disagree: {measure.shape} vs {benefit.shape}")
    return np.array([_spearman(a, b) for a, b in zip(measure, benefit, strict=True)])


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho, 0 when either side is constant (no ranking to agree with)."""
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(spearmanr(a, b)[0])


def bootstrap_rank_agreement(measure: np.ndarray, benefit: np.ndarray, n: int = 2000,
                             seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """Spearman correlation between the seed-means of a measure and of the benefit (one
    point per task), with a percentile interval from resampling the seeds."""
    measure, benefit = np.asarray(measure), np.asarray(benefit)
    rng = np.random.default_rng(seed)
    point = _spearman(measure.mean(0), benefit.mean(0))
    draws = []
    for _ in range(n):
        i = rng.integers(0, len(measure), len(measure))
        draws.append(_spearman(measure[i].mean(0), benefit[i].mean(0)))
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(point), float(lo), float(hi)


def pick_tasks(tasks: Sequence[str], main: str) -> list[str]:
    """The extra tasks: every task but the main one, in order."""
    return [t for t in tasks if t != main]
