"""Balancing tasks with per-output learning rates: ML97's manual procedure, automated.

The paper (section 4): "Balancing tasks (e.g., using different learning rates for
different outputs) sometimes helps tasks learn at similar rates". ML97 describes doing it
by hand: train with equal rates, lower the rates of the tasks that peak first, retrain,
and repeat a few times. `balance` does exactly that for a batch of MTB nets:

* round 0 trains every net with its own `task_weights` (equal rates by default);
* after each round, in every net, each task that peaked before the reference epoch (the
  main tasks' mean peak epoch, or the median peak of all tasks when no main task is given)
  has its rate multiplied by peak / reference, but by no less than `min_step`: a task
  that peaks at a third of the reference gets a third of its rate, so that (if its
  learning is roughly proportional to its rate) it peaks about when the main task does.
  Main tasks and tasks that peak at or after the reference keep their rates;
* the nets are retrained from the same initial weights with the new rates.

Only halt-set information (each task's peak epoch) drives the rates, so the test sets
stay untouched. Every net is balanced on its own curves, as one would on one data set.
The test errors of every round are kept for reporting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from mtb.data import TaskData
from mtb.nets import Net
from mtb.train import Config, Result, peak_errors, train


@dataclass
class Round:
    """One round of training: per net and task, its rate, peak epoch and peak errors."""

    weights: np.ndarray  # [nets, tasks] learning-rate multipliers used in this round
    peak_epoch: np.ndarray  # [nets, tasks]
    halt: np.ndarray  # [nets, tasks] halt RMSE at each task's peak
    test: np.ndarray  # [nets, tasks] test RMSE at each task's peak
    result: Result


@dataclass
class Balancing:
    """What `balance` returns: the tasks, the main tasks and every round (round 0: the
    starting rates)."""

    tasks: tuple[str, ...]
    main: tuple[str, ...]
    rounds: list[Round]

    @property
    def weights(self) -> np.ndarray:
        """[nets, tasks] the rates of the last round trained."""
        return self.rounds[-1].weights

    def test(self, task: str) -> np.ndarray:
        """[rounds, nets] test RMSE of `task` at its peak, round by round."""
        k = self.tasks.index(task)
        return np.stack([r.test[:, k] for r in self.rounds])

    def selected(self) -> np.ndarray:
        """[nets] for each net, the round whose main tasks have the lowest mean halt RMSE:
        the round a practitioner would keep (chosen without looking at the test set)."""
        ks = [self.tasks.index(t) for t in (self.main or self.tasks)]
        return np.stack([r.halt[:, ks].mean(1) for r in self.rounds]).argmin(0)


def lower_rates(weights: np.ndarray, peak_epoch: np.ndarray, reference: np.ndarray,
                keep: np.ndarray | None = None, min_step: float = 0.2) -> np.ndarray:
    """New rates [nets, tasks]: a task peaking at epoch e < reference r (per net) has its
    rate multiplied by max(e / r, min_step); `keep` [tasks] marks tasks never lowered."""
    w = np.asarray(weights, np.float64)
    e = np.asarray(peak_epoch, np.float64)
    r = np.asarray(reference, np.float64)[:, None]
    if not 0 < min_step <= 1:
        raise ValueError(f"min_step must be in (0, 1], got {min_step}")
    if w.shape != e.shape or r.shape[0] != w.shape[0]:
        raise ValueError(f"shapes disagree: weights {w.shape}, peaks {e.shape}, "
                         f"reference {r.shape}")
    step = np.where(e < r, np.maximum(e / np.maximum(r, 1), min_step), 1.0)
    if keep is not None:
        step = np.where(np.asarray(keep, bool)[None, :], 1.0, step)
    return w * step


def reference_epoch(peak_epoch: np.ndarray, tasks: Sequence[str],
                    main: Sequence[str] = ()) -> np.ndarray:
    """[nets] the epoch the other tasks should not peak before: the main tasks' mean peak,
    or the median peak of all tasks when no main task is given."""
    e = np.asarray(peak_epoch, np.float64)
    if main:
        return e[:, [list(tasks).index(t) for t in main]].mean(1)
    return np.median(e, axis=1)


def balance(nets: Sequence[Net], data: Sequence[TaskData] | TaskData, config: Config,
            main: Sequence[str] = (), rounds: int = 3, min_step: float = 0.2) -> Balancing:
    """Train `nets` (MTB nets with the same tasks) `rounds` + 1 times, lowering the rates
    of early-peaking tasks between rounds; return every round's rates and peak errors."""
    nets = list(nets)
    if not nets:
        raise ValueError("no nets to balance")
    tasks = nets[0].tasks
    if any(n.tasks != tasks for n in nets):
        raise ValueError("every net must have the same tasks, in the same order")
    main = tuple(main)
    unknown = [t for t in main if t not in tasks]
    if unknown:
        raise KeyError(f"unknown main tasks {unknown}; tasks are {list(tasks)}")
    if int(rounds) != rounds or rounds < 0:
        raise ValueError(f"rounds must be a non-negative integer, got {rounds}")
    keep = np.array([t in main for t in tasks])
    weights = np.stack([n.weights_vector() for n in nets])
    out = []
    for _ in range(rounds + 1):
        trained = [replace(n, task_weights=tuple(w)) for n, w in zip(nets, weights, strict=True)]
        res = train(trained, data, config)
        peaks = np.stack([r.peak_epoch for r in res.nets])
        out.append(Round(weights, peaks, peak_errors(res.nets, "halt"),
                         peak_errors(res.nets), res))
        weights = lower_rates(weights, peaks, reference_epoch(peaks, tasks, main), keep,
                              min_step)
    return Balancing(tasks, main, out)
