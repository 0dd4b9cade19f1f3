"""Patterns of a domain: inputs, one target column per task, and a mask of defined targets.

Every domain (1D-ALVINN, 1D-DOORS, the mechanism problems, diabetes) returns
`Patterns`; the trainer takes one `TaskData` (training / halt / test patterns)
per seed. A target can be undefined for a pattern (the centerline of a
one-lane road): its mask entry is False and the trainer ignores it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SPLITS = ("train", "halt", "test")


@dataclass(frozen=True)
class Patterns:
    """`X` [patterns, inputs], `Y` [patterns, tasks], `mask` [patterns, tasks] (True = defined)."""

    X: np.ndarray
    Y: np.ndarray
    mask: np.ndarray
    tasks: tuple[str, ...]

    def __post_init__(self) -> None:
        X, Y = np.asarray(self.X), np.asarray(self.Y)
        mask = np.ones(Y.shape, bool) if self.mask is None else np.asarray(self.mask)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D [patterns, inputs], got shape {X.shape}")
        if Y.ndim != 2:
            raise ValueError(f"Y must be 2-D [patterns, tasks], got shape {Y.shape}")
        if len(X) != len(Y):
            raise ValueError(f"X has {len(X)} patterns but Y has {len(Y)}")
        if mask.shape != Y.shape:
            raise ValueError(f"mask has shape {mask.shape}, Y has shape {Y.shape}")
        if mask.dtype != bool:
            raise ValueError(f"mask must be boolean, got dtype {mask.dtype}")
        tasks = tuple(self.tasks)
        if len(tasks) != Y.shape[1]:
            raise ValueError(f"{len(tasks)} task names for {Y.shape[1]} target columns")
        if len(set(tasks)) != len(tasks):
            raise ValueError(f"task names are not unique: {tasks}")
        if not np.isfinite(X).all():
            raise ValueError("X contains NaN or inf")
        if not np.isfinite(Y[mask]).all():
            raise ValueError("Y contains NaN or inf where the mask says the target is defined")
        Y = np.where(mask, Y, 0.0)  # undefined targets carry no value
        object.__setattr__(self, "X", X.astype(np.float32))
        object.__setattr__(self, "Y", Y.astype(np.float32))
        object.__setattr__(self, "mask", mask)
        object.__setattr__(self, "tasks", tasks)

    def __len__(self) -> int:
        return len(self.X)

    def subset(self, index: Sequence[int] | np.ndarray) -> Patterns:
        """The patterns at `index` (rows)."""
        index = np.asarray(index)
        return Patterns(self.X[index], self.Y[index], self.mask[index], self.tasks)

    def select(self, tasks: Sequence[str]) -> Patterns:
        """Only the target columns of `tasks`, in that order."""
        cols = [self.task_index(t) for t in tasks]
        return Patterns(self.X, self.Y[:, cols], self.mask[:, cols], tuple(tasks))

    def with_targets(self, task: str, values: np.ndarray) -> Patterns:
        """A copy with the targets of one task replaced (e.g. shuffled for a control)."""
        k = self.task_index(task)
        Y = self.Y.copy()
        Y[:, k] = values
        return Patterns(self.X, Y, self.mask, self.tasks)

    def task_index(self, task: str) -> int:
        if task not in self.tasks:
            raise KeyError(f"unknown task {task!r}; tasks are {list(self.tasks)}")
        return self.tasks.index(task)


@dataclass(frozen=True)
class TaskData:
    """The training, halt (early-stopping) and test patterns of one seed."""

    train: Patterns
    halt: Patterns
    test: Patterns

    def __post_init__(self) -> None:
        shapes = {s: (getattr(self, s).X.shape[1], getattr(self, s).tasks) for s in SPLITS}
        if len(set(shapes.values())) != 1:
            raise ValueError(f"train/halt/test disagree on inputs or tasks: {shapes}")
        for s in SPLITS:
            if len(getattr(self, s)) == 0:
                raise ValueError(f"the {s} set is empty")

    @property
    def tasks(self) -> tuple[str, ...]:
        return self.train.tasks

    @property
    def n_inputs(self) -> int:
        return self.train.X.shape[1]

    def split(self, name: str) -> Patterns:
        if name not in SPLITS:
            raise KeyError(f"unknown split {name!r}; splits are {SPLITS}")
        return getattr(self, name)

    def map(self, f) -> TaskData:
        """Apply `f(Patterns) -> Patterns` to each split."""
        return TaskData(f(self.train), f(self.halt), f(self.test))


def split_patterns(p: Patterns, n_train: int, n_halt: int, n_test: int) -> TaskData:
    """Cut freshly generated patterns into training, halt and test sets (in order)."""
    need = n_train + n_halt + n_test
    if len(p) < need:
        raise ValueError(f"need {need} patterns for the three sets, got {len(p)}")
    a, b = n_train, n_train + n_halt
    return TaskData(p.subset(np.arange(0, a)), p.subset(np.arange(a, b)),
                    p.subset(np.arange(b, need)))
