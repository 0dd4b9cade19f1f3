"""STB against MTB on the same data and seeds: the experiment behind Tables 1 and 2.

For every seed (one `TaskData` each: fresh training, halt and test sets)
`compare` trains one STB net per task and hidden size, and one MTB net with
every task as an output, all in one batched `train` call, and collects each
task's test RMSE at its own halt-set minimum (peak generalization).

The STB net and the MTB net of a seed start from the same seed, so where
their layers have the same shape their initial weights are equal: the MTB
net is the STB net plus the other tasks' outputs. That pairing removes one
source of seed-to-seed noise from the comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mtb.data import Patterns, TaskData
from mtb.nets import Net
from mtb.train import Config, Result, train


def _hidden(h) -> tuple[int, ...]:
    return (h,) if isinstance(h, int | np.integer) else tuple(h)


@dataclass
class Comparison:
    """Peak test RMSE of STB (`stb` [seeds, sizes, tasks]) and MTB (`mtb` [seeds, tasks])."""

    tasks: tuple[str, ...]
    stb_hidden: tuple[tuple[int, ...], ...]
    mtb_hidden: tuple[int, ...]
    stb: np.ndarray
    mtb: np.ndarray
    result: Result | None  # None for a comparison assembled from others (`pick_on_halt`)
    stb_halt: np.ndarray | None = None  # the halt RMSE at the same peaks, same shapes
    mtb_halt: np.ndarray | None = None

    def best_size(self) -> np.ndarray:
        """Per task, the STB size with the lowest mean test error over seeds (as the paper
        picked its best STB run: chosen on test error, a bias in STB's favour)."""
        return self.stb.mean(0).argmin(0)

    def best_stb(self) -> np.ndarray:
        """[seeds, tasks] test RMSE of the best STB size of each task."""
        k = np.arange(len(self.tasks))
        return self.stb[:, self.best_size(), k]

    def mean_stb(self) -> np.ndarray:
        """[seeds, tasks] test RMSE averaged over the STB sizes."""
        return self.stb.mean(1)

    def task(self, name: str) -> int:
        if name not in self.tasks:
            raise KeyError(f"unknown task {name!r}; tasks are {list(self.tasks)}")
        return self.tasks.index(name)


def comparison_nets(n_seeds: int, tasks: Sequence[str], stb_hidden, mtb_hidden,
                    mtb_tasks: Sequence[str] | None = None) -> list[Net]:
    """STB nets (seed, task, size) then one MTB net per seed learning `mtb_tasks` (default:
    `tasks`)."""
    stb = [Net((t,), _hidden(h), data=s, seed=s)
           for s in range(n_seeds) for t in tasks for h in stb_hidden]
    mtb = [Net(tuple(mtb_tasks or tasks), _hidden(mtb_hidden), data=s, seed=s)
           for s in range(n_seeds)]
    return stb + mtb


def compare(data: Sequence[TaskData], tasks: Sequence[str] | None = None,
            stb_hidden: Sequence = (2, 4, 8, 16), mtb_hidden=16,
            config: Config = Config(), mtb_tasks: Sequence[str] | None = None) -> Comparison:
    """Train STB and MTB on every seed's data and return their peak test errors on `tasks`.

    STB nets are trained for `tasks` only; the MTB net learns `mtb_tasks` (default: the same
    tasks), e.g. the two main tasks of 1D-DOORS scored, all ten learned.
    """
    data = list(data)
    tasks = tuple(data[0].tasks if tasks is None else tasks)
    if not stb_hidden:
        raise ValueError("give at least one STB hidden size")
    if mtb_tasks is not None and not set(tasks) <= set(mtb_tasks):
        raise ValueError(f"the MTB net must learn every scored task; {tasks} not in {mtb_tasks}")
    nets = comparison_nets(len(data), tasks, stb_hidden, mtb_hidden, mtb_tasks)
    result = train(nets, data, config)
    S, K, H = len(data), len(tasks), len(stb_hidden)
    n_stb = S * K * H

    def peaks(split: str) -> tuple[np.ndarray, np.ndarray]:
        stb = np.array([r.peak[split][0] for r in result.nets[:n_stb]]).reshape(S, K, H)
        mtb = np.stack([[r.peak_error(t, split) for t in tasks] for r in result.nets[n_stb:]])
        return stb.transpose(0, 2, 1), mtb

    (stb, mtb), (stb_halt, mtb_halt) = peaks("test"), peaks("halt")
    return Comparison(tasks, tuple(_hidden(h) for h in stb_hidden), _hidden(mtb_hidden),
                      stb, mtb, result, stb_halt, mtb_halt)


def pick_on_halt(runs: Sequence[Comparison]) -> tuple[Comparison, np.ndarray, np.ndarray]:
    """Tune on the halt set: of several runs of one comparison (same data, seeds and nets,
    e.g. one run per learning rate), keep for every seed, task and STB size the run whose
    net has the lowest halt error at its peak, separately for STB and for MTB.

    Returns the comparison of the kept test errors and which run was kept: STB
    [seeds, sizes, tasks] and MTB [seeds, tasks], indices into `runs`.
    """
    runs = list(runs)
    if not runs or any(r.stb_halt is None or r.mtb_halt is None for r in runs):
        raise ValueError("pick_on_halt needs comparisons from compare() (with halt errors)")
    first = runs[0]
    if any((r.tasks, r.stb_hidden, r.mtb_hidden, r.stb.shape) !=
           (first.tasks, first.stb_hidden, first.mtb_hidden, first.stb.shape) for r in runs):
        raise ValueError("the runs must compare the same tasks, sizes and seeds")
    stb_pick = np.stack([r.stb_halt for r in runs]).argmin(0)
    mtb_pick = np.stack([r.mtb_halt for r in runs]).argmin(0)

    def kept(values: list[np.ndarray], pick: np.ndarray) -> np.ndarray:
        return np.take_along_axis(np.stack(values), pick[None], 0)[0]

    tuned = Comparison(first.tasks, first.stb_hidden, first.mtb_hidden,
                       kept([r.stb for r in runs], stb_pick), kept([r.mtb for r in runs], mtb_pick),
                       None, kept([r.stb_halt for r in runs], stb_pick),
                       kept([r.mtb_halt for r in runs], mtb_pick))
    return tuned, stb_pick, mtb_pick


def fit(X, Y, splits, *, tasks: Sequence[str] | None = None, mask=None,
        stb_hidden: Sequence = (2, 4, 8, 16), mtb_hidden=16,
        config: Config = Config()) -> Comparison:
    """STB vs MTB on your own arrays.

    X [patterns, inputs]; Y [patterns, tasks] (in [0, 1] for sigmoid outputs);
    `splits` is a list of (train, halt, test) index arrays, one per seed (fresh
    sets per seed), and `mask` [patterns, tasks] marks defined targets.
    """
    Y = np.asarray(Y)
    if Y.ndim == 1:
        Y = Y[:, None]
    names = tuple(f"task {k}" for k in range(Y.shape[1])) if tasks is None else tuple(tasks)
    p = Patterns(np.asarray(X), Y, mask, names)
    if not splits:
        raise ValueError("give at least one (train, halt, test) split")
    data = []
    for j, split in enumerate(splits):
        if len(split) != 3:
            raise ValueError(f"split {j} must be (train, halt, test) index arrays")
        data.append(TaskData(*(p.subset(np.asarray(ix)) for ix in split)))
    return compare(data, names, stb_hidden, mtb_hidden, config)
